package chacha

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// FuzzXORKeyStream compares XORKeyStream, separate and in place, with the
// x/crypto reference for arbitrary keys, nonces, counters and inputs, on
// every implementation this CPU can run.
func FuzzXORKeyStream(f *testing.F) {
	f.Add(make([]byte, 40), uint64(0), []byte("hello"))
	f.Add(bytes.Repeat([]byte{0xff}, 40), uint64(1<<32-3), make([]byte, 700))
	f.Add([]byte("0123456789abcdef0123456789abcdef01234567"), uint64(1), make([]byte, 4096+17))
	f.Fuzz(func(t *testing.T, keyNonce []byte, counter uint64, src []byte) {
		var key [KeySize]byte
		var nonce [NonceSize]byte
		copy(key[:], keyNonce)
		if len(keyNonce) > KeySize {
			copy(nonce[:], keyNonce[KeySize:])
		}
		if len(keyNonce) >= 4 {
			// Steer some inputs towards the counter wrap.
			if binary.LittleEndian.Uint32(keyNonce)%4 == 0 {
				counter |= 0xffffff00
			}
		}
		want := make([]byte, len(src))
		refXOR(t, want, src, &key, &nonce, counter)
		forEachPath(func(path string) {
			got := make([]byte, len(src))
			XORKeyStream(got, src, &key, &nonce, counter)
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: len %d counter %#x: differs at %d", path, len(src), counter, firstDiff(got, want))
			}
			copy(got, src)
			XORKeyStream(got, got, &key, &nonce, counter)
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: in place: differs at %d", path, firstDiff(got, want))
			}
		})
	})
}
