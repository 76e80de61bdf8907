package agent

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// certSuffix ends the key type names of OpenSSH certificates.
const certSuffix = "-cert-v01@openssh.com"

// cryptoKey returns the standard library private key behind k: a
// keys.Signer made by package keys (through keys.CryptoSigner) or a
// crypto.Signer of a supported type.
func cryptoKey(k any) (crypto.Signer, error) {
	switch k := k.(type) {
	case keys.CryptoSigner:
		return k.CryptoSigner(), nil
	case *ed25519.PrivateKey:
		if k != nil {
			return *k, nil
		}
	case ed25519.PrivateKey, *ecdsa.PrivateKey, *rsa.PrivateKey:
		return k.(crypto.Signer), nil
	}
	return nil, fmt.Errorf("%w: %T", ErrUnsupportedKey, k)
}

type ecCurve struct {
	keyType string
	ident   string
	curve   elliptic.Curve
	ecdh    ecdh.Curve
}

var ecCurves = []ecCurve{
	{keys.TypeECDSA256, "nistp256", elliptic.P256(), ecdh.P256()},
	{keys.TypeECDSA384, "nistp384", elliptic.P384(), ecdh.P384()},
	{keys.TypeECDSA521, "nistp521", elliptic.P521(), ecdh.P521()},
}

func curveOf(c elliptic.Curve) *ecCurve {
	for i := range ecCurves {
		if ecCurves[i].curve == c {
			return &ecCurves[i]
		}
	}
	return nil
}

func curveByType(t string) *ecCurve {
	for i := range ecCurves {
		if ecCurves[i].keyType == t {
			return &ecCurves[i]
		}
	}
	return nil
}

// appendPrivateKey appends k in the agent's private key encoding
// (draft-miller-ssh-agent §4.2.3). With a certificate blob the key is
// encoded in the certificate form (PROTOCOL.certkeys), whose public
// parts come from the certificate.
func appendPrivateKey(b []byte, k crypto.Signer, cert []byte) ([]byte, error) {
	if cert != nil {
		d := wire.NewDecoder(cert)
		name := d.String()
		if d.Err() != nil || !strings.HasSuffix(string(name), certSuffix) {
			return nil, fmt.Errorf("%w: not an OpenSSH certificate", ErrUnsupportedKey)
		}
		b = wire.AppendString(b, name)
		b = wire.AppendString(b, cert)
	}
	switch k := k.(type) {
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("%w: ed25519 key length %d", ErrUnsupportedKey, len(k))
		}
		if cert == nil {
			b = wire.AppendText(b, keys.TypeED25519)
		}
		b = wire.AppendString(b, k[ed25519.SeedSize:])
		return wire.AppendString(b, k), nil
	case *ecdsa.PrivateKey:
		c := curveOf(k.Curve)
		if c == nil {
			return nil, fmt.Errorf("%w: ecdsa curve", ErrUnsupportedKey)
		}
		if cert == nil {
			pub, err := k.PublicKey.ECDH()
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrUnsupportedKey, err)
			}
			b = wire.AppendText(b, c.keyType)
			b = wire.AppendText(b, c.ident)
			b = wire.AppendString(b, pub.Bytes())
		}
		return wire.AppendMpint(b, k.D), nil
	case *rsa.PrivateKey:
		if len(k.Primes) != 2 {
			return nil, fmt.Errorf("%w: rsa key needs exactly two primes", ErrUnsupportedKey)
		}
		p, q := k.Primes[0], k.Primes[1]
		iqmp := new(big.Int).ModInverse(q, p)
		if iqmp == nil {
			return nil, fmt.Errorf("%w: rsa primes", ErrUnsupportedKey)
		}
		if cert == nil {
			b = wire.AppendText(b, keys.TypeRSA)
			b = wire.AppendMpint(b, k.N)
			b = wire.AppendMpint(b, big.NewInt(int64(k.E)))
		}
		b = wire.AppendMpint(b, k.D)
		b = wire.AppendMpint(b, iqmp)
		b = wire.AppendMpint(b, p)
		return wire.AppendMpint(b, q), nil
	}
	return nil, fmt.Errorf("%w: %T", ErrUnsupportedKey, k)
}

// boundedMpint reads a non-negative mpint of at most keys.MaxRSABits bits.
func boundedMpint(d *wire.Decoder) *big.Int {
	v := d.Mpint()
	if v != nil && v.BitLen() > keys.MaxRSABits {
		d.Fail()
		return nil
	}
	return v
}

// parsePrivateKey reads a private key in agent encoding, type name first,
// and checks that its parts are consistent. For the certificate forms
// (PROTOCOL.certkeys: type name, certificate blob, then the private
// fields with the public ones taken from the certificate) it also returns
// the certificate blob, aliasing d's buffer; the certificate must be
// well formed, CA-signed and certify the private key.
func parsePrivateKey(d *wire.Decoder) (keys.Signer, []byte, error) {
	name := d.String()
	if d.Err() != nil {
		return nil, nil, fmt.Errorf("%w: private key type", ErrMalformed)
	}
	if !strings.HasSuffix(string(name), certSuffix) {
		s, err := parsePrivateFields(string(name), d, nil)
		return s, nil, err
	}
	blob := d.String()
	if d.Err() != nil {
		return nil, nil, fmt.Errorf("%w: %.64q private key: certificate", ErrMalformed, name)
	}
	cert, err := parseCertificate(blob)
	if err != nil {
		return nil, nil, err
	}
	if cert.Type() != string(name) {
		return nil, nil, fmt.Errorf("%w: %.64q private key holds a %s certificate", ErrMalformed, name, cert.Type())
	}
	s, err := parsePrivateFields(cert.Key.Type(), d, cert.Key)
	if err != nil {
		return nil, nil, err
	}
	return s, blob, nil
}

// parseCertificate parses an OpenSSH certificate blob for the agent: it
// must be a certificate in canonical encoding (so that the blob the agent
// lists is the one it was given) with a valid CA signature, as OpenSSH's
// agent requires.
func parseCertificate(blob []byte) (*keys.Certificate, error) {
	pub, err := keys.ParsePublicKey(blob)
	if err != nil {
		if errors.Is(err, keys.ErrUnsupportedKeyType) {
			return nil, fmt.Errorf("%w: certificate: %w", ErrUnsupportedKey, err)
		}
		return nil, fmt.Errorf("%w: certificate: %w", ErrMalformed, err)
	}
	cert, ok := pub.(*keys.Certificate)
	if !ok {
		return nil, fmt.Errorf("%w: %s key blob is not a certificate", ErrMalformed, pub.Type())
	}
	if !bytes.Equal(cert.Marshal(), blob) {
		return nil, fmt.Errorf("%w: certificate encoding is not canonical", ErrMalformed)
	}
	if err := cert.VerifySignature(); err != nil {
		return nil, fmt.Errorf("%w: certificate signature: %w", ErrMalformed, err)
	}
	return cert, nil
}

// parsePrivateFields reads the fields of a private key of type t after
// its type name. With pub set (the certified key of a certificate form)
// the public fields ECDSA and RSA omit there are taken from pub, and the
// key must match it.
func parsePrivateFields(t string, d *wire.Decoder, pub keys.PublicKey) (keys.Signer, error) {
	bad := func(what string) error { return fmt.Errorf("%w: %.64q private key: %s", ErrMalformed, t, what) }
	var cpub crypto.PublicKey
	if pub != nil {
		cpub = pub.CryptoPublicKey()
	}
	var k crypto.Signer
	switch t {
	case keys.TypeED25519:
		// The certificate form repeats the public key (ENC(A) in
		// draft-miller-ssh-agent); it must be the certified one.
		pubBytes, priv := d.String(), d.String()
		if d.Err() != nil || len(pubBytes) != ed25519.PublicKeySize || len(priv) != ed25519.PrivateKeySize {
			return nil, bad("length")
		}
		if pub != nil {
			if p, ok := cpub.(ed25519.PublicKey); !ok || !bytes.Equal(p, pubBytes) {
				return nil, bad("public part is not the certified key")
			}
		}
		full := ed25519.NewKeyFromSeed(priv[:ed25519.SeedSize])
		if !bytes.Equal(full[ed25519.SeedSize:], pubBytes) || !bytes.Equal(priv[ed25519.SeedSize:], pubBytes) {
			return nil, bad("public part does not match")
		}
		k = full
	case keys.TypeECDSA256, keys.TypeECDSA384, keys.TypeECDSA521:
		c := curveByType(t)
		var ident, point []byte
		if pub == nil {
			ident, point = d.String(), d.String()
		} else if p, ok := cpub.(*ecdsa.PublicKey); ok {
			e, err := p.ECDH()
			if err != nil {
				return nil, fmt.Errorf("%w: certified %s key: %v", ErrUnsupportedKey, t, err)
			}
			ident, point = []byte(c.ident), e.Bytes()
		} else {
			return nil, fmt.Errorf("%w: certified %s key", ErrUnsupportedKey, t)
		}
		dv := d.Mpint()
		if d.Err() != nil || string(ident) != c.ident {
			return nil, bad("encoding")
		}
		size := (c.curve.Params().BitSize + 7) / 8
		if len(point) != 1+2*size || point[0] != 4 || dv.Sign() <= 0 || dv.BitLen() > 8*size {
			return nil, bad("point or scalar out of range")
		}
		priv, err := c.ecdh.NewPrivateKey(dv.FillBytes(make([]byte, size)))
		if err != nil || !bytes.Equal(priv.PublicKey().Bytes(), point) {
			return nil, bad("public part does not match")
		}
		k = &ecdsa.PrivateKey{
			PublicKey: ecdsa.PublicKey{
				Curve: c.curve,
				X:     new(big.Int).SetBytes(point[1 : 1+size]),
				Y:     new(big.Int).SetBytes(point[1+size:]),
			},
			D: dv,
		}
	case keys.TypeRSA:
		var n, e *big.Int
		if pub == nil {
			n, e = boundedMpint(d), boundedMpint(d)
		} else if p, ok := cpub.(*rsa.PublicKey); ok {
			n, e = p.N, big.NewInt(int64(p.E))
		} else {
			return nil, fmt.Errorf("%w: certified %s key", ErrUnsupportedKey, t)
		}
		dv := boundedMpint(d)
		_ = boundedMpint(d) // iqmp: recomputed by Precompute
		p, q := boundedMpint(d), boundedMpint(d)
		if d.Err() != nil {
			return nil, bad("encoding")
		}
		if bits := n.BitLen(); bits < keys.MinRSABits || bits > keys.MaxRSABits || e.BitLen() > 31 || e.Int64() < 3 {
			return nil, bad("modulus or exponent out of range")
		}
		// Copy n: Validate and Precompute must not share state with the
		// certificate's key.
		r := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: new(big.Int).Set(n), E: int(e.Int64())}, D: dv, Primes: []*big.Int{p, q}}
		if err := r.Validate(); err != nil {
			return nil, bad(err.Error())
		}
		r.Precompute()
		k = r
	default:
		return nil, fmt.Errorf("%w: %.64q", ErrUnsupportedKey, t)
	}
	s, err := keys.NewSigner(k)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedKey, err)
	}
	return s, nil
}

// opaqueKey stands for a public key blob package keys cannot parse, so
// that such identities can still be listed, removed and used to sign.
type opaqueKey struct {
	typ  string
	blob []byte
}

func (k *opaqueKey) Type() string                      { return k.typ }
func (k *opaqueKey) Marshal() []byte                   { return k.blob }
func (k *opaqueKey) CryptoPublicKey() crypto.PublicKey { return nil }

// Verify always fails: the key type is not understood.
func (k *opaqueKey) Verify(data, sig []byte) error {
	return fmt.Errorf("%w: %s", keys.ErrUnsupportedKeyType, k.typ)
}

// parsePublicKey parses blob, falling back to an opaqueKey.
func parsePublicKey(blob []byte) keys.PublicKey {
	if pub, err := keys.ParsePublicKey(blob); err == nil {
		return pub
	}
	d := wire.NewDecoder(blob)
	t := d.String()
	return &opaqueKey{typ: string(t), blob: blob}
}
