package knownhosts

import (
	"net/netip"
	"strings"

	"github.com/ssh2go/ssh2/keys"
)

// CertError is returned by the host key callback when the server presents
// a host certificate signed by a CA that a @cert-authority line trusts
// for the host, but the certificate fails a check: wrong type, principal
// not the host name, outside its validity window, bad CA signature or an
// unknown critical option. Err wraps one of the keys.ErrCert* errors (or
// keys.ErrVerification), so errors.Is works on it.
type CertError struct {
	// Host is the normalized name that was looked up.
	Host string
	// Authority is the @cert-authority line that matched the CA.
	Authority KnownKey
	// Err is why the certificate was refused.
	Err error
}

func (e *CertError) Error() string {
	return "knownhosts: host certificate for " + e.Host + " refused (CA " + e.Authority.String() + "): " + e.Err.Error()
}

// Unwrap returns the reason.
func (e *CertError) Unwrap() error { return e.Err }

// certHostKeyAlgorithms are the host certificate algorithms asked for when
// a CA is known for the host, in OpenSSH's order.
var certHostKeyAlgorithms = []string{
	keys.CertTypeED25519,
	keys.CertTypeECDSA256, keys.CertTypeECDSA384, keys.CertTypeECDSA521,
	keys.CertSigRSASHA512, keys.CertSigRSASHA256,
}

// checkCert verifies a host certificate for host, as OpenSSH's ssh does:
//
//   - a certificate whose own blob, certified key or CA key is marked
//     @revoked for the host is refused (*RevokedError);
//   - if a @cert-authority line for the host names the certificate's CA,
//     the certificate must be a host certificate, list the host name
//     (without port) among its principals, be valid now, carry a valid
//     CA signature and no critical option (*CertError otherwise);
//   - with no such line, the certified key itself is checked like a plain
//     host key, so a host known by its key stays known when it starts
//     presenting a certificate.
//
// Unlike ssh, a host certificate without principals is refused: a CA
// vouches for named hosts only.
func (db *DB) checkCert(host string, cert *keys.Certificate) error {
	m := newMatcher(host)
	for i := range db.Entries {
		e := &db.Entries[i]
		if e.Marker != MarkerRevoked || !e.matchHost(m) {
			continue
		}
		if keys.Equal(e.Key, cert) || keys.Equal(e.Key, cert.Key) || keys.Equal(e.Key, cert.SignatureKey) {
			return &RevokedError{Host: host, Revoked: KnownKey{e.Key, e.Filename, e.Line}}
		}
	}
	var ca *Entry
	for i := range db.Entries {
		e := &db.Entries[i]
		if e.Marker == MarkerCertAuthority && e.matchHost(m) && keys.Equal(e.Key, cert.SignatureKey) {
			ca = e
			break
		}
	}
	if ca == nil {
		return db.Check(host, cert.Key)
	}
	checker := keys.CertChecker{
		IsAuthority: func(k keys.PublicKey, certType uint32) bool {
			return certType == keys.HostCert && keys.Equal(k, ca.Key)
		},
		// No critical option is defined for host certificates.
		SupportedCriticalOptions: []string{},
	}
	if err := checker.Check(cert, keys.HostCert, principalOf(host), netip.Addr{}); err != nil {
		return &CertError{Host: host, Authority: KnownKey{ca.Key, ca.Filename, ca.Line}, Err: err}
	}
	return nil
}

// principalOf returns the host name a host certificate must list for the
// normalized name host: "[name]:port" gives name.
func principalOf(host string) string {
	if strings.HasPrefix(host, "[") {
		if i := strings.LastIndex(host, "]:"); i > 0 {
			return host[1:i]
		}
	}
	return host
}

// HasCertAuthority reports whether a @cert-authority line matches host
// (normalized).
func (db *DB) HasCertAuthority(host string) bool {
	m := newMatcher(host)
	for i := range db.Entries {
		e := &db.Entries[i]
		if e.Marker == MarkerCertAuthority && e.matchHost(m) {
			return true
		}
	}
	return false
}
