//go:build amd64 && !purego

package poly1305

import (
	xpoly "golang.org/x/crypto/poly1305" //lint:ignore SA1019 raw Poly1305 is what chacha20-poly1305@openssh.com specifies
	"golang.org/x/sys/cpu"
)

var (
	useAVX512 = cpu.X86.HasAVX512F
	useAVX2   = cpu.X86.HasAVX2
)

// The shortest messages the vector paths take: below them, preparing the
// powers of r (some 200 ns) costs more than the scalar assembly in x/crypto
// needs for the whole message. Measured on an AMD EPYC (Zen 5).
const (
	vecMinAVX512 = 1536
	vecMinAVX2   = 2048
)

// vecKey is what the assembly reads: r^w (w = 8 or 4, the lane count) and
// five times its limbs 1..4, each broadcast to every lane; then, per lane,
// the power of r that lane's accumulator still owes at the end, in the same
// nine-row form. The AVX2 path uses the first four lanes of each row.
type vecKey struct {
	step [9][8]uint64
	last [9][8]uint64
}

// blocksAVX512 absorbs n bytes of msg (n a positive multiple of 128) into h,
// eight blocks per step. h is read as a number in limbs and replaced by the
// lane sum after the final multiplication: limbs below 2^30, not carried.
//
//go:noescape
func blocksAVX512(h *limbs, k *vecKey, msg *byte, n int)

// blocksAVX2 is blocksAVX512 four blocks per step; n is a positive multiple
// of 64.
//
//go:noescape
func blocksAVX2(h *limbs, k *vecKey, msg *byte, n int)

// lanes512 and lanes256 give, for each lane, the index within its step of
// the block that lane holds; it follows from how the assembly interleaves
// 128-bit halves of two loads.
var (
	lanes512 = [8]int{0, 4, 1, 5, 2, 6, 3, 7}
	lanes256 = [4]int{0, 2, 1, 3}
)

// setLane gives lane the multiplier step for the loop and last for the
// final step.
func (vk *vecKey) setLane(lane int, step, last *limbs) {
	for i := 0; i < 5; i++ {
		vk.step[i][lane] = step[i]
		vk.last[i][lane] = last[i]
	}
	for i := 1; i < 5; i++ {
		vk.step[4+i][lane] = 5 * step[i]
		vk.last[4+i][lane] = 5 * last[i]
	}
}

func sum(out *[TagSize]byte, msg []byte, key *[KeySize]byte) {
	switch {
	case useAVX512 && len(msg) >= vecMinAVX512:
		sumVector(out, msg, key, 8)
	case useAVX2 && len(msg) >= vecMinAVX2:
		sumVector(out, msg, key, 4)
	default:
		xpoly.Sum(out, msg, key)
	}
}

func sumVector(out *[TagSize]byte, msg []byte, key *[KeySize]byte, w int) {
	// pow[i] = r^(i+1), mostly from squares so the products can overlap.
	var pow [8]limbs
	pow[0] = clampR(key)
	pow[1] = mulLimbs(&pow[0], &pow[0])
	pow[2] = mulLimbs(&pow[1], &pow[0])
	pow[3] = mulLimbs(&pow[1], &pow[1])
	var vk vecKey
	var h limbs
	if w == 8 {
		pow[4] = mulLimbs(&pow[3], &pow[0])
		pow[5] = mulLimbs(&pow[3], &pow[1])
		pow[6] = mulLimbs(&pow[3], &pow[2])
		pow[7] = mulLimbs(&pow[3], &pow[3])
		for lane, blk := range lanes512 {
			vk.setLane(lane, &pow[7], &pow[7-blk])
		}
		n := len(msg) &^ 127
		blocksAVX512(&h, &vk, &msg[0], n)
		msg = msg[n:]
	} else {
		for lane, blk := range lanes256 {
			vk.setLane(lane, &pow[3], &pow[3-blk])
		}
		n := len(msg) &^ 63
		blocksAVX2(&h, &vk, &msg[0], n)
		msg = msg[n:]
	}
	h[0], h[1], h[2], h[3], h[4] = carry(h[0], h[1], h[2], h[3], h[4])
	k := newMulKey(&pow[0])
	n := len(msg) &^ 15
	blocks(&h, &k, msg[:n])
	finish(out, &h, &k, msg[n:], key)
}

// Implementation names the code path in use, for tests and benchmarks.
func Implementation() string {
	switch {
	case useAVX512:
		return "avx512"
	case useAVX2:
		return "avx2"
	}
	return "xcrypto"
}
