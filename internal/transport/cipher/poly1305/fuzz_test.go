package poly1305

import (
	"bytes"
	"testing"
)

// FuzzSum compares every path this build and CPU can run with x/crypto for
// arbitrary keys and messages; a length byte stretches the message by
// repeating it, so that inputs long enough for several vector steps are
// common.
func FuzzSum(f *testing.F) {
	f.Add(make([]byte, 32), []byte("hello"), uint8(0))
	f.Add(bytes.Repeat([]byte{0xff}, 32), bytes.Repeat([]byte{0xff}, 17), uint8(40))
	f.Add([]byte("0123456789abcdef0123456789abcdef"), make([]byte, 300), uint8(3))
	f.Fuzz(func(t *testing.T, keyBytes, msg []byte, repeat uint8) {
		var key [KeySize]byte
		copy(key[:], keyBytes)
		if len(msg) > 0 && repeat > 1 {
			msg = bytes.Repeat(msg, int(repeat))
		}
		check(t, msg, &key)
	})
}
