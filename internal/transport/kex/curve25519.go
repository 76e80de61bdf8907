package kex

import (
	"crypto"
	"crypto/ecdh"
	"crypto/subtle"
	"io"
)

// x25519Size is the length of X25519 scalars, public keys and outputs.
const x25519Size = 32

// curve25519Agreement is curve25519-sha256 and its pre-standard alias
// curve25519-sha256@libssh.org (RFC 8731). Public values are 32-byte
// strings; K is the X25519 output read as a big-endian integer and encoded
// as an mpint.
type curve25519Agreement struct{}

func (curve25519Agreement) hashFunc() crypto.Hash { return crypto.SHA256 }
func (curve25519Agreement) mpintValues() bool     { return false }

// newX25519Key reads a 32-byte scalar from rand. The key is built from the
// reader's bytes directly so that a fixed reader gives a fixed key.
func newX25519Key(rand io.Reader) (*ecdh.PrivateKey, error) {
	var b [x25519Size]byte
	defer clear(b[:])
	if _, err := io.ReadFull(rand, b[:]); err != nil {
		return nil, err
	}
	return ecdh.X25519().NewPrivateKey(b[:])
}

// x25519Shared computes X25519(priv, peer), rejecting a peer key of the
// wrong length and the all-zero output of low-order points (RFC 8731 §3,
// RFC 7748 §6.1). The caller clears the result.
func x25519Shared(priv *ecdh.PrivateKey, peer []byte) ([]byte, error) {
	if len(peer) != x25519Size {
		return nil, invalidPublic("X25519 public key is not 32 bytes")
	}
	pk, err := ecdh.X25519().NewPublicKey(peer)
	if err != nil {
		return nil, invalidPublic("X25519 public key")
	}
	ss, err := priv.ECDH(pk)
	if err != nil {
		// crypto/ecdh refuses low-order inputs, whose output is all zero.
		return nil, invalidPublic("X25519 shared secret is zero")
	}
	var zero [x25519Size]byte
	if subtle.ConstantTimeCompare(ss, zero[:]) == 1 {
		return nil, invalidPublic("X25519 shared secret is zero")
	}
	return ss, nil
}

func (curve25519Agreement) clientInit(rand io.Reader) ([]byte, func([]byte) ([]byte, error), error) {
	priv, err := newX25519Key(rand)
	if err != nil {
		return nil, nil, err
	}
	finish := func(peer []byte) ([]byte, error) {
		ss, err := x25519Shared(priv, peer)
		if err != nil {
			return nil, err
		}
		defer clear(ss)
		return mpintK(ss), nil
	}
	return priv.PublicKey().Bytes(), finish, nil
}

func (curve25519Agreement) serverReply(rand io.Reader, peer []byte) ([]byte, []byte, error) {
	if len(peer) != x25519Size {
		return nil, nil, invalidPublic("X25519 public key is not 32 bytes")
	}
	priv, err := newX25519Key(rand)
	if err != nil {
		return nil, nil, err
	}
	ss, err := x25519Shared(priv, peer)
	if err != nil {
		return nil, nil, err
	}
	defer clear(ss)
	return priv.PublicKey().Bytes(), mpintK(ss), nil
}
