package keys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"
	"io"
)

// RSA sizes Generate accepts.
const (
	MinGenerateRSABits = 2048
	MaxGenerateRSABits = 8192
)

// GenerateEd25519 makes a new Ed25519 key from rand (crypto/rand if nil).
func GenerateEd25519(rand io.Reader) (Signer, error) {
	_, priv, err := ed25519.GenerateKey(randOrDefault(rand))
	if err != nil {
		return nil, err
	}
	return newED25519Signer(priv)
}

// Generate makes a new key. keyType is "ed25519" (or TypeED25519), "ecdsa"
// (bits 256, 384 or 521; 0 means 256; or one of the TypeECDSA* names with
// bits 0) or "rsa" (or TypeRSA; bits MinGenerateRSABits..
// MaxGenerateRSABits, 0 means 3072, as ssh-keygen). rand defaults to
// crypto/rand; note that the standard library ignores it for ECDSA and RSA
// keys in some Go versions.
func Generate(keyType string, bits int, rand io.Reader) (Signer, error) {
	rand = randOrDefault(rand)
	switch keyType {
	case "ed25519", TypeED25519:
		if bits != 0 && bits != 256 {
			return nil, fmt.Errorf("keys: ed25519 keys have no size option (got %d bits)", bits)
		}
		return GenerateEd25519(rand)
	case TypeECDSA256:
		return generateECDSA(elliptic.P256(), bits, 256, rand)
	case TypeECDSA384:
		return generateECDSA(elliptic.P384(), bits, 384, rand)
	case TypeECDSA521:
		return generateECDSA(elliptic.P521(), bits, 521, rand)
	case "ecdsa":
		switch bits {
		case 0, 256:
			return generateECDSA(elliptic.P256(), 0, 0, rand)
		case 384:
			return generateECDSA(elliptic.P384(), 0, 0, rand)
		case 521:
			return generateECDSA(elliptic.P521(), 0, 0, rand)
		}
		return nil, fmt.Errorf("keys: ecdsa key size must be 256, 384 or 521 (got %d)", bits)
	case "rsa", TypeRSA:
		if bits == 0 {
			bits = 3072
		}
		if bits < MinGenerateRSABits || bits > MaxGenerateRSABits {
			return nil, fmt.Errorf("keys: rsa key size must be %d..%d bits (got %d)", MinGenerateRSABits, MaxGenerateRSABits, bits)
		}
		k, err := rsa.GenerateKey(rand, bits)
		if err != nil {
			return nil, err
		}
		return newRSASigner(k)
	}
	return nil, unsupportedType(keyType)
}

func generateECDSA(c elliptic.Curve, bits, want int, rand io.Reader) (Signer, error) {
	if bits != 0 && bits != want {
		return nil, fmt.Errorf("keys: %s key size is %d bits (got %d)", c.Params().Name, want, bits)
	}
	k, err := ecdsa.GenerateKey(c, rand)
	if err != nil {
		return nil, err
	}
	return newECDSASigner(k)
}
