package keys

import (
	"crypto"
	"crypto/dsa" //lint:ignore SA1019 ssh-dss is legacy but still found in the wild; we parse and verify it.
	"crypto/sha1"
	"io"
	"math/big"

	"github.com/ssh2go/ssh2/internal/wire"
)

// DSA bounds: OpenSSH only makes 1024-bit keys with a 160-bit q, and the
// ssh-dss signature format (RFC 4253 §6.6) holds 160-bit r and s. Larger p
// is accepted up to 3072 bits to bound verification cost.
const (
	minDSABits = 1024
	maxDSABits = 3072
	dsaQBits   = 160
	dsaSigLen  = 40
)

// dsaPublic is an ssh-dss public key (RFC 4253 §6.6). It is legacy:
// supported for parsing, verifying and signing with existing keys only.
type dsaPublic struct {
	key *dsa.PublicKey
}

func parseDSA(d *wire.Decoder) (*dsaPublic, error) {
	p := d.Mpint()
	q := d.Mpint()
	g := d.Mpint()
	y := d.Mpint()
	if d.Err() != nil {
		return nil, malformed("ssh-dss key")
	}
	return newDSAPublicChecked(&dsa.PublicKey{Parameters: dsa.Parameters{P: p, Q: q, G: g}, Y: y})
}

func newDSAPublicChecked(k *dsa.PublicKey) (*dsaPublic, error) {
	p, q, g, y := k.P, k.Q, k.G, k.Y
	if p.BitLen() < minDSABits || p.BitLen() > maxDSABits || p.Bit(0) == 0 {
		return nil, invalid("ssh-dss p size out of range")
	}
	if q.BitLen() != dsaQBits {
		return nil, invalid("ssh-dss q is not 160 bits")
	}
	one := big.NewInt(1)
	if g.Cmp(one) <= 0 || g.Cmp(p) >= 0 || y.Cmp(one) <= 0 || y.Cmp(p) >= 0 {
		return nil, invalid("ssh-dss g or y out of range")
	}
	return &dsaPublic{key: k}, nil
}

func (k *dsaPublic) Type() string { return TypeDSA }

func (k *dsaPublic) Marshal() []byte {
	b := wire.AppendText(nil, TypeDSA)
	b = wire.AppendMpint(b, k.key.P)
	b = wire.AppendMpint(b, k.key.Q)
	b = wire.AppendMpint(b, k.key.G)
	return wire.AppendMpint(b, k.key.Y)
}

// Verify checks an ssh-dss signature: 160-bit r and s, SHA-1.
func (k *dsaPublic) Verify(data, sig []byte) error {
	body, err := splitPlainSignature(sig, TypeDSA)
	if err != nil {
		return err
	}
	if len(body) != dsaSigLen {
		return malformed("ssh-dss signature length")
	}
	r := new(big.Int).SetBytes(body[:20])
	s := new(big.Int).SetBytes(body[20:])
	digest := sha1.Sum(data)
	if !dsa.Verify(k.key, digest[:], r, s) {
		return ErrVerification
	}
	return nil
}

func (k *dsaPublic) CryptoPublicKey() crypto.PublicKey { return k.key }

// dsaSigner signs with a legacy DSA key.
type dsaSigner struct {
	priv *dsa.PrivateKey
	pub  *dsaPublic
	commented
}

func newDSASigner(priv *dsa.PrivateKey) (*dsaSigner, error) {
	pub, err := newDSAPublicChecked(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	if priv.X.Sign() <= 0 || priv.X.Cmp(priv.Q) >= 0 ||
		new(big.Int).Exp(priv.G, priv.X, priv.P).Cmp(priv.Y) != 0 {
		return nil, invalid("ssh-dss private key does not match public key")
	}
	if err := checkDSAGroup(&priv.Parameters); err != nil {
		return nil, err
	}
	return &dsaSigner{priv: priv, pub: pub}, nil
}

// checkDSAGroup checks what signing relies on for its signatures to
// verify: q prime, q dividing p-1 and g of order q modulo p (p itself is
// checked for primality too). The sizes must already be bounded
// (newDSAPublicChecked); the cost is one exponentiation by q and the
// primality tests.
func checkDSAGroup(k *dsa.Parameters) error {
	one := big.NewInt(1)
	pm1 := new(big.Int).Sub(k.P, one)
	if !k.Q.ProbablyPrime(20) || new(big.Int).Mod(pm1, k.Q).Sign() != 0 ||
		new(big.Int).Exp(k.G, k.Q, k.P).Cmp(one) != 0 || !k.P.ProbablyPrime(0) {
		return invalid("ssh-dss domain parameters do not form a DSA group")
	}
	return nil
}

func (s *dsaSigner) PublicKey() PublicKey { return s.pub }

func (s *dsaSigner) Algorithms() []string { return []string{TypeDSA} }

func (s *dsaSigner) Sign(rand io.Reader, algorithm string, data []byte) ([]byte, error) {
	if algorithm != TypeDSA {
		return nil, unsupportedAlgo(algorithm)
	}
	digest := sha1.Sum(data)
	r, sv, err := dsa.Sign(randOrDefault(rand), s.priv, digest[:])
	if err != nil {
		return nil, err
	}
	body := make([]byte, dsaSigLen)
	r.FillBytes(body[:20])
	sv.FillBytes(body[20:])
	return appendSignature(nil, algorithm, body), nil
}
