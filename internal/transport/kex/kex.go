// Package kex implements the SSH key exchange methods (RFC 4253 §8,
// RFC 4419, RFC 5656, RFC 8268, RFC 8731, RFC 9142 and the ML-KEM hybrid
// draft): each method runs its messages over a Conn and returns the
// exchange hash and shared secret for the transport to derive keys from.
package kex

import (
	"crypto"
	"io"
)

// Conn carries key exchange messages. Payloads start with the message
// number. ReadPacket's result is valid until the next ReadPacket.
type Conn interface {
	WritePacket(payload []byte) error
	ReadPacket() ([]byte, error)
}

// Magics are the strings both sides hash into H besides the method's own
// values (RFC 4253 §8).
type Magics struct {
	ClientVersion, ServerVersion []byte // identification lines without CR LF
	ClientKexInit, ServerKexInit []byte // whole KEXINIT payloads
}

// HostKey is the server's host key, bound to the negotiated signature
// algorithm.
type HostKey interface {
	// PublicKey is K_S, the public key blob.
	PublicKey() []byte
	// Sign returns a wire-format signature blob over data (the exchange hash).
	Sign(rand io.Reader, data []byte) ([]byte, error)
}

// Result is what a finished exchange hands to the transport.
type Result struct {
	H         []byte      // exchange hash
	K         []byte      // shared secret, encoded as the method hashes it (mpint or string, uint32 length included)
	HostKey   []byte      // K_S
	Signature []byte      // server's signature blob over H; verified by the caller
	Hash      crypto.Hash // the method's hash, used for key derivation
}

// Method is one key exchange method.
type Method interface {
	// Client runs the client side. It does not verify the host key
	// signature: the caller checks Result.Signature against Result.HostKey.
	Client(c Conn, rand io.Reader, m *Magics) (*Result, error)
	// Server runs the server side and signs H with hk.
	Server(c Conn, rand io.Reader, m *Magics, hk HostKey) (*Result, error)
}
