package keys

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Errors returned by certificate checks; each wraps ErrCertificate.
var (
	// ErrCertificate is the parent of every certificate check error.
	ErrCertificate = errors.New("keys: certificate rejected")
	// ErrCertNotYetValid: the current time is before ValidAfter.
	ErrCertNotYetValid = fmt.Errorf("%w: not yet valid", ErrCertificate)
	// ErrCertExpired: the current time is at or after ValidBefore.
	ErrCertExpired = fmt.Errorf("%w: expired", ErrCertificate)
	// ErrCertPrincipal: the principal is not listed in the certificate.
	ErrCertPrincipal = fmt.Errorf("%w: principal not allowed", ErrCertificate)
	// ErrCertSourceAddress: the client address is outside source-address.
	ErrCertSourceAddress = fmt.Errorf("%w: source address not allowed", ErrCertificate)
	// ErrCertCriticalOption: an unknown critical option is present.
	ErrCertCriticalOption = fmt.Errorf("%w: unsupported critical option", ErrCertificate)
	// ErrCertType: a user certificate where a host one is needed, or the
	// reverse.
	ErrCertType = fmt.Errorf("%w: wrong certificate type", ErrCertificate)
	// ErrCertAuthority: the signing CA is not trusted.
	ErrCertAuthority = fmt.Errorf("%w: signed by an untrusted authority", ErrCertificate)
)

// SignCertificate signs cert with the CA key ca: it fills in a random
// 32-byte Nonce when empty, sets SignatureKey and Signature. RSA CAs sign
// with rsa-sha2-512, as ssh-keygen does; other keys with their only
// algorithm.
func SignCertificate(ca Signer, cert *Certificate) error {
	return SignCertificateWithAlgorithm(rand.Reader, ca, "", cert)
}

// SignCertificateWithAlgorithm is SignCertificate with an explicit
// randomness source and signature algorithm ("" picks the default).
func SignCertificateWithAlgorithm(r io.Reader, ca Signer, algo string, cert *Certificate) error {
	if cert.Key == nil {
		return malformed("certificate without key")
	}
	if _, ok := cert.Key.(*Certificate); ok {
		return invalid("certifying a certificate")
	}
	if cert.Type() == "" {
		return unsupportedType(cert.Key.Type())
	}
	if _, ok := ca.PublicKey().(*Certificate); ok {
		return invalid("a certificate cannot be a CA key")
	}
	if algo == "" {
		algo = ca.Algorithms()[0]
	}
	if len(cert.Nonce) == 0 {
		cert.Nonce = make([]byte, 32)
		if _, err := io.ReadFull(randOrDefault(r), cert.Nonce); err != nil {
			return err
		}
	}
	cert.SignatureKey = ca.PublicKey()
	sig, err := ca.Sign(randOrDefault(r), algo, cert.signedBytes())
	if err != nil {
		return err
	}
	cert.Signature = sig
	return nil
}

// certSigner signs with a private key while presenting its certificate.
type certSigner struct {
	cert   *Certificate
	signer Signer
}

// NewCertSigner returns a Signer whose PublicKey is cert and whose
// signatures are made by s, the private key of cert.Key. Algorithms lists
// the certificate algorithm names ("rsa-sha2-512-cert-v01@openssh.com",
// ...); Sign accepts those or the plain names and makes a signature with
// the plain algorithm, as the certificate protocols require.
func NewCertSigner(cert *Certificate, s Signer) (Signer, error) {
	if !Equal(cert.Key, s.PublicKey()) {
		return nil, invalid("certificate is for a different key")
	}
	return &certSigner{cert: cert, signer: s}, nil
}

func (c *certSigner) PublicKey() PublicKey { return c.cert }

func (c *certSigner) Algorithms() []string {
	var out []string
	for _, a := range c.signer.Algorithms() {
		if ca, ok := CertAlgorithm(a); ok {
			out = append(out, ca)
		}
	}
	return out
}

func (c *certSigner) Sign(r io.Reader, algorithm string, data []byte) ([]byte, error) {
	if p, ok := CertAlgorithmUnderlying(algorithm); ok {
		algorithm = p
	}
	return c.signer.Sign(r, algorithm, data)
}

// CertChecker checks certificates presented for authentication.
type CertChecker struct {
	// IsAuthority reports whether a CA key is trusted for certificates of
	// the given type (UserCert or HostCert). Required.
	IsAuthority func(ca PublicKey, certType uint32) bool
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// SupportedCriticalOptions lists the critical options the caller
	// enforces; a certificate carrying any other is refused. nil means
	// force-command and source-address.
	SupportedCriticalOptions []string
}

// Check verifies cert for authenticating principal from address addr
// (the zero netip.Addr skips the source-address check): its type, CA
// trust, CA signature, validity window, principal, critical options and
// source-address list. Failures wrap ErrCertificate or ErrVerification.
func (cc *CertChecker) Check(cert *Certificate, certType uint32, principal string, addr netip.Addr) error {
	if cert.CertType != certType {
		return ErrCertType
	}
	if cc.IsAuthority == nil || !cc.IsAuthority(cert.SignatureKey, certType) {
		return ErrCertAuthority
	}
	if err := cert.VerifySignature(); err != nil {
		return err
	}
	now := time.Now
	if cc.Now != nil {
		now = cc.Now
	}
	if err := cert.CheckValidity(now()); err != nil {
		return err
	}
	if err := cert.CheckPrincipal(principal); err != nil {
		return err
	}
	supported := cc.SupportedCriticalOptions
	if supported == nil {
		supported = []string{"force-command", "source-address"}
	}
	for name := range cert.CriticalOptions {
		if !slices.Contains(supported, name) {
			return fmt.Errorf("%w: %q", ErrCertCriticalOption, name)
		}
	}
	if addr.IsValid() {
		return cert.CheckSourceAddress(addr)
	}
	return nil
}

// CheckValidity checks that now lies in [ValidAfter, ValidBefore).
func (c *Certificate) CheckValidity(now time.Time) error {
	t := now.Unix()
	if t < 0 {
		t = 0
	}
	if uint64(t) < c.ValidAfter {
		return ErrCertNotYetValid
	}
	if uint64(t) >= c.ValidBefore {
		return ErrCertExpired
	}
	return nil
}

// CheckPrincipal checks that name is among ValidPrincipals. As in OpenSSH,
// a certificate with no principals is refused here; callers that accept
// any principal skip this check.
func (c *Certificate) CheckPrincipal(name string) error {
	if slices.Contains(c.ValidPrincipals, name) {
		return nil
	}
	return fmt.Errorf("%w: %q", ErrCertPrincipal, name)
}

// CheckSourceAddress checks addr against the source-address critical
// option, a comma-separated list of addresses and CIDR prefixes. A
// certificate without the option allows every address; a malformed list
// allows none.
func (c *Certificate) CheckSourceAddress(addr netip.Addr) error {
	list, ok := c.CriticalOptions["source-address"]
	if !ok {
		return nil
	}
	addr = addr.Unmap()
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		var p netip.Prefix
		var err error
		if strings.Contains(item, "/") {
			p, err = netip.ParsePrefix(item)
		} else {
			var a netip.Addr
			a, err = netip.ParseAddr(item)
			if err == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil {
			return fmt.Errorf("%w: bad source-address %q", ErrCertSourceAddress, item)
		}
		if p.Masked() != p {
			return fmt.Errorf("%w: bad source-address %q (host bits set)", ErrCertSourceAddress, item)
		}
		if p.Contains(addr) {
			return nil
		}
	}
	return fmt.Errorf("%w: %s", ErrCertSourceAddress, addr)
}
