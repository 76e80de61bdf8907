package kex

import (
	"crypto"
	"crypto/ecdh"
	"errors"
	"io"
)

// nistAgreement is ecdh-sha2-nistp256/384/521 (RFC 5656 §4). Public values
// are uncompressed points (SEC 1 §2.3.3) in strings; K is the shared
// point's x-coordinate as an mpint.
type nistAgreement struct {
	curve     ecdh.Curve
	hash      crypto.Hash
	scalarLen int  // bytes in a private scalar
	topMask   byte // mask for the first scalar byte (P-521 uses 1 bit of it)
	pointLen  int  // bytes in an uncompressed point
}

var (
	nistP256 = nistAgreement{curve: ecdh.P256(), hash: crypto.SHA256, scalarLen: 32, topMask: 0xff, pointLen: 65}
	nistP384 = nistAgreement{curve: ecdh.P384(), hash: crypto.SHA384, scalarLen: 48, topMask: 0xff, pointLen: 97}
	nistP521 = nistAgreement{curve: ecdh.P521(), hash: crypto.SHA512, scalarLen: 66, topMask: 0x01, pointLen: 133}
)

var errBadRandom = errors.New("kex: random source gave no usable private key")

func (a nistAgreement) hashFunc() crypto.Hash { return a.hash }
func (nistAgreement) mpintValues() bool       { return false }

// newKey draws a private scalar from rand by rejection sampling, so a fixed
// reader gives a fixed key.
func (a nistAgreement) newKey(rand io.Reader) (*ecdh.PrivateKey, error) {
	b := make([]byte, a.scalarLen)
	defer clear(b)
	for range 64 {
		if _, err := io.ReadFull(rand, b); err != nil {
			return nil, err
		}
		b[0] &= a.topMask
		if k, err := a.curve.NewPrivateKey(b); err == nil {
			return k, nil
		}
	}
	return nil, errBadRandom
}

// shared validates the peer point and returns the x-coordinate of the
// shared point. crypto/ecdh checks that the point is on the curve and not
// the point at infinity (RFC 5656 §4, SEC 1 §3.2.2.1).
func (a nistAgreement) shared(priv *ecdh.PrivateKey, peer []byte) ([]byte, error) {
	if len(peer) != a.pointLen || peer[0] != 4 {
		return nil, invalidPublic("EC point is not an uncompressed point of the right size")
	}
	pk, err := a.curve.NewPublicKey(peer)
	if err != nil {
		return nil, invalidPublic("EC point is not on the curve")
	}
	ss, err := priv.ECDH(pk)
	if err != nil {
		return nil, invalidPublic("EC shared point")
	}
	return ss, nil
}

func (a nistAgreement) clientInit(rand io.Reader) ([]byte, func([]byte) ([]byte, error), error) {
	priv, err := a.newKey(rand)
	if err != nil {
		return nil, nil, err
	}
	finish := func(peer []byte) ([]byte, error) {
		ss, err := a.shared(priv, peer)
		if err != nil {
			return nil, err
		}
		defer clear(ss)
		return mpintK(ss), nil
	}
	return priv.PublicKey().Bytes(), finish, nil
}

func (a nistAgreement) serverReply(rand io.Reader, peer []byte) ([]byte, []byte, error) {
	if len(peer) != a.pointLen || peer[0] != 4 {
		return nil, nil, invalidPublic("EC point is not an uncompressed point of the right size")
	}
	priv, err := a.newKey(rand)
	if err != nil {
		return nil, nil, err
	}
	ss, err := a.shared(priv, peer)
	if err != nil {
		return nil, nil, err
	}
	defer clear(ss)
	return priv.PublicKey().Bytes(), mpintK(ss), nil
}
