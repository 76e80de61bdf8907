//go:build amd64 && !purego

package chacha

import (
	"math/rand/v2"
	"testing"
)

// paths lists the amd64 implementations, widest first.
var paths = []string{"avx512", "avx2", "ssse3", "generic"}

// setPath forces the implementation down to path if this CPU supports it,
// returning a function that restores the detected one.
func setPath(path string) (restore func(), ok bool) {
	ssse3, avx2, avx512 := useSSSE3, useAVX2, useAVX512
	restore = func() { useSSSE3, useAVX2, useAVX512 = ssse3, avx2, avx512 }
	switch path {
	case "avx512":
		ok = avx512
	case "avx2":
		ok = avx2
		useAVX512 = false
	case "ssse3":
		ok = ssse3
		useAVX2, useAVX512 = false, false
	case "generic":
		ok = true
		useSSSE3, useAVX2, useAVX512 = false, false, false
	}
	return restore, ok
}

// withPath runs f with the implementation forced down to path, or skips
// if this CPU lacks it.
func withPath(t *testing.T, path string, f func(t *testing.T)) {
	restore, ok := setPath(path)
	defer restore()
	if !ok {
		t.Skipf("no %s here", path)
	}
	if got := Implementation(); got != path {
		t.Fatalf("Implementation() = %s, want %s", got, path)
	}
	f(t)
}

// forEachPath calls f once per implementation this CPU supports.
func forEachPath(f func(path string)) {
	for _, path := range paths {
		restore, ok := setPath(path)
		if ok {
			f(path)
		}
		restore()
	}
}

// TestEveryPath repeats the main comparisons on each amd64 path this CPU
// can run, not just the widest.
func TestEveryPath(t *testing.T) {
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			withPath(t, path, func(t *testing.T) {
				t.Run("AllLengths", TestAllLengths)
				t.Run("LargeSizes", TestLargeSizes)
				t.Run("CounterWrap", TestCounterWrap)
				t.Run("Unaligned", TestUnaligned)
				t.Run("SplitCalls", TestSplitCalls)
				t.Run("Vectors", TestVectors)
				r := rand.New(rand.NewPCG(13, 14))
				for n := 0; n <= 3000; n += 61 {
					key, nonce := randKeyNonce(r)
					check(t, randBytes(r, n), key, nonce, (1<<32)-uint64(r.IntN(40)))
				}
			})
		})
	}
}

func TestImplementation(t *testing.T) {
	t.Logf("implementation: %s", Implementation())
}
