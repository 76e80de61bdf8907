//go:build !amd64 || purego

package chacha

// xorKeyStream XORs src into dst with the keystream of the input block st;
// word 12 does not wrap within len(src) bytes.
func xorKeyStream(st *[16]uint32, dst, src []byte) {
	xorGeneric(st, dst, src)
}

// Implementation names the code path in use, for tests and benchmarks.
func Implementation() string { return "generic" }
