package keys

import (
	"bytes"

	"github.com/ssh2go/ssh2/internal/wire"
)

// MaxPublicKeyBlobLen bounds the public key blobs ParsePublicKey accepts.
// The largest legitimate blob, a 16384-bit RSA key, is about 2 KiB.
const MaxPublicKeyBlobLen = 16 << 10

// ParsePublicKey parses a public key blob in SSH wire format (RFC 4253
// §6.6, RFC 5656 §3.1, RFC 8709 §4, PROTOCOL.u2f). Supported types are
// ssh-ed25519, ecdsa-sha2-nistp256/384/521 (the point must lie on the
// curve), ssh-rsa (modulus MinRSABits..MaxRSABits), ssh-dss (legacy) and
// the security-key types sk-ecdsa-sha2-nistp256@openssh.com and
// sk-ssh-ed25519@openssh.com. Trailing bytes are an error. The returned
// key does not alias blob.
func ParsePublicKey(blob []byte) (PublicKey, error) {
	if len(blob) > MaxPublicKeyBlobLen {
		return nil, malformed("public key blob too long")
	}
	d := wire.NewDecoder(blob)
	k, err := parsePublicFrom(&d)
	if err != nil {
		return nil, err
	}
	if d.Len() != 0 {
		return nil, malformed("trailing bytes after public key")
	}
	return k, nil
}

// parsePublicFrom reads one public key (type name then fields) from d,
// leaving d just after it.
func parsePublicFrom(d *wire.Decoder) (PublicKey, error) {
	name := d.String()
	if d.Err() != nil {
		return nil, malformed("public key type")
	}
	if !validName(name) {
		return nil, malformed("public key type name")
	}
	return parsePublicFields(string(name), d)
}

// parsePublicFields reads the fields of a public key of type t.
func parsePublicFields(t string, d *wire.Decoder) (PublicKey, error) {
	switch t {
	case TypeED25519:
		return parseED25519(d)
	case TypeECDSA256, TypeECDSA384, TypeECDSA521:
		return parseECDSA(t, d)
	case TypeRSA:
		return parseRSA(d)
	case TypeDSA:
		return parseDSA(d)
	case TypeSKECDSA:
		return parseSKECDSA(d)
	case TypeSKED25519:
		return parseSKED25519(d)
	case CertTypeED25519, CertTypeECDSA256, CertTypeECDSA384, CertTypeECDSA521,
		CertTypeRSA, CertTypeDSA, CertTypeSKECDSA, CertTypeSKED25519:
		return parseCert(t, d)
	}
	return nil, unsupportedType(t)
}

// Equal reports whether a and b are the same public key, by comparing
// their wire blobs. Two nil keys are equal.
func Equal(a, b PublicKey) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return bytes.Equal(a.Marshal(), b.Marshal())
}
