package ssh2

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/ssh2go/ssh2/keys"
)

// Errors of UserCertAuthority.Check besides the keys.ErrCert* ones.
var (
	// ErrNotCertificate: the key offered is a plain key, not an OpenSSH
	// certificate.
	ErrNotCertificate = errors.New("ssh2: key is not a certificate")
	// ErrCertRevoked: the certified key or the CA key is revoked. It wraps
	// keys.ErrCertificate.
	ErrCertRevoked = fmt.Errorf("%w: revoked key", keys.ErrCertificate)
)

// UserCertAuthority authenticates users by OpenSSH user certificates
// (PROTOCOL.certkeys), as sshd does with TrustedUserCAKeys. Use its
// PublicKeyCallback as ServerConfig.PublicKeyCallback, or call Check from
// a callback of your own.
//
// A certificate is accepted when all of these hold: it is a user
// certificate signed by one of Authorities (the CA signature is
// verified); neither its key nor its CA is revoked; the current time lies
// in its validity window; it lists a principal allowed for the login
// (by default the user name itself); it carries no critical option other
// than force-command and source-address; and the client's address, taken
// from the connection (ConnInfo.RemoteAddr), is in its source-address
// list if it has one. The signature by the certified key over the
// session is verified by the server before the callback runs, as for any
// public key.
//
// The login's Permissions carry the certificate's critical options and
// extensions: the session code must honour force-command (see
// Permissions.ForceCommand) and may honour extensions such as permit-pty.
type UserCertAuthority struct {
	// Authorities are the trusted CA public keys. Required.
	Authorities []PublicKey
	// Principals, if set, returns the principals allowed to log in as
	// user, like sshd's AuthorizedPrincipalsFile; the certificate must
	// list at least one of them. Nil means the user name itself. An error
	// refuses the certificate.
	Principals func(ctx context.Context, user string) ([]string, error)
	// IsRevoked, if set, is asked about the certified key and the CA key;
	// true for either refuses the certificate, like sshd's RevokedKeys.
	IsRevoked func(key PublicKey) bool
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Fallback, if set, decides public keys that are not certificates,
	// such as those of an authorized_keys file. Nil refuses them.
	// Certificates never reach it.
	Fallback func(ctx context.Context, r *PublicKeyRequest) Decision
	// OnRefused, if set, is told about every certificate refused and why,
	// for logging. It is called for queries and signed requests alike.
	OnRefused func(ctx context.Context, r *PublicKeyRequest, err error)
}

// PublicKeyCallback returns a ServerConfig.PublicKeyCallback that accepts
// certificates passing Check, with their Permissions, and passes plain
// keys to Fallback.
func (a *UserCertAuthority) PublicKeyCallback() func(ctx context.Context, r *PublicKeyRequest) Decision {
	return func(ctx context.Context, r *PublicKeyRequest) Decision {
		if _, ok := r.Key.(*keys.Certificate); !ok {
			if a.Fallback != nil {
				return a.Fallback(ctx, r)
			}
			return Reject()
		}
		p, err := a.Check(ctx, r)
		if err != nil {
			if a.OnRefused != nil {
				a.OnRefused(ctx, r, err)
			}
			return Reject()
		}
		return AcceptWith(p)
	}
}

// Check checks the certificate offered in r for a login as r.User (see
// UserCertAuthority for the rules) and returns the permissions it grants:
// copies of its critical options and extensions. Errors wrap
// keys.ErrCertificate (keys.ErrCertExpired, keys.ErrCertPrincipal,
// keys.ErrCertSourceAddress, keys.ErrCertAuthority, ErrCertRevoked, ...),
// keys.ErrVerification for a bad CA signature, or are ErrNotCertificate.
//
// Check does not look at r.Verified: a callback may answer a query with
// it, but only a Verified request proves the client holds the key.
func (a *UserCertAuthority) Check(ctx context.Context, r *PublicKeyRequest) (*Permissions, error) {
	cert, ok := r.Key.(*keys.Certificate)
	if !ok {
		return nil, ErrNotCertificate
	}
	if a.IsRevoked != nil && (a.IsRevoked(cert.Key) || a.IsRevoked(cert.SignatureKey)) {
		return nil, ErrCertRevoked
	}
	allowed := []string{r.User}
	if a.Principals != nil {
		var err error
		if allowed, err = a.Principals(ctx, r.User); err != nil {
			return nil, fmt.Errorf("%w: principals for %q: %w", keys.ErrCertPrincipal, r.User, err)
		}
	}
	principal, found := "", false
	for _, p := range allowed {
		if slices.Contains(cert.ValidPrincipals, p) {
			principal, found = p, true
			break
		}
	}
	if !found {
		return nil, fmt.Errorf("%w: none of %q listed for user %q", keys.ErrCertPrincipal, allowed, r.User)
	}
	addr := remoteIP(ctx)
	if _, has := cert.CriticalOptions["source-address"]; has && !addr.IsValid() {
		return nil, fmt.Errorf("%w: client address unknown", keys.ErrCertSourceAddress)
	}
	checker := keys.CertChecker{
		IsAuthority: func(ca keys.PublicKey, certType uint32) bool {
			return certType == keys.UserCert && slices.ContainsFunc(a.Authorities, func(k PublicKey) bool { return keys.Equal(k, ca) })
		},
		Now: a.Now,
	}
	if err := checker.Check(cert, keys.UserCert, principal, addr); err != nil {
		return nil, err
	}
	return &Permissions{CriticalOptions: maps.Clone(cert.CriticalOptions), Extensions: maps.Clone(cert.Extensions)}, nil
}

// remoteIP returns the client's IP address from the connection an
// authentication callback runs for, or the zero Addr when unknown.
func remoteIP(ctx context.Context) netip.Addr {
	ci, ok := ConnInfoFromContext(ctx)
	if !ok || ci.RemoteAddr == nil {
		return netip.Addr{}
	}
	switch a := ci.RemoteAddr.(type) {
	case *net.TCPAddr:
		ip, _ := netip.AddrFromSlice(a.IP)
		return ip.Unmap()
	case *net.UDPAddr:
		ip, _ := netip.AddrFromSlice(a.IP)
		return ip.Unmap()
	}
	ap, err := netip.ParseAddrPort(ci.RemoteAddr.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}
