// Package cipher implements the SSH packet protections of RFC 4253 §6,
// RFC 4344, RFC 5647, RFC 6668, OpenSSH's chacha20-poly1305 and the
// encrypt-then-MAC modes: one file a family.
//
// Sealer and Opener work in place on a whole binary packet
// (packet_length || padding_length || payload || padding), so the
// transport's hot path makes no allocation.
//
// # Contract with the transport
//
// Sending: build packet_length || padding_length || payload || padding in a
// buffer with Overhead spare capacity and call Seal. Padding is at least 4
// bytes and chosen so that the aligned region is a multiple of BlockSize:
// the whole packet when LengthInClear is false, the packet without its
// 4-byte packet_length when it is true.
//
// Receiving: read HeaderLen bytes, call Length (which checks the minimum
// size and the alignment the mode needs, but no upper bound: that is the
// transport's maximum packet size), read the rest of the 4+packet_length
// bytes plus Overhead, and call Open on the whole. Open verifies the MAC or
// tag before releasing any plaintext; for encrypt-then-MAC and AEAD modes
// nothing is decrypted before that. The classic MAC-and-encrypt modes
// (e.g. aes128-ctr with hmac-sha2-256) must decrypt the first block to
// learn the length before the MAC can be checked. Any error is fatal for
// the connection: the cipher state is no longer in step with the peer.
//
// Seal and Open return the sentinel errors of this package unwrapped, and
// a Sealer or Opener is not safe for concurrent use: keep one per
// direction, under the direction's lock.
package cipher

// Keys are the key material of one direction, derived per RFC 4253 §7.2.
type Keys struct {
	IV, Key, MAC []byte
}

// Sealer protects outgoing packets of one direction.
type Sealer interface {
	// BlockSize is the alignment the padded packet must have (at least 8).
	BlockSize() int
	// Overhead is the number of MAC or tag bytes Seal appends.
	Overhead() int
	// LengthInClear reports whether packet_length is left out of the
	// aligned region (AEAD and encrypt-then-MAC modes).
	LengthInClear() bool
	// Seal encrypts pkt in place and appends the MAC or tag. pkt holds a
	// whole padded packet and has capacity for Overhead more bytes. It
	// returns pkt extended by Overhead.
	Seal(seq uint32, pkt []byte) []byte
}

// Opener authenticates and decrypts incoming packets of one direction.
type Opener interface {
	// HeaderLen is how many leading bytes Length needs (4, or a cipher
	// block for modes that encrypt the length with the payload).
	HeaderLen() int
	// Overhead is the number of MAC or tag bytes that follow the packet.
	Overhead() int
	// Length returns packet_length from the first HeaderLen bytes of a
	// packet. It may decrypt hdr in place; the caller passes the same
	// bytes back to Open.
	Length(seq uint32, hdr []byte) (uint32, error)
	// Open authenticates and decrypts pkt in place: the header as left by
	// Length, the rest of the packet, then Overhead MAC or tag bytes. It
	// returns the plaintext packet without the MAC.
	Open(seq uint32, pkt []byte) ([]byte, error)
}
