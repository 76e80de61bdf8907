package keys

import (
	"crypto/dsa" //lint:ignore SA1019 legacy ssh-dss keys are still accepted.
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
)

// MarshalPKIXPublicKey writes pub as a "PUBLIC KEY" PEM block
// (SubjectPublicKeyInfo, RFC 5280), the form ssh-keygen -e -m PKCS8
// writes. Ed25519, ECDSA, RSA and DSA keys are supported; a certificate is
// written as its certified key.
func MarshalPKIXPublicKey(pub PublicKey) ([]byte, error) {
	k := plainKey(pub)
	switch k := k.(type) {
	case *ed25519Public, *ecdsaPublic, *rsaPublic:
	case *dsaPublic:
		der, err := marshalPKIXDSA(k.key)
		if err != nil {
			return nil, err
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
	default:
		return nil, unsupportedType(pub.Type())
	}
	der, err := x509.MarshalPKIXPublicKey(k.CryptoPublicKey())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedKeyType, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// marshalPKIXDSA encodes a DSA SubjectPublicKeyInfo (RFC 3279 §2.3.2),
// which crypto/x509 does not write.
func marshalPKIXDSA(k *dsa.PublicKey) ([]byte, error) {
	params, err := asn1.Marshal(dssParms{P: k.P, Q: k.Q, G: k.G})
	if err != nil {
		return nil, err
	}
	y, err := asn1.Marshal(k.Y)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(struct {
		Algorithm struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.RawValue
		}
		PublicKey asn1.BitString
	}{
		Algorithm: struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.RawValue
		}{oidDSA, asn1.RawValue{FullBytes: params}},
		PublicKey: asn1.BitString{Bytes: y, BitLength: 8 * len(y)},
	})
}

// MarshalPKCS1PublicKey writes an RSA key as an "RSA PUBLIC KEY" PEM
// block, what ssh-keygen -e -m PEM writes for RSA keys.
func MarshalPKCS1PublicKey(pub PublicKey) ([]byte, error) {
	k, ok := plainKey(pub).(*rsaPublic)
	if !ok {
		return nil, unsupportedType(pub.Type())
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(k.key)}), nil
}

// ParsePEMPublicKey parses a "PUBLIC KEY" (PKIX) or "RSA PUBLIC KEY"
// (PKCS #1) PEM block holding an Ed25519, ECDSA, RSA or DSA key.
func ParsePEMPublicKey(data []byte) (PublicKey, error) {
	if len(data) > MaxPrivateKeyFileLen {
		return nil, malformed("public key file too long")
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, malformed("no PEM block found")
	}
	var k any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		k, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		k, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, unsupportedType(block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, block.Type, err)
	}
	return NewPublicKey(k)
}

// NewPublicKey wraps a standard library public key (ed25519.PublicKey,
// *ecdsa.PublicKey on P-256/384/521, *rsa.PublicKey, *dsa.PublicKey).
func NewPublicKey(k any) (PublicKey, error) {
	switch k := k.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, invalid("ed25519 key length")
		}
		return &ed25519Public{key: append(ed25519.PublicKey(nil), k...)}, nil
	case *ecdsa.PublicKey:
		if k != nil {
			return wrapPub(newECDSAPublic(k))
		}
	case *rsa.PublicKey:
		if k != nil && k.N != nil {
			return wrapPub(newRSAPublicChecked(big.NewInt(int64(k.E)), k.N))
		}
	case *dsa.PublicKey:
		if k != nil {
			return wrapPub(newDSAPublicChecked(k))
		}
	}
	return nil, fmt.Errorf("%w: %T", ErrUnsupportedKeyType, k)
}

// wrapPub converts a concrete constructor result, keeping a nil interface
// on error.
func wrapPub[K PublicKey](k K, err error) (PublicKey, error) {
	if err != nil {
		return nil, err
	}
	return k, nil
}

// MarshalPKCS8PrivateKey writes s as an unencrypted "PRIVATE KEY" PEM
// block (PKCS #8). Ed25519, ECDSA and RSA keys are supported.
func MarshalPKCS8PrivateKey(s Signer) ([]byte, error) {
	k, err := stdPrivate(s)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedKeyType, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// MarshalPEMPrivateKey writes s in the traditional OpenSSL form:
// "RSA PRIVATE KEY" (PKCS #1) for RSA and "EC PRIVATE KEY" (SEC 1) for
// ECDSA, unencrypted. Other key types have no such form.
func MarshalPEMPrivateKey(s Signer) ([]byte, error) {
	k, err := stdPrivate(s)
	if err != nil {
		return nil, err
	}
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}), nil
	case *ecdsa.PrivateKey:
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnsupportedKeyType, err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
	}
	return nil, unsupportedType(s.PublicKey().Type())
}

// stdPrivate returns the standard library private key of a Signer made by
// this package.
func stdPrivate(s Signer) (any, error) {
	cs, ok := s.(CryptoSigner)
	if !ok {
		return nil, unsupportedType(s.PublicKey().Type())
	}
	return cs.CryptoSigner(), nil
}
