package poly1305

import (
	"encoding/binary"
	"math/bits"
)

// Numbers modulo p = 2^130 - 5 are held here as five limbs of 26 bits,
// value = l[0] + l[1]<<26 + l[2]<<52 + l[3]<<78 + l[4]<<104. Limbs may run
// a little over 26 bits between carries; since 2^130 = 5 (mod p), a
// product's terms at 2^130 and above fold back multiplied by 5. The vector
// assembly uses exactly this arithmetic in each lane.

const mask26 = 1<<26 - 1

// limbs is a number in 26-bit limbs.
type limbs [5]uint64

// mulKey is a multiplier prepared for mul: its limbs, and limbs 1..4 times
// five for the terms that wrap past 2^130.
type mulKey struct {
	r  limbs
	s5 [4]uint64
}

func newMulKey(r *limbs) mulKey {
	return mulKey{r: *r, s5: [4]uint64{5 * r[1], 5 * r[2], 5 * r[3], 5 * r[4]}}
}

// mul sets h to h*k modulo p, partly reduced: limbs below 2^26 except l[1]
// which may be slightly over. Inputs with limbs below 2^28 cannot overflow
// (five products below 2^28 * 2^29 each).
func mul(h *limbs, k *mulKey) {
	r0, r1, r2, r3, r4 := k.r[0], k.r[1], k.r[2], k.r[3], k.r[4]
	s1, s2, s3, s4 := k.s5[0], k.s5[1], k.s5[2], k.s5[3]
	h0, h1, h2, h3, h4 := h[0], h[1], h[2], h[3], h[4]
	d0 := h0*r0 + h1*s4 + h2*s3 + h3*s2 + h4*s1
	d1 := h0*r1 + h1*r0 + h2*s4 + h3*s3 + h4*s2
	d2 := h0*r2 + h1*r1 + h2*r0 + h3*s4 + h4*s3
	d3 := h0*r3 + h1*r2 + h2*r1 + h3*r0 + h4*s4
	d4 := h0*r4 + h1*r3 + h2*r2 + h3*r1 + h4*r0
	h[0], h[1], h[2], h[3], h[4] = carry(d0, d1, d2, d3, d4)
}

// mulLimbs returns a*b modulo p, partly reduced as mul leaves it.
func mulLimbs(a, b *limbs) limbs {
	k := newMulKey(b)
	h := *a
	mul(&h, &k)
	return h
}

// carry propagates once around the limbs, folding the carry out of the top
// limb back into the bottom one times five.
func carry(d0, d1, d2, d3, d4 uint64) (uint64, uint64, uint64, uint64, uint64) {
	d1 += d0 >> 26
	d0 &= mask26
	d2 += d1 >> 26
	d1 &= mask26
	d3 += d2 >> 26
	d2 &= mask26
	d4 += d3 >> 26
	d3 &= mask26
	c := d4 >> 26
	d4 &= mask26
	d0 += c*4 + c
	d1 += d0 >> 26
	d0 &= mask26
	return d0, d1, d2, d3, d4
}

// split converts a 128-bit little-endian value (lo, hi) to limbs.
func split(lo, hi uint64) limbs {
	return limbs{
		lo & mask26,
		(lo >> 26) & mask26,
		(lo>>52 | hi<<12) & mask26,
		(hi >> 14) & mask26,
		hi >> 40,
	}
}

// clampR returns r from the first half of key, clamped as RFC 8439 requires.
func clampR(key *[KeySize]byte) limbs {
	lo := binary.LittleEndian.Uint64(key[0:8]) & 0x0ffffffc0fffffff
	hi := binary.LittleEndian.Uint64(key[8:16]) & 0x0ffffffc0ffffffc
	return split(lo, hi)
}

// blocks absorbs the whole 16-byte blocks of msg (len(msg) is a multiple of
// 16) into h, each with the 2^128 bit set.
func blocks(h *limbs, k *mulKey, msg []byte) {
	for len(msg) >= 16 {
		m := split(binary.LittleEndian.Uint64(msg[0:8]), binary.LittleEndian.Uint64(msg[8:16]))
		h[0] += m[0]
		h[1] += m[1]
		h[2] += m[2]
		h[3] += m[3]
		h[4] += m[4] | 1<<24
		mul(h, k)
		msg = msg[16:]
	}
}

// finish absorbs tail (shorter than 16 bytes; it may be empty), reduces h
// modulo p and writes h + s modulo 2^128 to out.
func finish(out *[TagSize]byte, h *limbs, k *mulKey, tail []byte, key *[KeySize]byte) {
	if len(tail) > 0 {
		var buf [16]byte
		copy(buf[:], tail)
		buf[len(tail)] = 1
		m := split(binary.LittleEndian.Uint64(buf[0:8]), binary.LittleEndian.Uint64(buf[8:16]))
		for i := range h {
			h[i] += m[i]
		}
		mul(h, k)
	}
	// Pack into 64-bit words; limbs are below 2^28 here.
	var c uint64
	h0, c0 := bits.Add64(h[0], h[1]<<26, 0)
	h0, c = bits.Add64(h0, h[2]<<52, 0)
	h1 := h[2]>>12 + c0 + c + h[3]<<14
	h1, c = bits.Add64(h1, h[4]<<40, 0)
	h2 := h[4]>>24 + c
	// Fold bits 130 and up, leaving h < 2^130 + 40 < 2p.
	f := (h2 >> 2) * 5
	h2 &= 3
	h0, c = bits.Add64(h0, f, 0)
	h1, c = bits.Add64(h1, 0, c)
	h2 += c
	// Subtract p if h >= p, that is if h + 5 reaches 2^130; constant time.
	g0, c := bits.Add64(h0, 5, 0)
	g1, c := bits.Add64(h1, 0, c)
	g2 := h2 + c
	sel := -(g2 >> 2) // all ones if h >= p
	h0 = h0&^sel | g0&sel
	h1 = h1&^sel | g1&sel
	// Add s.
	h0, c = bits.Add64(h0, binary.LittleEndian.Uint64(key[16:24]), 0)
	h1, _ = bits.Add64(h1, binary.LittleEndian.Uint64(key[24:32]), c)
	binary.LittleEndian.PutUint64(out[0:8], h0)
	binary.LittleEndian.PutUint64(out[8:16], h1)
}

// sumGeneric is the whole computation in portable Go, used by tests as a
// second reference and on amd64 for what the vector code leaves over.
func sumGeneric(out *[TagSize]byte, msg []byte, key *[KeySize]byte) {
	r := clampR(key)
	k := newMulKey(&r)
	var h limbs
	n := len(msg) &^ 15
	blocks(&h, &k, msg[:n])
	finish(out, &h, &k, msg[n:], key)
}
