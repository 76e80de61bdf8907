package chacha

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/crypto/chacha20"
)

// refXOR is the reference: x/crypto/chacha20 (RFC 8439) driven one 2^32-block
// segment at a time, with state word 13 (the high counter word of the
// original variant) supplied as the first four bytes of the 96-bit nonce.
func refXOR(t testing.TB, dst, src []byte, key *[KeySize]byte, nonce *[NonceSize]byte, counter uint64) {
	t.Helper()
	for len(src) > 0 {
		var n12 [12]byte
		binary.LittleEndian.PutUint32(n12[0:], uint32(counter>>32))
		copy(n12[4:], nonce[:])
		c, err := chacha20.NewUnauthenticatedCipher(key[:], n12[:])
		if err != nil {
			t.Fatal(err)
		}
		c.SetCounter(uint32(counter))
		seg := uint64(1<<32-uint64(uint32(counter))) * BlockSize
		n := len(src)
		if uint64(n) > seg {
			n = int(seg)
		}
		c.XORKeyStream(dst[:n], src[:n])
		counter += uint64(n) / BlockSize
		dst, src = dst[n:], src[n:]
	}
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func randKeyNonce(r *rand.Rand) (*[KeySize]byte, *[NonceSize]byte) {
	var k [KeySize]byte
	var n [NonceSize]byte
	copy(k[:], randBytes(r, KeySize))
	copy(n[:], randBytes(r, NonceSize))
	return &k, &n
}

// check compares XORKeyStream with the reference for one input, both into
// a separate buffer and in place, and checks that bytes past the output
// are left alone.
func check(t *testing.T, src []byte, key *[KeySize]byte, nonce *[NonceSize]byte, counter uint64) {
	t.Helper()
	want := make([]byte, len(src))
	refXOR(t, want, src, key, nonce, counter)

	got := make([]byte, len(src)+8)
	for i := len(src); i < len(got); i++ {
		got[i] = 0xa5
	}
	XORKeyStream(got[:len(src)], src, key, nonce, counter)
	if !bytes.Equal(got[:len(src)], want) {
		t.Fatalf("len %d counter %#x: output differs from x/crypto at byte %d (impl %s)", len(src), counter, firstDiff(got, want), Implementation())
	}
	if !bytes.Equal(got[len(src):], bytes.Repeat([]byte{0xa5}, 8)) {
		t.Fatalf("len %d: wrote past the end of dst", len(src))
	}

	inplace := append([]byte(nil), src...)
	XORKeyStream(inplace, inplace, key, nonce, counter)
	if !bytes.Equal(inplace, want) {
		t.Fatalf("len %d counter %#x: in-place output differs at byte %d", len(src), counter, firstDiff(inplace, want))
	}
}

func firstDiff(a, b []byte) int {
	for i := range b {
		if i >= len(a) || a[i] != b[i] {
			return i
		}
	}
	return -1
}

func TestAllLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 1100; n++ {
		key, nonce := randKeyNonce(r)
		check(t, randBytes(r, n), key, nonce, uint64(r.Uint32()>>1))
	}
}

func TestLargeSizes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{2048, 4096 + 7, 32768, 32768 + 13 + 4, 35000, 65536 + 511, 1 << 20, 1<<20 + 333} {
		key, nonce := randKeyNonce(r)
		check(t, randBytes(r, n), key, nonce, r.Uint64()>>8)
	}
}

// TestCounterWrap crosses the point where the low counter word wraps into
// the high one, from every offset within an eight-block group, and the
// wrap of the whole 64-bit counter.
func TestCounterWrap(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for back := uint64(1); back <= 20; back++ {
		for _, n := range []int{1, 63, 64, 65, 500, 512, 1000, 1600} {
			key, nonce := randKeyNonce(r)
			hi := uint64(r.Uint32()) << 32
			check(t, randBytes(r, n), key, nonce, hi+(1<<32)-back)
		}
	}
	for _, c := range []uint64{1<<64 - 1, 1<<64 - 3, 1<<64 - 9, 1<<33 - 1, 0xffffffff} {
		key, nonce := randKeyNonce(r)
		check(t, randBytes(r, 1500), key, nonce, c)
	}
}

// TestUnaligned runs every path on buffers starting at each offset within
// a cache line, separate and in place.
func TestUnaligned(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	big := randBytes(r, 4096+128)
	for off := 0; off < 64; off++ {
		for _, n := range []int{5, 100, 512, 777, 1536, 4096} {
			key, nonce := randKeyNonce(r)
			src := big[off : off+n]
			want := make([]byte, n)
			refXOR(t, want, src, key, nonce, 1)
			dstBuf := make([]byte, n+64)
			dst := dstBuf[(off*7)%64:][:n]
			XORKeyStream(dst, src, key, nonce, 1)
			if !bytes.Equal(dst, want) {
				t.Fatalf("off %d len %d: differs at %d", off, n, firstDiff(dst, want))
			}
			cp := append([]byte(nil), big...)
			XORKeyStream(cp[off:off+n], cp[off:off+n], key, nonce, 1)
			if !bytes.Equal(cp[off:off+n], want) || !bytes.Equal(cp[:off], big[:off]) || !bytes.Equal(cp[off+n:], big[off+n:]) {
				t.Fatalf("off %d len %d: in-place result wrong", off, n)
			}
		}
	}
}

// TestSplitCalls checks that consecutive calls with the counter advanced
// by the blocks consumed produce one continuous keystream.
func TestSplitCalls(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	key, nonce := randKeyNonce(r)
	src := randBytes(r, 64*300)
	want := make([]byte, len(src))
	refXOR(t, want, src, key, nonce, 42)
	got := make([]byte, len(src))
	counter := uint64(42)
	for off := 0; off < len(src); {
		nb := 1 + r.IntN(40)
		end := min(off+nb*BlockSize, len(src))
		XORKeyStream(got[off:end], src[off:end], key, nonce, counter)
		counter += uint64(nb)
		off = end
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("split calls differ at %d", firstDiff(got, want))
	}
}

func TestBlock(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	zero := make([]byte, BlockSize)
	for i := 0; i < 200; i++ {
		key, nonce := randKeyNonce(r)
		counter := r.Uint64()
		if i%4 == 0 {
			counter = uint64(i)
		}
		var got [BlockSize]byte
		Block(&got, key, nonce, counter)
		want := make([]byte, BlockSize)
		refXOR(t, want, zero, key, nonce, counter)
		if !bytes.Equal(got[:], want) {
			t.Fatalf("block %d (counter %#x) differs", i, counter)
		}
	}
}

func TestShortDstPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for dst shorter than src")
		}
	}()
	var k [KeySize]byte
	var n [NonceSize]byte
	XORKeyStream(make([]byte, 3), make([]byte, 4), &k, &n, 0)
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// TestVectors checks published answers: RFC 8439 sections 2.3.2 and 2.4.2
// and appendix A.1 (whose 96-bit nonce and 32-bit counter map onto the
// original variant as word 13 = first four nonce bytes).
func TestVectors(t *testing.T) {
	var seqKey [KeySize]byte
	for i := range seqKey {
		seqKey[i] = byte(i)
	}
	var zeroKey [KeySize]byte
	vectors := []struct {
		name    string
		key     *[KeySize]byte
		nonce12 string
		counter uint32
		plain   []byte
		want    string
	}{
		{"A.1 #1", &zeroKey, "000000000000000000000000", 0, make([]byte, 64), `
			76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7
			da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586`},
		{"A.1 #2", &zeroKey, "000000000000000000000000", 1, make([]byte, 64), `
			9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed
			29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f`},
		{"2.3.2", &seqKey, "000000090000004a00000000", 1, make([]byte, 64), `
			10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e
			d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e`},
		{"2.4.2", &seqKey, "000000000000004a00000000", 1,
			[]byte("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."), `
			6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b
			f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8
			07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736
			5af90bbf74a35be6b40b8eedf2785e42874d`},
	}
	for _, v := range vectors {
		n12 := unhex(v.nonce12)
		var nonce [NonceSize]byte
		copy(nonce[:], n12[4:])
		counter := uint64(v.counter) | uint64(binary.LittleEndian.Uint32(n12[:4]))<<32
		want := unhex(v.want)
		got := make([]byte, len(v.plain))
		XORKeyStream(got, v.plain, v.key, &nonce, counter)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: got %x, want %x", v.name, got, want)
		}
		if len(v.plain) == BlockSize {
			var blk [BlockSize]byte
			Block(&blk, v.key, &nonce, counter)
			if !bytes.Equal(blk[:], want) {
				t.Errorf("%s: Block got %x", v.name, blk)
			}
		}
	}
}

func TestZeroAllocs(t *testing.T) {
	var k [KeySize]byte
	var n [NonceSize]byte
	var out [BlockSize]byte
	buf := make([]byte, 32768+37)
	allocs := testing.AllocsPerRun(20, func() {
		XORKeyStream(buf, buf, &k, &n, 1)
		XORKeyStream(buf[:100], buf[:100], &k, &n, 1)
		Block(&out, &k, &n, 0)
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per run", allocs)
	}
}
