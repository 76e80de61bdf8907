package cipher

import "errors"

// Errors returned by this package. Seal and Open paths return these
// sentinels directly (no wrapping, so no allocation); constructors wrap
// them with detail. Test with errors.Is.
var (
	// ErrUnsupported reports a cipher or MAC name this package does not
	// implement.
	ErrUnsupported = errors.New("cipher: unsupported algorithm")

	// ErrKeySize reports key material of the wrong length for the
	// algorithm (see KeySizes).
	ErrKeySize = errors.New("cipher: wrong key material length")

	// ErrPacketLength reports a packet_length that the mode cannot
	// accept (too short, misaligned) or a packet whose size does not match
	// its packet_length.
	ErrPacketLength = errors.New("cipher: bad packet length")

	// ErrMAC reports a packet whose MAC or AEAD tag did not verify.
	ErrMAC = errors.New("cipher: message authentication failed")
)
