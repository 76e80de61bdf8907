//go:build amd64 && !purego

package chacha

import "golang.org/x/sys/cpu"

// The widest path the CPU supports is used, for whole groups of blocks
// and for the tail.
var (
	useSSSE3  = cpu.X86.HasSSSE3
	useAVX2   = cpu.X86.HasAVX2
	useAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX2
)

// xorBlocksAVX2 XORs n bytes from src into dst with the keystream of the
// input block st, eight blocks (512 bytes) per iteration; n is a positive
// multiple of 512. It reads st and does not modify it. Lanes whose counter
// word wraps produce keystream that callers must not use.
//
//go:noescape
func xorBlocksAVX2(st *[16]uint32, dst, src *byte, n int)

// xorBlocksAVX512 is xorBlocksAVX2 for sixteen blocks (1024 bytes) per
// iteration; n is a positive multiple of 1024.
//
//go:noescape
func xorBlocksAVX512(st *[16]uint32, dst, src *byte, n int)

// xorBlocksSSSE3 is xorBlocksAVX2 for four blocks (256 bytes) per
// iteration; n is a positive multiple of 256.
//
//go:noescape
func xorBlocksSSSE3(st *[16]uint32, dst, src *byte, n int)

// xorKeyStream XORs src into dst with the keystream of the input block st;
// word 12 does not wrap within len(src) bytes. It advances st[12] past the
// blocks it uses. A tail shorter than one pass goes through a whole pass
// on a copy, and the extra keystream is discarded.
func xorKeyStream(st *[16]uint32, dst, src []byte) {
	switch {
	case useAVX512:
		if n := len(src) &^ 1023; n > 0 {
			xorBlocksAVX512(st, &dst[0], &src[0], n)
			st[12] += uint32(n / BlockSize)
			dst, src = dst[n:], src[n:]
		}
		if len(src) > 0 {
			var buf [1024]byte
			copy(buf[:], src)
			xorBlocksAVX512(st, &buf[0], &buf[0], len(buf))
			copy(dst, buf[:len(src)])
		}
	case useAVX2:
		if n := len(src) &^ 511; n > 0 {
			xorBlocksAVX2(st, &dst[0], &src[0], n)
			st[12] += uint32(n / BlockSize)
			dst, src = dst[n:], src[n:]
		}
		if len(src) > 0 {
			var buf [512]byte
			copy(buf[:], src)
			xorBlocksAVX2(st, &buf[0], &buf[0], len(buf))
			copy(dst, buf[:len(src)])
		}
	case useSSSE3:
		if n := len(src) &^ 255; n > 0 {
			xorBlocksSSSE3(st, &dst[0], &src[0], n)
			st[12] += uint32(n / BlockSize)
			dst, src = dst[n:], src[n:]
		}
		if len(src) > 0 {
			var buf [256]byte
			copy(buf[:], src)
			xorBlocksSSSE3(st, &buf[0], &buf[0], len(buf))
			copy(dst, buf[:len(src)])
		}
	default:
		xorGeneric(st, dst, src)
	}
}

// Implementation names the code path in use, for tests and benchmarks.
func Implementation() string {
	switch {
	case useAVX512:
		return "avx512"
	case useAVX2:
		return "avx2"
	case useSSSE3:
		return "ssse3"
	}
	return "generic"
}
