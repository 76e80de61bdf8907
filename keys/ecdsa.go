package keys

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"io"
	"math/big"

	"github.com/ssh2go/ssh2/internal/wire"
)

// ecCurve ties an SSH curve identifier (RFC 5656 §6.1) to the Go curve and
// the hash its signatures use (RFC 5656 §6.2.1).
type ecCurve struct {
	keyType string
	ident   string
	curve   elliptic.Curve
	ecdh    ecdh.Curve
	newHash func() hash.Hash
}

var (
	curveP256 = &ecCurve{TypeECDSA256, "nistp256", elliptic.P256(), ecdh.P256(), sha256.New}
	curveP384 = &ecCurve{TypeECDSA384, "nistp384", elliptic.P384(), ecdh.P384(), sha512.New384}
	curveP521 = &ecCurve{TypeECDSA521, "nistp521", elliptic.P521(), ecdh.P521(), sha512.New}
)

func curveByType(t string) *ecCurve {
	switch t {
	case TypeECDSA256:
		return curveP256
	case TypeECDSA384:
		return curveP384
	case TypeECDSA521:
		return curveP521
	}
	return nil
}

func curveByGo(c elliptic.Curve) *ecCurve {
	switch c {
	case elliptic.P256():
		return curveP256
	case elliptic.P384():
		return curveP384
	case elliptic.P521():
		return curveP521
	}
	return nil
}

func (c *ecCurve) hash(data []byte) []byte {
	h := c.newHash()
	h.Write(data)
	return h.Sum(nil)
}

// parsePoint checks that q is an uncompressed point on the curve (SEC 1
// §2.3.4, via crypto/ecdh which rejects the identity and off-curve points)
// and returns it as an ecdsa.PublicKey.
func (c *ecCurve) parsePoint(q []byte) (*ecdsa.PublicKey, error) {
	if _, err := c.ecdh.NewPublicKey(q); err != nil {
		return nil, invalid(c.ident + " point is not on the curve")
	}
	n := (len(q) - 1) / 2
	return &ecdsa.PublicKey{
		Curve: c.curve,
		X:     new(big.Int).SetBytes(q[1 : 1+n]),
		Y:     new(big.Int).SetBytes(q[1+n:]),
	}, nil
}

// marshalPoint encodes an ecdsa public key as an uncompressed point.
func (c *ecCurve) marshalPoint(k *ecdsa.PublicKey) []byte {
	n := (c.curve.Params().BitSize + 7) / 8
	b := make([]byte, 1+2*n)
	b[0] = 4
	k.X.FillBytes(b[1 : 1+n])
	k.Y.FillBytes(b[1+n:])
	return b
}

// ecdsaPublic is an ecdsa-sha2-* public key (RFC 5656 §3.1).
type ecdsaPublic struct {
	curve *ecCurve
	key   *ecdsa.PublicKey
	point []byte
}

func parseECDSA(keyType string, d *wire.Decoder) (*ecdsaPublic, error) {
	c := curveByType(keyType)
	ident := d.String()
	q := d.String()
	if d.Err() != nil {
		return nil, malformed(keyType + " key")
	}
	if string(ident) != c.ident {
		return nil, invalid(keyType + " curve identifier mismatch")
	}
	k, err := c.parsePoint(q)
	if err != nil {
		return nil, err
	}
	return &ecdsaPublic{curve: c, key: k, point: append([]byte(nil), q...)}, nil
}

func newECDSAPublic(k *ecdsa.PublicKey) (*ecdsaPublic, error) {
	c := curveByGo(k.Curve)
	if c == nil {
		return nil, unsupportedType("ecdsa curve")
	}
	point := c.marshalPoint(k)
	if _, err := c.ecdh.NewPublicKey(point); err != nil {
		return nil, invalid(c.ident + " point is not on the curve")
	}
	return &ecdsaPublic{curve: c, key: k, point: point}, nil
}

func (k *ecdsaPublic) Type() string { return k.curve.keyType }

func (k *ecdsaPublic) Marshal() []byte {
	b := wire.AppendText(nil, k.curve.keyType)
	b = wire.AppendText(b, k.curve.ident)
	return wire.AppendString(b, k.point)
}

// Verify checks an ecdsa-sha2-* signature (RFC 5656 §3.1.2).
func (k *ecdsaPublic) Verify(data, sig []byte) error {
	body, err := splitPlainSignature(sig, k.curve.keyType)
	if err != nil {
		return err
	}
	return verifyECDSABody(k.key, body, k.curve.hash(data))
}

// verifyECDSABody checks body (mpint r, mpint s, nothing else) over
// digest.
func verifyECDSABody(key *ecdsa.PublicKey, body, digest []byte) error {
	d := wire.NewDecoder(body)
	r := d.Mpint()
	s := d.Mpint()
	if d.Finish() != nil {
		return malformed("ecdsa signature")
	}
	if r.Sign() <= 0 || s.Sign() <= 0 {
		return ErrVerification
	}
	if !ecdsa.Verify(key, digest, r, s) {
		return ErrVerification
	}
	return nil
}

func (k *ecdsaPublic) CryptoPublicKey() crypto.PublicKey { return k.key }

// ecdsaSigner signs with an ECDSA private key.
type ecdsaSigner struct {
	priv *ecdsa.PrivateKey
	pub  *ecdsaPublic
	commented
}

func newECDSASigner(priv *ecdsa.PrivateKey) (*ecdsaSigner, error) {
	pub, err := newECDSAPublic(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	return &ecdsaSigner{priv: priv, pub: pub}, nil
}

func (s *ecdsaSigner) PublicKey() PublicKey { return s.pub }

func (s *ecdsaSigner) Algorithms() []string { return []string{s.pub.curve.keyType} }

func (s *ecdsaSigner) Sign(rand io.Reader, algorithm string, data []byte) ([]byte, error) {
	if algorithm != s.pub.curve.keyType {
		return nil, unsupportedAlgo(algorithm)
	}
	r, sv, err := ecdsa.Sign(randOrDefault(rand), s.priv, s.pub.curve.hash(data))
	if err != nil {
		return nil, err
	}
	body := wire.AppendMpint(nil, r)
	body = wire.AppendMpint(body, sv)
	return appendSignature(nil, algorithm, body), nil
}

func (s *ecdsaSigner) CryptoSigner() crypto.Signer { return s.priv }
