package keys

import (
	"encoding/binary"
	"math/bits"

	"golang.org/x/crypto/blake2b"
)

// Argon2d (RFC 9106 with type y = 0), which PuTTY offers for PPK v3 files
// and golang.org/x/crypto/argon2 does not export. Only the data-dependent
// indexing of the d variant is implemented here; the i and id variants
// come from x/crypto.
//
// Callers bound time, memory and parallelism before calling: the cost is
// passes × max(memory, 8 × parallelism) KiB of BLAKE2b-based compression.

const (
	argon2Version    = 0x13
	argon2TypeD      = 0
	argon2BlockWords = 128 // 1 KiB blocks of 64-bit words
	argon2SyncPoints = 4   // slices per pass
)

type argon2Block [argon2BlockWords]uint64

// argon2dKey derives keyLen bytes from password and salt with Argon2d
// version 0x13. secret and data are the optional K and X inputs. time and
// threads must be at least 1; memory is in KiB and, as x/crypto/argon2
// does, is rounded down to a multiple of 4 × threads and raised to at
// least 8 × threads.
func argon2dKey(password, salt, secret, data []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	lanes := uint32(threads)
	h0 := argon2H0(password, salt, secret, data, time, memory, lanes, keyLen)
	memory = memory / (argon2SyncPoints * lanes) * (argon2SyncPoints * lanes)
	if memory < 2*argon2SyncPoints*lanes {
		memory = 2 * argon2SyncPoints * lanes
	}
	laneLen := memory / lanes
	segLen := laneLen / argon2SyncPoints
	b := make([]argon2Block, memory)

	// The first two blocks of each lane come from H0 (RFC 9106 §3.2 steps 3-4).
	var in [blake2b.Size + 8]byte
	copy(in[:], h0[:])
	var buf [argon2BlockWords * 8]byte
	for l := range lanes {
		for j := range uint32(2) {
			binary.LittleEndian.PutUint32(in[blake2b.Size:], j)
			binary.LittleEndian.PutUint32(in[blake2b.Size+4:], l)
			argon2Hprime(buf[:], in[:])
			for k := range b[l*laneLen+j] {
				b[l*laneLen+j][k] = binary.LittleEndian.Uint64(buf[8*k:])
			}
		}
	}

	for pass := range time {
		for slice := range uint32(argon2SyncPoints) {
			for l := range lanes {
				start := uint32(0)
				if pass == 0 && slice == 0 {
					start = 2
				}
				for idx := start; idx < segLen; idx++ {
					cur := l*laneLen + slice*segLen + idx
					prev := cur - 1
					if cur%laneLen == 0 {
						prev = cur + laneLen - 1
					}
					ref := argon2dRef(b[prev][0], pass, slice, l, idx, lanes, laneLen, segLen)
					argon2G(&b[cur], &b[prev], &b[ref], pass > 0)
				}
			}
		}
	}

	// Final block: XOR of every lane's last block (§3.2 step 7).
	var c argon2Block
	for l := range lanes {
		for k, w := range b[l*laneLen+laneLen-1] {
			c[k] ^= w
		}
	}
	for k, w := range c {
		binary.LittleEndian.PutUint64(buf[8*k:], w)
	}
	out := make([]byte, keyLen)
	argon2Hprime(out, buf[:])
	return out
}

// argon2H0 is the 64-byte pre-hashing digest H_0 (§3.2 step 2).
func argon2H0(password, salt, secret, data []byte, time, memory, lanes, keyLen uint32) [blake2b.Size]byte {
	h, _ := blake2b.New512(nil)
	var n [4]byte
	put := func(v uint32) {
		binary.LittleEndian.PutUint32(n[:], v)
		h.Write(n[:])
	}
	put(lanes)
	put(keyLen)
	put(memory)
	put(time)
	put(argon2Version)
	put(argon2TypeD)
	for _, s := range [][]byte{password, salt, secret, data} {
		put(uint32(len(s)))
		h.Write(s)
	}
	var out [blake2b.Size]byte
	h.Sum(out[:0])
	return out
}

// argon2Hprime is the variable-length hash H' (§3.3), filling out.
func argon2Hprime(out, in []byte) {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(out)))
	if len(out) <= blake2b.Size {
		h, _ := blake2b.New(len(out), nil)
		h.Write(n[:])
		h.Write(in)
		h.Sum(out[:0])
		return
	}
	h, _ := blake2b.New512(nil)
	h.Write(n[:])
	h.Write(in)
	var v [blake2b.Size]byte
	h.Sum(v[:0])
	// V_1 .. V_r contribute their first 32 bytes; V_{r+1} is the rest.
	r := (len(out)+31)/32 - 2
	copy(out, v[:32])
	for i := 1; i < r; i++ {
		v = blake2b.Sum512(v[:])
		copy(out[32*i:], v[:32])
	}
	last, _ := blake2b.New(len(out)-32*r, nil)
	last.Write(v[:])
	last.Sum(out[32*r : 32*r])
}

// argon2dRef returns the index in memory of the reference block for
// block idx of the given segment, from the first word of the previous
// block (§3.4.1.1 J_1, J_2 and §3.4.2 mapping).
func argon2dRef(rand uint64, pass, slice, lane, idx, lanes, laneLen, segLen uint32) uint32 {
	refLane := uint32(rand>>32) % lanes
	if pass == 0 && slice == 0 {
		refLane = lane
	}
	// area is |W|; start is the lane position W begins at.
	var area, start uint32
	if pass == 0 {
		area = slice * segLen
	} else {
		area = (argon2SyncPoints - 1) * segLen
		start = (slice + 1) % argon2SyncPoints * segLen
	}
	if refLane == lane {
		area += idx - 1 // blocks of this segment before the previous one
	} else if idx == 0 {
		area-- // the last block of W may still be written by its lane
	}
	x := uint64(uint32(rand))
	x = x * x >> 32
	y := uint64(area) * x >> 32
	pos := (uint64(start) + uint64(area) - 1 - y) % uint64(laneLen)
	return refLane*laneLen + uint32(pos)
}

// argon2G is the compression function G (§3.5): dst = G(x, y), or
// dst ^= G(x, y) when xor is set (passes after the first, version 0x13).
func argon2G(dst, x, y *argon2Block, xor bool) {
	var r, q argon2Block
	for i := range r {
		r[i] = x[i] ^ y[i]
	}
	q = r
	for row := 0; row < 8; row++ {
		w := q[16*row : 16*row+16]
		argon2P(&w[0], &w[1], &w[2], &w[3], &w[4], &w[5], &w[6], &w[7],
			&w[8], &w[9], &w[10], &w[11], &w[12], &w[13], &w[14], &w[15])
	}
	for col := 0; col < 8; col++ {
		i := 2 * col
		argon2P(&q[i], &q[i+1], &q[i+16], &q[i+17], &q[i+32], &q[i+33], &q[i+48], &q[i+49],
			&q[i+64], &q[i+65], &q[i+80], &q[i+81], &q[i+96], &q[i+97], &q[i+112], &q[i+113])
	}
	if xor {
		for i := range dst {
			dst[i] ^= q[i] ^ r[i]
		}
		return
	}
	for i := range dst {
		dst[i] = q[i] ^ r[i]
	}
}

// argon2P is the permutation P (§3.6) on sixteen 64-bit words.
func argon2P(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15 *uint64) {
	argon2GB(v0, v4, v8, v12)
	argon2GB(v1, v5, v9, v13)
	argon2GB(v2, v6, v10, v14)
	argon2GB(v3, v7, v11, v15)
	argon2GB(v0, v5, v10, v15)
	argon2GB(v1, v6, v11, v12)
	argon2GB(v2, v7, v8, v13)
	argon2GB(v3, v4, v9, v14)
}

// argon2GB is BLAKE2b's G with the multiplications Argon2 adds (§3.6).
func argon2GB(a, b, c, d *uint64) {
	fBlaMka := func(x, y uint64) uint64 { return x + y + 2*uint64(uint32(x))*uint64(uint32(y)) }
	*a = fBlaMka(*a, *b)
	*d = bits.RotateLeft64(*d^*a, -32)
	*c = fBlaMka(*c, *d)
	*b = bits.RotateLeft64(*b^*c, -24)
	*a = fBlaMka(*a, *b)
	*d = bits.RotateLeft64(*d^*a, -16)
	*c = fBlaMka(*c, *d)
	*b = bits.RotateLeft64(*b^*c, -63)
}
