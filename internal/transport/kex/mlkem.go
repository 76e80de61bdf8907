package kex

import (
	"crypto"
	"crypto/mlkem"
	"crypto/sha256"
	"io"
)

// Sizes of the mlkem768x25519-sha256 messages (draft-ietf-sshm-mlkem-hybrid-kex,
// published as RFC 10042).
const (
	// mlkemClientInitLen is C_INIT: the ML-KEM-768 encapsulation key
	// followed by the client's X25519 public key.
	mlkemClientInitLen = mlkem.EncapsulationKeySize768 + x25519Size
	// mlkemServerReplyLen is S_REPLY: the ML-KEM-768 ciphertext followed
	// by the server's X25519 public key.
	mlkemServerReplyLen = mlkem.CiphertextSize768 + x25519Size
)

// mlkemAgreement is mlkem768x25519-sha256, the ML-KEM-768 + X25519 hybrid.
// Both sides compute K = SHA-256(K_PQ || K_CL), where K_PQ is the ML-KEM
// shared secret and K_CL the raw X25519 output, and K is encoded as a
// string, not an mpint, in H and in key derivation. C_INIT and S_REPLY are
// strings in the messages (numbers 30 and 31) and in H.
type mlkemAgreement struct{}

func (mlkemAgreement) hashFunc() crypto.Hash { return crypto.SHA256 }
func (mlkemAgreement) mpintValues() bool     { return false }

// hybridK combines the two secrets and clears them.
func hybridK(pq, cl []byte) []byte {
	h := sha256.New()
	h.Write(pq)
	h.Write(cl)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	clear(pq)
	clear(cl)
	k := stringK(sum[:])
	clear(sum[:])
	return k
}

func (mlkemAgreement) clientInit(rand io.Reader) ([]byte, func([]byte) ([]byte, error), error) {
	// The decapsulation key comes from a 64-byte seed (d || z, FIPS 203)
	// read from rand, so a fixed reader gives a fixed key.
	var seed [mlkem.SeedSize]byte
	if _, err := io.ReadFull(rand, seed[:]); err != nil {
		return nil, nil, err
	}
	dk, err := mlkem.NewDecapsulationKey768(seed[:])
	clear(seed[:])
	if err != nil {
		return nil, nil, err
	}
	priv, err := newX25519Key(rand)
	if err != nil {
		return nil, nil, err
	}
	pub := make([]byte, 0, mlkemClientInitLen)
	pub = append(pub, dk.EncapsulationKey().Bytes()...)
	pub = append(pub, priv.PublicKey().Bytes()...)
	finish := func(peer []byte) ([]byte, error) {
		if len(peer) != mlkemServerReplyLen {
			return nil, invalidPublic("ML-KEM hybrid reply has the wrong length")
		}
		// The X25519 half is checked first: ML-KEM decapsulation of a
		// well-sized ciphertext always succeeds (implicit rejection).
		cl, err := x25519Shared(priv, peer[mlkem.CiphertextSize768:])
		if err != nil {
			return nil, err
		}
		pq, err := dk.Decapsulate(peer[:mlkem.CiphertextSize768])
		if err != nil {
			clear(cl)
			return nil, invalidPublic("ML-KEM ciphertext")
		}
		return hybridK(pq, cl), nil
	}
	return pub, finish, nil
}

func (mlkemAgreement) serverReply(rand io.Reader, peer []byte) ([]byte, []byte, error) {
	if len(peer) != mlkemClientInitLen {
		return nil, nil, invalidPublic("ML-KEM hybrid init has the wrong length")
	}
	// NewEncapsulationKey768 runs the FIPS 203 §7.2 modulus check.
	ek, err := mlkem.NewEncapsulationKey768(peer[:mlkem.EncapsulationKeySize768])
	if err != nil {
		return nil, nil, invalidPublic("ML-KEM encapsulation key")
	}
	priv, err := newX25519Key(rand)
	if err != nil {
		return nil, nil, err
	}
	cl, err := x25519Shared(priv, peer[mlkem.EncapsulationKeySize768:])
	if err != nil {
		return nil, nil, err
	}
	// Encapsulate draws its randomness from crypto/rand; Go 1.24 has no
	// way to pass a reader.
	pq, ct := ek.Encapsulate()
	pub := make([]byte, 0, mlkemServerReplyLen)
	pub = append(pub, ct...)
	pub = append(pub, priv.PublicKey().Bytes()...)
	return pub, hybridK(pq, cl), nil
}
