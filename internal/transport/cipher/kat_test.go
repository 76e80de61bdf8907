package cipher

import (
	"bytes"
	"crypto/aes"
	stdcipher "crypto/cipher"
	"crypto/des"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math/bits"
	"testing"

	"golang.org/x/crypto/chacha20"
	"golang.org/x/crypto/poly1305" //lint:ignore SA1019 needed to check the OpenSSH construction
)

// The expected bytes in this file are built step by step from the specs
// with standard primitives (AES block encryption, HMAC, GCM, Poly1305 and
// a ChaCha20 block function written out below), never by calling the code
// under test.

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// refChaChaBlock is the original ChaCha20 block function (Bernstein 2008),
// with a 64-bit block counter in words 12-13 and a 64-bit nonce in words
// 14-15, the variant PROTOCOL.chacha20poly1305 uses.
func refChaChaBlock(key []byte, counter uint64, nonce [8]byte) [64]byte {
	var x, in [16]uint32
	in[0], in[1], in[2], in[3] = 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574
	for i := 0; i < 8; i++ {
		in[4+i] = binary.LittleEndian.Uint32(key[4*i:])
	}
	in[12], in[13] = uint32(counter), uint32(counter>>32)
	in[14] = binary.LittleEndian.Uint32(nonce[0:])
	in[15] = binary.LittleEndian.Uint32(nonce[4:])
	x = in
	qr := func(a, b, c, d int) {
		x[a] += x[b]
		x[d] = bits.RotateLeft32(x[d]^x[a], 16)
		x[c] += x[d]
		x[b] = bits.RotateLeft32(x[b]^x[c], 12)
		x[a] += x[b]
		x[d] = bits.RotateLeft32(x[d]^x[a], 8)
		x[c] += x[d]
		x[b] = bits.RotateLeft32(x[b]^x[c], 7)
	}
	for i := 0; i < 10; i++ {
		qr(0, 4, 8, 12)
		qr(1, 5, 9, 13)
		qr(2, 6, 10, 14)
		qr(3, 7, 11, 15)
		qr(0, 5, 10, 15)
		qr(1, 6, 11, 12)
		qr(2, 7, 8, 13)
		qr(3, 4, 9, 14)
	}
	var out [64]byte
	for i := range x {
		binary.LittleEndian.PutUint32(out[4*i:], x[i]+in[i])
	}
	return out
}

// refChaChaXOR XORs data with the keystream starting at block counter.
func refChaChaXOR(key []byte, counter uint64, nonce [8]byte, data []byte) {
	for off := 0; off < len(data); off += 64 {
		ks := refChaChaBlock(key, counter, nonce)
		counter++
		for i := 0; i < 64 && off+i < len(data); i++ {
			data[off+i] ^= ks[i]
		}
	}
}

// TestChaChaPublishedVectors pins the reference block function and the
// nonce mapping used with x/crypto/chacha20 to published vectors.
func TestChaChaPublishedVectors(t *testing.T) {
	// RFC 8439 A.1 test vector #1: zero key, zero nonce, counter 0.
	zeroKS := unhex(t, "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"+
		"da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586")
	if got := refChaChaBlock(make([]byte, 32), 0, [8]byte{}); !bytes.Equal(got[:], zeroKS) {
		t.Fatalf("reference block: %x", got)
	}

	// RFC 8439 §2.6.2 Poly1305 key generation: key 80..9f, 96-bit nonce
	// 00000000 0001020304050607. Its first four bytes are zero, so it is
	// also the OpenSSH layout with the 64-bit nonce 0001020304050607.
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(0x80 + i)
	}
	wantPoly := unhex(t, "8ad5a08b905f81cc815040274ab29471a833b637e3fd0da508dbb8e2fdd1a646")
	ref := refChaChaBlock(key, 0, [8]byte{0, 1, 2, 3, 4, 5, 6, 7})
	if !bytes.Equal(ref[:32], wantPoly) {
		t.Fatalf("reference poly key: %x", ref[:32])
	}
	c, err := chacha20.NewUnauthenticatedCipher(key, []byte{0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 32)
	c.XORKeyStream(got, got)
	if !bytes.Equal(got, wantPoly) {
		t.Fatalf("x/crypto poly key: %x", got)
	}

	// RFC 8439 §2.5.2 Poly1305 tag.
	var pk [32]byte
	copy(pk[:], unhex(t, "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"))
	var tag [16]byte
	poly1305.Sum(&tag, []byte("Cryptographic Forum Research Group"), &pk)
	if want := unhex(t, "a8061dc1305136c6c22b8baf0c0127a9"); !bytes.Equal(tag[:], want) {
		t.Fatalf("poly1305 tag %x", tag)
	}
}

func TestKATChaCha20Poly1305(t *testing.T) {
	key := make([]byte, 64)
	for i := range key {
		key[i] = byte(i*3 + 1)
	}
	s, o := newPair(t, mode{ChaCha20Poly1305, ""}, Keys{Key: key})
	for i, seq := range []uint32{0, 1, 0x01020304, 0xffffffff} {
		pkt := buildPacket(expand("chacha", 40+i*30), 8, true, 16, i)
		plain := append([]byte(nil), pkt...)

		// Expected, per PROTOCOL.chacha20poly1305.
		var nonce [8]byte
		binary.BigEndian.PutUint64(nonce[:], uint64(seq))
		mainKey, headerKey := key[:32], key[32:]
		want := append([]byte(nil), plain...)
		refChaChaXOR(headerKey, 0, nonce, want[:4])
		refChaChaXOR(mainKey, 1, nonce, want[4:])
		blk := refChaChaBlock(mainKey, 0, nonce)
		var pk [32]byte
		copy(pk[:], blk[:32])
		var tag [16]byte
		poly1305.Sum(&tag, want, &pk)
		want = append(want, tag[:]...)

		wire := s.Seal(seq, pkt)
		if !bytes.Equal(wire, want) {
			t.Fatalf("seq %#x:\n got %x\nwant %x", seq, wire, want)
		}
		got, err := openWire(o, seq, wire)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("seq %#x: open: %v", seq, err)
		}
	}
}

// refBlockMode computes what a CTR or CBC cipher with an HMAC puts on the
// wire for a run of packets, following RFC 4253 §6.3/§6.4, RFC 4344 §4
// and OpenSSH PROTOCOL §1.7.
type refBlockMode struct {
	b       stdcipher.Block
	ctr     bool
	state   []byte // CTR counter X, or the CBC chaining block
	macKey  []byte
	newHash func() hash.Hash
	macLen  int
	etm     bool
}

func (r *refBlockMode) encrypt(data []byte) {
	bs := r.b.BlockSize()
	buf := make([]byte, bs)
	for off := 0; off < len(data); off += bs {
		blk := data[off : off+bs]
		if r.ctr {
			r.b.Encrypt(buf, r.state)
			for i := range blk {
				blk[i] ^= buf[i]
			}
			// X is an L-bit big-endian integer incremented modulo 2^L.
			for i := len(r.state) - 1; i >= 0; i-- {
				r.state[i]++
				if r.state[i] != 0 {
					break
				}
			}
		} else {
			for i := range blk {
				blk[i] ^= r.state[i]
			}
			r.b.Encrypt(blk, blk)
			copy(r.state, blk)
		}
	}
}

func (r *refBlockMode) seal(seq uint32, pkt []byte) []byte {
	out := append([]byte(nil), pkt...)
	m := hmac.New(r.newHash, r.macKey)
	var s [4]byte
	binary.BigEndian.PutUint32(s[:], seq)
	m.Write(s[:])
	if r.etm {
		r.encrypt(out[4:])
		m.Write(out)
		return append(out, m.Sum(nil)[:r.macLen]...)
	}
	m.Write(pkt)
	r.encrypt(out)
	return append(out, m.Sum(nil)[:r.macLen]...)
}

func TestKATBlockModes(t *testing.T) {
	cases := []struct {
		m       mode
		newHash func() hash.Hash
		macLen  int
	}{
		{mode{AES128CTR, HMACSHA256}, sha256.New, 32},
		{mode{AES192CTR, HMACSHA1}, sha1.New, 20},
		{mode{AES256CTR, HMACSHA512}, sha512.New, 64},
		{mode{AES128CTR, HMACSHA256ETM}, sha256.New, 32},
		{mode{AES256CTR, HMACSHA512ETM}, sha512.New, 64},
		{mode{AES192CTR, HMACSHA1ETM}, sha1.New, 20},
		{mode{AES128CBC, HMACSHA196}, sha1.New, 12},
		{mode{AES256CBC, HMACSHA256ETM}, sha256.New, 32},
		{mode{TripleDESCBC, HMACSHA1}, sha1.New, 20},
	}
	for _, tc := range cases {
		t.Run(tc.m.String(), func(t *testing.T) {
			k := testKeys(t, tc.m, "kat")
			// An IV whose low 64 bits are about to wrap, so the CTR carry
			// crosses into the high half.
			for i := len(k.IV) / 2; i < len(k.IV); i++ {
				k.IV[i] = 0xff
			}
			k.IV[len(k.IV)-1] = 0xfe
			var b stdcipher.Block
			var err error
			if tc.m.cipher == TripleDESCBC {
				b, err = des.NewTripleDESCipher(k.Key)
			} else {
				b, err = aes.NewCipher(k.Key)
			}
			if err != nil {
				t.Fatal(err)
			}
			ref := &refBlockMode{
				b: b, ctr: cipherSpecs[tc.m.cipher].kind == kindCTR, state: append([]byte(nil), k.IV...),
				macKey: k.MAC, newHash: tc.newHash, macLen: tc.macLen, etm: macSpecs[tc.m.mac].etm,
			}
			s, o := newPair(t, tc.m, k)
			if s.LengthInClear() != ref.etm {
				t.Fatalf("LengthInClear %v", s.LengthInClear())
			}
			for i, seq := range []uint32{0xfffffffe, 0xffffffff, 0, 1} {
				pkt := buildPacket(expand("kat", 20+i*13), b.BlockSize(), ref.etm, tc.macLen, i%2)
				plain := append([]byte(nil), pkt...)
				want := ref.seal(seq, plain)
				wire := s.Seal(seq, pkt)
				if !bytes.Equal(wire, want) {
					t.Fatalf("packet %d seq %#x:\n got %x\nwant %x", i, seq, wire, want)
				}
				got, err := openWire(o, seq, wire)
				if err != nil || !bytes.Equal(got, plain) {
					t.Fatalf("packet %d: open: %v", i, err)
				}
			}
		})
	}
}

func TestKATGCM(t *testing.T) {
	for _, name := range []string{AES128GCM, AES256GCM} {
		t.Run(name, func(t *testing.T) {
			k := testKeys(t, mode{name, ""}, "gcm")
			// Invocation counter one short of wrapping: RFC 5647 §7.1 makes
			// it a 64-bit counter, so the fixed field must not change.
			fixed := append([]byte(nil), k.IV[:4]...)
			binary.BigEndian.PutUint64(k.IV[4:], 0xfffffffffffffffe)
			b, err := aes.NewCipher(k.Key)
			if err != nil {
				t.Fatal(err)
			}
			gcm, err := stdcipher.NewGCM(b)
			if err != nil {
				t.Fatal(err)
			}
			s, o := newPair(t, mode{name, ""}, k)
			counters := []uint64{0xfffffffffffffffe, 0xffffffffffffffff, 0, 1}
			for i, ctr := range counters {
				pkt := buildPacket(expand("gcm", 10+i*21), 16, true, 16, i%2)
				plain := append([]byte(nil), pkt...)
				nonce := append(append([]byte(nil), fixed...), make([]byte, 8)...)
				binary.BigEndian.PutUint64(nonce[4:], ctr)
				want := append([]byte(nil), plain[:4]...)
				want = gcm.Seal(want, nonce, plain[4:], plain[:4])
				seq := uint32(100 + i) // ignored by GCM
				wire := s.Seal(seq, pkt)
				if !bytes.Equal(wire, want) {
					t.Fatalf("packet %d:\n got %x\nwant %x", i, wire, want)
				}
				got, err := openWire(o, seq, wire)
				if err != nil || !bytes.Equal(got, plain) {
					t.Fatalf("packet %d: open: %v", i, err)
				}
			}
		})
	}
}
