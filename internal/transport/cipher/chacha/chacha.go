// Package chacha implements the ChaCha20 stream cipher in its original
// form, as OpenSSH uses it for chacha20-poly1305@openssh.com: a 256-bit
// key, a 64-bit block counter (state words 12 and 13) and a 64-bit nonce
// (state words 14 and 15).
//
// On amd64 the keystream is produced sixteen blocks at a time with
// AVX-512 assembly, or eight at a time with AVX2; elsewhere, on CPUs with
// neither, or with the purego build tag, it falls back to
// golang.org/x/crypto/chacha20, which computes the same blocks. Block, for
// single blocks such as the Poly1305 key, is portable Go everywhere.
package chacha

import "encoding/binary"

const (
	// KeySize is the size of a ChaCha20 key in bytes.
	KeySize = 32
	// NonceSize is the size of the nonce in bytes: the original 64-bit
	// variant, not the 96-bit nonce of RFC 8439.
	NonceSize = 8
	// BlockSize is the size of one keystream block in bytes.
	BlockSize = 64
)

// The "expand 32-byte k" constants, little-endian words.
const (
	sigma0 = 0x61707865
	sigma1 = 0x3320646e
	sigma2 = 0x79622d32
	sigma3 = 0x6b206574
)

// initState fills st with the input block for key, nonce and counter.
func initState(st *[16]uint32, key *[KeySize]byte, nonce *[NonceSize]byte, counter uint64) {
	st[0], st[1], st[2], st[3] = sigma0, sigma1, sigma2, sigma3
	for i := 0; i < 8; i++ {
		st[4+i] = binary.LittleEndian.Uint32(key[4*i:])
	}
	st[12] = uint32(counter)
	st[13] = uint32(counter >> 32)
	st[14] = binary.LittleEndian.Uint32(nonce[0:])
	st[15] = binary.LittleEndian.Uint32(nonce[4:])
}

// XORKeyStream sets dst[:len(src)] to src XOR the keystream for key and
// nonce, starting at the beginning of block number counter. The 64-bit
// counter carries from word 12 into word 13 and wraps modulo 2^64.
//
// dst and src must either be the same slice (in-place) or not overlap at
// all. XORKeyStream panics if dst is shorter than src. It does not
// allocate.
func XORKeyStream(dst, src []byte, key *[KeySize]byte, nonce *[NonceSize]byte, counter uint64) {
	if len(dst) < len(src) {
		panic("chacha: output smaller than input")
	}
	var st [16]uint32
	initState(&st, key, nonce, counter)
	for len(src) > 0 {
		st[12] = uint32(counter)
		st[13] = uint32(counter >> 32)
		// Bytes left before the low counter word wraps: the
		// implementations below only ever add to word 12.
		room := (1<<32 - uint64(st[12])) * BlockSize
		n := len(src)
		if uint64(n) > room {
			n = int(room)
		}
		xorKeyStream(&st, dst[:n], src[:n])
		// A partial final block only happens on the last pass.
		counter += uint64(n) / BlockSize
		dst, src = dst[n:], src[n:]
	}
}

// Block writes keystream block number counter for key and nonce to out.
// It does not allocate.
func Block(out *[BlockSize]byte, key *[KeySize]byte, nonce *[NonceSize]byte, counter uint64) {
	var st [16]uint32
	initState(&st, key, nonce, counter)
	block(&st, out)
}
