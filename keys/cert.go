package keys

import (
	"bytes"
	"crypto"
	"sort"
	"strings"

	"github.com/ssh2go/ssh2/internal/wire"
)

// Certificate types (PROTOCOL.certkeys).
const (
	UserCert = 1
	HostCert = 2
)

// CertTimeInfinity is the ValidBefore value of a certificate that never
// expires.
const CertTimeInfinity = 1<<64 - 1

// Certificate key type names (PROTOCOL.certkeys).
const (
	CertTypeED25519   = "ssh-ed25519-cert-v01@openssh.com"
	CertTypeECDSA256  = "ecdsa-sha2-nistp256-cert-v01@openssh.com"
	CertTypeECDSA384  = "ecdsa-sha2-nistp384-cert-v01@openssh.com"
	CertTypeECDSA521  = "ecdsa-sha2-nistp521-cert-v01@openssh.com"
	CertTypeRSA       = "ssh-rsa-cert-v01@openssh.com"
	CertTypeDSA       = "ssh-dss-cert-v01@openssh.com"
	CertTypeSKECDSA   = "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com"
	CertTypeSKED25519 = "sk-ssh-ed25519-cert-v01@openssh.com"
	// RSA certificates are offered under these algorithm names when the
	// signature uses SHA-2 (RFC 8332 with PROTOCOL.certkeys).
	CertSigRSASHA256 = "rsa-sha2-256-cert-v01@openssh.com"
	CertSigRSASHA512 = "rsa-sha2-512-cert-v01@openssh.com"
)

// certToPlain maps certificate key types and algorithm names to the plain
// key type or signature algorithm underneath.
var certToPlain = map[string]string{
	CertTypeED25519:   TypeED25519,
	CertTypeECDSA256:  TypeECDSA256,
	CertTypeECDSA384:  TypeECDSA384,
	CertTypeECDSA521:  TypeECDSA521,
	CertTypeRSA:       TypeRSA,
	CertTypeDSA:       TypeDSA,
	CertTypeSKECDSA:   TypeSKECDSA,
	CertTypeSKED25519: TypeSKED25519,
	CertSigRSASHA256:  SigRSASHA256,
	CertSigRSASHA512:  SigRSASHA512,
}

// CertAlgorithmUnderlying maps a certificate algorithm name (such as
// "rsa-sha2-512-cert-v01@openssh.com") to the signature algorithm its
// signatures use ("rsa-sha2-512"). ok is false for names that are not
// certificate algorithms.
func CertAlgorithmUnderlying(algo string) (plain string, ok bool) {
	plain, ok = certToPlain[algo]
	return plain, ok
}

// CertAlgorithm maps a plain signature algorithm to the certificate
// algorithm name offered for it, for example "ssh-ed25519" to
// "ssh-ed25519-cert-v01@openssh.com". ok is false when there is none.
func CertAlgorithm(sigAlgo string) (string, bool) {
	for c, p := range certToPlain {
		if p == sigAlgo && c != CertTypeRSA || sigAlgo == SigRSASHA1 && c == CertTypeRSA {
			return c, true
		}
	}
	return "", false
}

// Certificate is an OpenSSH certificate (PROTOCOL.certkeys). It is a
// PublicKey: Type is the certificate type, Marshal the certificate blob,
// and Verify checks signatures made by the certified key.
type Certificate struct {
	// Nonce is the CA-provided random value; SignCertificate fills it in
	// when empty.
	Nonce []byte
	// Key is the certified public key.
	Key PublicKey
	// Serial is the CA's serial number.
	Serial uint64
	// CertType is UserCert or HostCert.
	CertType uint32
	// KeyID is the free-form identifier the CA logs.
	KeyID string
	// ValidPrincipals lists user or host names; empty means any.
	ValidPrincipals []string
	// ValidAfter and ValidBefore are the validity window in seconds since
	// the Unix epoch; ValidBefore CertTimeInfinity means forever.
	ValidAfter, ValidBefore uint64
	// CriticalOptions maps option names (force-command, source-address,
	// verify-required) to their values; flag options map to "".
	CriticalOptions map[string]string
	// Extensions maps extension names (permit-pty, ...) to their values;
	// flag extensions map to "".
	Extensions map[string]string
	// Reserved is the reserved field, empty in current certificates.
	Reserved []byte
	// SignatureKey is the CA key that signed the certificate.
	SignatureKey PublicKey
	// Signature is the CA's wire-format signature blob.
	Signature []byte
}

// Type returns the certificate key type, e.g.
// "ssh-ed25519-cert-v01@openssh.com".
func (c *Certificate) Type() string {
	if c.Key == nil {
		return ""
	}
	for ct, p := range certToPlain {
		if p == c.Key.Type() && !strings.HasPrefix(ct, "rsa-sha2-") {
			return ct
		}
	}
	return ""
}

// Marshal returns the certificate blob, signature included.
func (c *Certificate) Marshal() []byte {
	b := c.signedBytes()
	return wire.AppendString(b, c.Signature)
}

// Verify checks a signature made by the certified key; it does not check
// the certificate itself (see VerifySignature and CertChecker).
func (c *Certificate) Verify(data, sig []byte) error {
	if c.Key == nil {
		return malformed("certificate without key")
	}
	return c.Key.Verify(data, sig)
}

// CryptoPublicKey returns the certified key's standard library key.
func (c *Certificate) CryptoPublicKey() crypto.PublicKey {
	if c.Key == nil {
		return nil
	}
	return c.Key.CryptoPublicKey()
}

// VerifySignature checks the CA signature over the certificate. A CA key
// that is itself a certificate is refused.
func (c *Certificate) VerifySignature() error {
	if c.SignatureKey == nil {
		return malformed("certificate without signature key")
	}
	if _, ok := c.SignatureKey.(*Certificate); ok {
		return invalid("certificate signed by a certificate")
	}
	return c.SignatureKey.Verify(c.signedBytes(), c.Signature)
}

// signedBytes encodes every field but the signature.
func (c *Certificate) signedBytes() []byte {
	var kb []byte
	if c.Key != nil {
		kb = c.Key.Marshal()
	}
	kd := wire.NewDecoder(kb)
	kd.String() // drop the plain type name
	b := make([]byte, 0, 256+len(kb))
	b = wire.AppendText(b, c.Type())
	b = wire.AppendString(b, c.Nonce)
	b = append(b, kd.Rest()...)
	b = wire.AppendUint64(b, c.Serial)
	b = wire.AppendUint32(b, c.CertType)
	b = wire.AppendText(b, c.KeyID)
	var p []byte
	for _, s := range c.ValidPrincipals {
		p = wire.AppendText(p, s)
	}
	b = wire.AppendString(b, p)
	b = wire.AppendUint64(b, c.ValidAfter)
	b = wire.AppendUint64(b, c.ValidBefore)
	b = wire.AppendString(b, marshalCertOptions(c.CriticalOptions))
	b = wire.AppendString(b, marshalCertOptions(c.Extensions))
	b = wire.AppendString(b, c.Reserved)
	var sk []byte
	if c.SignatureKey != nil {
		sk = c.SignatureKey.Marshal()
	}
	return wire.AppendString(b, sk)
}

// marshalCertOptions encodes options sorted by name; non-empty values are
// wrapped in a string as PROTOCOL.certkeys specifies.
func marshalCertOptions(m map[string]string) []byte {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	var b []byte
	for _, n := range names {
		b = wire.AppendText(b, n)
		if v := m[n]; v != "" {
			b = wire.AppendString(b, wire.AppendText(nil, v))
		} else {
			b = wire.AppendString(b, nil)
		}
	}
	return b
}

// parseCertOptions decodes a critical options or extensions field. Names
// must be unique and sorted, as OpenSSH writes and requires them.
func parseCertOptions(b []byte) (map[string]string, error) {
	m := map[string]string{}
	d := wire.NewDecoder(b)
	prev := ""
	for d.Len() > 0 {
		name := d.String()
		data := d.String()
		if d.Err() != nil || len(name) == 0 {
			return nil, malformed("certificate option")
		}
		n := string(name)
		if len(m) > 0 && n <= prev {
			return nil, malformed("certificate options not sorted or repeated")
		}
		prev = n
		v := ""
		if len(data) > 0 {
			dd := wire.NewDecoder(data)
			vb := dd.String()
			if dd.Finish() != nil || len(vb) == 0 {
				return nil, malformed("certificate option value")
			}
			v = string(vb)
		}
		m[n] = v
	}
	return m, nil
}

// parseCert reads the fields of a certificate of type t (its type name
// already consumed). The signature is checked for form, not validity.
func parseCert(t string, d *wire.Decoder) (*Certificate, error) {
	plain := certToPlain[t]
	c := &Certificate{}
	c.Nonce = bytes.Clone(d.String())
	if d.Err() != nil {
		return nil, malformed("certificate nonce")
	}
	key, err := parsePublicFields(plain, d)
	if err != nil {
		return nil, err
	}
	c.Key = key
	c.Serial = d.Uint64()
	c.CertType = d.Uint32()
	c.KeyID = string(d.String())
	principals := d.String()
	c.ValidAfter = d.Uint64()
	c.ValidBefore = d.Uint64()
	crit := d.String()
	ext := d.String()
	c.Reserved = bytes.Clone(d.String())
	sigKey := d.String()
	c.Signature = bytes.Clone(d.String())
	if d.Err() != nil {
		return nil, malformed("certificate fields")
	}
	if c.CertType != UserCert && c.CertType != HostCert {
		return nil, malformed("certificate type")
	}
	pd := wire.NewDecoder(principals)
	for pd.Len() > 0 {
		p := pd.String()
		if pd.Err() != nil {
			return nil, malformed("certificate principals")
		}
		c.ValidPrincipals = append(c.ValidPrincipals, string(p))
	}
	if c.CriticalOptions, err = parseCertOptions(crit); err != nil {
		return nil, err
	}
	if c.Extensions, err = parseCertOptions(ext); err != nil {
		return nil, err
	}
	skd := wire.NewDecoder(sigKey)
	if _, isCert := certToPlain[string(skd.String())]; isCert {
		return nil, invalid("certificate signed by a certificate")
	}
	sk, err := ParsePublicKey(sigKey)
	if err != nil {
		return nil, err
	}
	c.SignatureKey = sk
	if _, err := SignatureAlgorithm(c.Signature); err != nil {
		return nil, err
	}
	return c, nil
}

// plainKey returns the certified key of a certificate, or pub itself.
func plainKey(pub PublicKey) PublicKey {
	if c, ok := pub.(*Certificate); ok {
		return c.Key
	}
	return pub
}
