package kex

import (
	"crypto"
	"io"
	"math/big"
)

// dhAgreement is finite-field Diffie-Hellman over a fixed group
// (RFC 4253 §8, RFC 8268). Public values e and f are mpints; K is the
// mpint f^x mod p (or e^y mod p).
type dhAgreement struct {
	group *Group
	hash  crypto.Hash
}

func (a dhAgreement) hashFunc() crypto.Hash { return a.hash }
func (dhAgreement) mpintValues() bool       { return true }

// dhExponentBits is the size of a private exponent for a modulus of pBits.
// It is at least twice the modulus's estimated security strength
// (NIST SP 800-57 Part 1, table 2: 2048→112, 3072→128, 7680→192 bits),
// rounded up, as RFC 4419 §6.2 and RFC 8268 §4 advise, and far below the
// modulus size so exponentiation stays cheap.
func dhExponentBits(pBits int) int {
	switch {
	case pBits <= 2048:
		return 256
	case pBits <= 3072:
		return 320
	case pBits <= 4096:
		return 384
	case pBits <= 6144:
		return 448
	default:
		return 512
	}
}

// dhPrivate reads a private exponent x with 1 < x < p-1 from rand. The
// bytes are used directly so that a fixed reader gives a fixed exponent.
func dhPrivate(rand io.Reader, g *Group) (*big.Int, error) {
	nbits := dhExponentBits(g.Bits())
	if nbits > g.Bits()-2 {
		nbits = g.Bits() - 2
	}
	b := make([]byte, (nbits+7)/8)
	defer clear(b)
	pm1 := new(big.Int).Sub(g.P, bigOne)
	for range 64 {
		if _, err := io.ReadFull(rand, b); err != nil {
			return nil, err
		}
		if extra := len(b)*8 - nbits; extra > 0 {
			b[0] &= 0xff >> extra
		}
		x := new(big.Int).SetBytes(b)
		if x.Cmp(bigOne) > 0 && x.Cmp(pm1) < 0 {
			return x, nil
		}
	}
	return nil, errBadRandom
}

var bigOne = big.NewInt(1)

// dhCheckPublic decodes a peer public value (unsigned big-endian magnitude)
// and requires 1 < y < p-1 (RFC 4253 §8). The length is checked before any
// arithmetic so a huge value costs nothing.
func dhCheckPublic(g *Group, u []byte) (*big.Int, error) {
	if len(u) > (g.Bits()+7)/8 {
		return nil, invalidPublic("DH value longer than the modulus")
	}
	y := new(big.Int).SetBytes(u)
	if y.Cmp(bigOne) <= 0 {
		return nil, invalidPublic("DH value is 0 or 1")
	}
	if y.Cmp(new(big.Int).Sub(g.P, bigOne)) >= 0 {
		return nil, invalidPublic("DH value is p-1 or larger")
	}
	return y, nil
}

// dhSharedK returns the encoded K = y^x mod p and clears x.
func dhSharedK(g *Group, y, x *big.Int) []byte {
	z := new(big.Int).Exp(y, x, g.P)
	k := bigMpintK(z)
	clear(z.Bits())
	clear(x.Bits())
	return k
}

func bigMpintK(z *big.Int) []byte {
	b := z.Bytes()
	defer clear(b)
	return mpintK(b)
}

func (a dhAgreement) clientInit(rand io.Reader) ([]byte, func([]byte) ([]byte, error), error) {
	return dhClientInit(rand, a.group)
}

// dhClientInit creates x and e = g^x mod p and returns e with a finisher
// that checks f and computes K.
func dhClientInit(rand io.Reader, g *Group) ([]byte, func([]byte) ([]byte, error), error) {
	x, err := dhPrivate(rand, g)
	if err != nil {
		return nil, nil, err
	}
	e := new(big.Int).Exp(g.G, x, g.P)
	finish := func(peer []byte) ([]byte, error) {
		f, err := dhCheckPublic(g, peer)
		if err != nil {
			clear(x.Bits())
			return nil, err
		}
		return dhSharedK(g, f, x), nil
	}
	return e.Bytes(), finish, nil
}

func (a dhAgreement) serverReply(rand io.Reader, peer []byte) ([]byte, []byte, error) {
	return dhServerReply(rand, a.group, peer)
}

// dhServerReply checks e, creates y and returns f = g^y mod p and K.
func dhServerReply(rand io.Reader, g *Group, peer []byte) ([]byte, []byte, error) {
	e, err := dhCheckPublic(g, peer)
	if err != nil {
		return nil, nil, err
	}
	y, err := dhPrivate(rand, g)
	if err != nil {
		return nil, nil, err
	}
	f := new(big.Int).Exp(g.G, y, g.P)
	return f.Bytes(), dhSharedK(g, e, y), nil
}
