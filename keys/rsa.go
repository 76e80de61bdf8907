package keys

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"io"
	"math/big"

	"github.com/ssh2go/ssh2/internal/wire"
)

// RSA modulus bounds in bits. Below 1024 is broken (OpenSSH refuses it
// too); above 16384 only costs the verifier time.
const (
	MinRSABits = 1024
	MaxRSABits = 16384
)

// rsaPublic is an ssh-rsa public key (RFC 4253 §6.6).
type rsaPublic struct {
	key *rsa.PublicKey
}

func parseRSA(d *wire.Decoder) (*rsaPublic, error) {
	e := d.Mpint()
	n := d.Mpint()
	if d.Err() != nil {
		return nil, malformed("ssh-rsa key")
	}
	return newRSAPublicChecked(e, n)
}

// newRSAPublicChecked bounds the modulus and exponent: the modulus must be
// odd and MinRSABits..MaxRSABits long; the exponent odd, at least 3 and
// below 2^31 (it must fit rsa.PublicKey.E).
func newRSAPublicChecked(e, n *big.Int) (*rsaPublic, error) {
	if bits := n.BitLen(); bits < MinRSABits || bits > MaxRSABits {
		return nil, invalid("ssh-rsa modulus size out of range")
	}
	if n.Bit(0) == 0 {
		return nil, invalid("ssh-rsa modulus is even")
	}
	if e.BitLen() > 31 || e.Bit(0) == 0 || e.Int64() < 3 {
		return nil, invalid("ssh-rsa exponent out of range")
	}
	return &rsaPublic{key: &rsa.PublicKey{N: n, E: int(e.Int64())}}, nil
}

func (k *rsaPublic) Type() string { return TypeRSA }

func (k *rsaPublic) Marshal() []byte {
	b := wire.AppendText(nil, TypeRSA)
	b = wire.AppendMpint(b, big.NewInt(int64(k.key.E)))
	return wire.AppendMpint(b, k.key.N)
}

// rsaHash maps an RSA signature algorithm to its hash (RFC 8332 §3).
func rsaHash(algo string) (crypto.Hash, bool) {
	switch algo {
	case SigRSASHA512:
		return crypto.SHA512, true
	case SigRSASHA256:
		return crypto.SHA256, true
	case SigRSASHA1:
		return crypto.SHA1, true
	}
	return 0, false
}

func rsaDigest(h crypto.Hash, data []byte) []byte {
	switch h {
	case crypto.SHA512:
		d := sha512.Sum512(data)
		return d[:]
	case crypto.SHA256:
		d := sha256.Sum256(data)
		return d[:]
	default:
		d := sha1.Sum(data)
		return d[:]
	}
}

// Verify checks an ssh-rsa, rsa-sha2-256 or rsa-sha2-512 signature. The
// signature must be exactly as long as the modulus (RFC 8332 §3).
func (k *rsaPublic) Verify(data, sig []byte) error {
	algo, body, rest, err := splitSignature(sig)
	if err != nil {
		return err
	}
	h, ok := rsaHash(algo)
	if !ok {
		return unsupportedAlgo(algo)
	}
	if len(rest) != 0 {
		return malformed("trailing bytes after signature")
	}
	if len(body) != k.key.Size() {
		return malformed("rsa signature length differs from modulus length")
	}
	if err := rsa.VerifyPKCS1v15(k.key, h, rsaDigest(h, data), body); err != nil {
		return ErrVerification
	}
	return nil
}

func (k *rsaPublic) CryptoPublicKey() crypto.PublicKey { return k.key }

// rsaSigner signs with an RSA private key.
type rsaSigner struct {
	priv *rsa.PrivateKey
	pub  *rsaPublic
	commented
}

func newRSASigner(priv *rsa.PrivateKey) (*rsaSigner, error) {
	pub, err := newRSAPublicChecked(big.NewInt(int64(priv.E)), priv.N)
	if err != nil {
		return nil, err
	}
	return &rsaSigner{priv: priv, pub: pub}, nil
}

func (s *rsaSigner) PublicKey() PublicKey { return s.pub }

func (s *rsaSigner) Algorithms() []string {
	return []string{SigRSASHA512, SigRSASHA256, SigRSASHA1}
}

func (s *rsaSigner) Sign(rand io.Reader, algorithm string, data []byte) ([]byte, error) {
	h, ok := rsaHash(algorithm)
	if !ok {
		return nil, unsupportedAlgo(algorithm)
	}
	sig, err := rsa.SignPKCS1v15(randOrDefault(rand), s.priv, h, rsaDigest(h, data))
	if err != nil {
		return nil, err
	}
	return appendSignature(nil, algorithm, sig), nil
}

func (s *rsaSigner) CryptoSigner() crypto.Signer { return s.priv }
