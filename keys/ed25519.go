package keys

import (
	"crypto"
	"crypto/ed25519"
	"io"

	"github.com/ssh2go/ssh2/internal/wire"
)

// ed25519Public is an ssh-ed25519 public key (RFC 8709 §4).
type ed25519Public struct {
	key ed25519.PublicKey
}

func parseED25519(d *wire.Decoder) (PublicKey, error) {
	k := d.String()
	if d.Err() != nil {
		return nil, malformed("ssh-ed25519 key")
	}
	if len(k) != ed25519.PublicKeySize {
		return nil, invalid("ssh-ed25519 key length")
	}
	return &ed25519Public{key: ed25519.PublicKey(append([]byte(nil), k...))}, nil
}

func (k *ed25519Public) Type() string { return TypeED25519 }

func (k *ed25519Public) Marshal() []byte {
	b := make([]byte, 0, 4+len(TypeED25519)+4+ed25519.PublicKeySize)
	b = wire.AppendText(b, TypeED25519)
	return wire.AppendString(b, k.key)
}

// Verify checks an ssh-ed25519 signature (RFC 8709 §6).
func (k *ed25519Public) Verify(data, sig []byte) error {
	body, err := splitPlainSignature(sig, SigED25519)
	if err != nil {
		return err
	}
	if len(body) != ed25519.SignatureSize {
		return malformed("ssh-ed25519 signature length")
	}
	if !ed25519.Verify(k.key, data, body) {
		return ErrVerification
	}
	return nil
}

func (k *ed25519Public) CryptoPublicKey() crypto.PublicKey { return k.key }

// ed25519Signer signs with an Ed25519 private key.
type ed25519Signer struct {
	priv ed25519.PrivateKey
	pub  *ed25519Public
	commented
}

func newED25519Signer(priv ed25519.PrivateKey) (*ed25519Signer, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, invalid("ed25519 private key length")
	}
	pub := priv.Public().(ed25519.PublicKey)
	return &ed25519Signer{priv: priv, pub: &ed25519Public{key: pub}}, nil
}

func (s *ed25519Signer) PublicKey() PublicKey { return s.pub }

func (s *ed25519Signer) Algorithms() []string { return []string{SigED25519} }

func (s *ed25519Signer) Sign(_ io.Reader, algorithm string, data []byte) ([]byte, error) {
	if algorithm != SigED25519 {
		return nil, unsupportedAlgo(algorithm)
	}
	sig := ed25519.Sign(s.priv, data)
	return appendSignature(make([]byte, 0, 4+len(SigED25519)+4+len(sig)), SigED25519, sig), nil
}

func (s *ed25519Signer) CryptoSigner() crypto.Signer { return s.priv }
