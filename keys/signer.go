package keys

import (
	"crypto"
	"crypto/dsa" //lint:ignore SA1019 legacy ssh-dss keys are still accepted.
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
)

// Commented is implemented by Signers that carry a comment, such as keys
// parsed from OpenSSH private key files. The comment is empty when the
// file had none.
type Commented interface {
	Comment() string
}

// CryptoSigner is implemented by Signers made by this package; it returns
// the underlying standard library private key (ed25519.PrivateKey,
// *ecdsa.PrivateKey, *rsa.PrivateKey, *dsa.PrivateKey).
type CryptoSigner interface {
	CryptoSigner() crypto.Signer
}

// commented is embedded in every signer to implement Commented.
type commented struct {
	comment string
}

// Comment returns the key's comment.
func (c *commented) Comment() string { return c.comment }

func (c *commented) setComment(s string) { c.comment = s }

// NewSigner wraps a standard library private key: ed25519.PrivateKey,
// *ecdsa.PrivateKey (P-256, P-384, P-521) or *rsa.PrivateKey (modulus
// MinRSABits..MaxRSABits). The key is not copied.
func NewSigner(k crypto.Signer) (Signer, error) {
	switch k := k.(type) {
	case ed25519.PrivateKey:
		return newED25519Signer(k)
	case *ed25519.PrivateKey:
		if k == nil {
			break
		}
		return newED25519Signer(*k)
	case *ecdsa.PrivateKey:
		if k == nil {
			break
		}
		return newECDSASigner(k)
	case *rsa.PrivateKey:
		if k == nil {
			break
		}
		return newRSASigner(k)
	}
	return nil, fmt.Errorf("%w: %T", ErrUnsupportedKeyType, k)
}

// newSignerAny is NewSigner extended with legacy DSA keys, for the
// private-key parsers.
func newSignerAny(k any) (Signer, error) {
	if d, ok := k.(*dsa.PrivateKey); ok {
		return newDSASigner(d)
	}
	cs, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: %T", ErrUnsupportedKeyType, k)
	}
	return NewSigner(cs)
}

func randOrDefault(r io.Reader) io.Reader {
	if r == nil {
		return rand.Reader
	}
	return r
}
