// Package poly1305 computes the Poly1305 one-time authenticator (RFC 8439
// section 2.5) of a whole message under a 32-byte one-time key.
//
// On amd64 with AVX-512 or AVX2, messages of about 2 KiB or more are
// hashed eight (or four) blocks at a time: each vector lane keeps its
// own accumulator in five 26-bit limbs and multiplies it by r^8 (or r^4)
// per step, and a final step multiplies the lanes by the descending powers
// of r they still owe and adds them up. The last blocks that do not fill a
// step, and the final partial block, are finished in portable Go with the
// same limb arithmetic. Shorter messages, other architectures, CPUs
// without those extensions and the purego build tag use
// golang.org/x/crypto/poly1305, which computes the same tags.
package poly1305

import "crypto/subtle"

const (
	// KeySize is the size of a one-time key in bytes: r, then s.
	KeySize = 32
	// TagSize is the size of a tag in bytes.
	TagSize = 16
)

// Sum writes the Poly1305 tag of msg under key to out. A key must never
// authenticate more than one message. Sum does not allocate.
func Sum(out *[TagSize]byte, msg []byte, key *[KeySize]byte) {
	sum(out, msg, key)
}

// Verify reports whether tag is the Poly1305 tag of msg under key, comparing
// in constant time. It does not allocate.
func Verify(tag *[TagSize]byte, msg []byte, key *[KeySize]byte) bool {
	var want [TagSize]byte
	sum(&want, msg, key)
	return subtle.ConstantTimeCompare(tag[:], want[:]) == 1
}
