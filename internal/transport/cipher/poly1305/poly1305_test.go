package poly1305

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"testing"

	xpoly "golang.org/x/crypto/poly1305" //lint:ignore SA1019 the reference implementation for these tests
)

// path is one implementation under test; it takes messages of at least min
// bytes.
type path struct {
	name string
	min  int
	sum  func(out *[TagSize]byte, msg []byte, key *[KeySize]byte)
}

// check compares every path with x/crypto for msg under key.
func check(t *testing.T, msg []byte, key *[KeySize]byte) {
	t.Helper()
	var want [TagSize]byte
	xpoly.Sum(&want, msg, key)
	for _, p := range testPaths() {
		if len(msg) < p.min {
			continue
		}
		var got [TagSize]byte
		p.sum(&got, msg, key)
		if got != want {
			t.Fatalf("%s: len %d key %x: tag %x, want %x", p.name, len(msg), key[:], got, want)
		}
	}
	if !Verify(&want, msg, key) {
		t.Fatalf("Verify rejects the right tag, len %d", len(msg))
	}
	want[len(msg)%TagSize] ^= 1 << (len(msg) % 8)
	if Verify(&want, msg, key) {
		t.Fatalf("Verify accepts a wrong tag, len %d", len(msg))
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestKnownAnswers(t *testing.T) {
	rep := func(s string, n int) string { return string(bytes.Repeat([]byte(s), n)) }
	for i, tc := range []struct{ key, msg, tag string }{
		// RFC 8439 section 2.5.2.
		{
			"85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b",
			hex.EncodeToString([]byte("Cryptographic Forum Research Group")),
			"a8061dc1305136c6c22b8baf0c0127a9",
		},
		// RFC 8439 appendix A.3 #1: all zero.
		{rep("00", 32), rep("00", 64), rep("00", 16)},
		// A.3 #2 keeps r = 0, so the tag is s whatever the text.
		{rep("00", 16) + "36e5f6b5c5e06070f0efca96227a863e",
			hex.EncodeToString(bytes.Repeat([]byte("Any submission to the IETF "), 14)),
			"36e5f6b5c5e06070f0efca96227a863e"},
		// A.3 #5..#9: h reaching p and 2^130 (the wrap-around cases).
		{"02" + rep("00", 31), rep("ff", 16), "03" + rep("00", 15)},
		{"02" + rep("00", 15) + rep("ff", 16), "02" + rep("00", 15), "03" + rep("00", 15)},
		{"01" + rep("00", 31), rep("ff", 16) + "f0" + rep("ff", 15) + "11" + rep("00", 15), "05" + rep("00", 15)},
		{"01" + rep("00", 31), rep("ff", 16) + "fb" + rep("fe", 15) + rep("01", 16), rep("00", 16)},
		{"02" + rep("00", 31), "fd" + rep("ff", 15), "fa" + rep("ff", 15)},
	} {
		var key [KeySize]byte
		copy(key[:], unhex(t, tc.key))
		msg := unhex(t, tc.msg)
		want := unhex(t, tc.tag)
		for _, p := range testPaths() {
			if len(msg) < p.min {
				continue
			}
			var got [TagSize]byte
			p.sum(&got, msg, &key)
			if !bytes.Equal(got[:], want) {
				t.Errorf("vector %d, %s: tag %x, want %x", i, p.name, got, want)
			}
		}
		check(t, msg, &key)
	}
}

// testKeys returns random keys plus keys at the extremes: r = 0, r with
// every bit clamping leaves, s = 0 and s near 2^128.
func testKeys(rng *rand.Rand) [][KeySize]byte {
	var keys [][KeySize]byte
	for _, r := range []byte{0x00, 0xff} {
		for _, s := range []byte{0x00, 0xff} {
			var k [KeySize]byte
			for i := 0; i < 16; i++ {
				k[i] = r
				k[16+i] = s
			}
			keys = append(keys, k)
		}
	}
	var k [KeySize]byte
	k[0] = 1 // r = 1
	for i := 16; i < 32; i++ {
		k[i] = 0xff
	}
	k[16] = 0xfe // s = 2^128 - 2
	keys = append(keys, k)
	for i := 0; i < 4; i++ {
		for j := range k {
			k[j] = byte(rng.Uint32())
		}
		keys = append(keys, k)
	}
	return keys
}

func TestEveryLength(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 2100+1)
	ff := bytes.Repeat([]byte{0xff}, 2100)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	keys := testKeys(rng)
	for n := 0; n <= 2100; n++ {
		key := keys[n%len(keys)]
		check(t, buf[:n], &key)
		check(t, buf[1:1+n], &key) // unaligned
		check(t, ff[:n], &key)     // every carry at its largest
	}
}

func TestLongMessages(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{32*1024 + 5, 32*1024 + 4 + 16, 35000, 256 * 1024, 256*1024 + 127} {
		random := make([]byte, n+1)
		for i := range random {
			random[i] = byte(rng.Uint32())
		}
		ff := bytes.Repeat([]byte{0xff}, n)
		for _, key := range testKeys(rng) {
			check(t, random[:n], &key)
			check(t, random[1:], &key)
			check(t, ff, &key)
		}
	}
}

func TestZeroAllocs(t *testing.T) {
	msg := make([]byte, 32*1024+4)
	var key [KeySize]byte
	var tag [TagSize]byte
	if n := testing.AllocsPerRun(20, func() {
		Sum(&tag, msg, &key)
		Verify(&tag, msg, &key)
	}); n != 0 {
		t.Fatalf("%v allocations per Sum+Verify", n)
	}
}
