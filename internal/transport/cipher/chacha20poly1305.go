package cipher

import (
	"encoding/binary"

	"github.com/ssh2go/ssh2/internal/transport/cipher/chacha"
	"github.com/ssh2go/ssh2/internal/transport/cipher/poly1305"
)

// This file holds chacha20-poly1305@openssh.com (PROTOCOL.chacha20poly1305).
// The 64-byte key splits in two: bytes 0..31 key the main instance
// ("K_2" in the spec) that makes the Poly1305 key (block 0) and encrypts
// padding_length || payload || padding (from block 1); bytes 32..63 key the
// header instance ("K_1") that only encrypts the 4-byte packet_length
// (block 0). Both use the sequence number as a 64-bit big-endian nonce. The
// tag covers the encrypted length and the ciphertext.
//
// OpenSSH uses the original ChaCha20 (64-bit counter, 64-bit nonce), which
// the chacha package implements directly (with AVX2 assembly on amd64); the
// poly1305 package vectorises the MAC over full-size packets.

const chachaTagSize = poly1305.TagSize

type chachaState struct {
	mainKey   [chacha.KeySize]byte
	headerKey [chacha.KeySize]byte
	nonce     [chacha.NonceSize]byte
	polyKey   [32]byte
	block     [chacha.BlockSize]byte
	tag       [chachaTagSize]byte

	// The header keystream for lenSeq, kept because an opener needs it
	// twice per packet (Length, then Open).
	lenKS    [4]byte
	lenSeq   uint32
	lenValid bool
}

func newChaChaState(k Keys) *chachaState {
	s := &chachaState{}
	copy(s.mainKey[:], k.Key[:32])
	copy(s.headerKey[:], k.Key[32:64])
	return s
}

func (s *chachaState) setSeq(seq uint32) {
	binary.BigEndian.PutUint64(s.nonce[:], uint64(seq))
}

// xorLength applies the header keystream for sequence number seq to the
// four bytes at dst from src.
func (s *chachaState) xorLength(seq uint32, dst, src []byte) {
	if !s.lenValid || s.lenSeq != seq {
		var nonce [chacha.NonceSize]byte
		binary.BigEndian.PutUint64(nonce[:], uint64(seq))
		chacha.Block(&s.block, &s.headerKey, &nonce, 0)
		copy(s.lenKS[:], s.block[:4])
		s.lenSeq, s.lenValid = seq, true
	}
	_ = src[3]
	_ = dst[3]
	for i := 0; i < 4; i++ {
		dst[i] = src[i] ^ s.lenKS[i]
	}
}

// crypt derives the Poly1305 key for the current nonce from block 0 of the
// main instance into s.polyKey, then XORs data with the main keystream from
// block 1. If tagged is not nil (opening), it first verifies that the
// last 16 bytes of tagged are the Poly1305 tag of the bytes before them and,
// if not, returns false without touching data. Nothing here allocates.
func (s *chachaState) crypt(data, tagged []byte) bool {
	chacha.Block(&s.block, &s.mainKey, &s.nonce, 0)
	copy(s.polyKey[:], s.block[:32])
	if tagged != nil {
		body := len(tagged) - chachaTagSize
		copy(s.tag[:], tagged[body:])
		if !poly1305.Verify(&s.tag, tagged[:body], &s.polyKey) {
			return false
		}
	}
	chacha.XORKeyStream(data, data, &s.mainKey, &s.nonce, 1)
	return true
}

type chachaSealer struct{ chachaState }

func (s *chachaSealer) BlockSize() int      { return 8 }
func (s *chachaSealer) Overhead() int       { return chachaTagSize }
func (s *chachaSealer) LengthInClear() bool { return true }

func (s *chachaSealer) Seal(seq uint32, pkt []byte) []byte {
	n := len(pkt)
	pkt = grow(pkt, chachaTagSize)
	s.setSeq(seq)
	s.xorLength(seq, pkt[:4], pkt[:4])
	s.crypt(pkt[4:n], nil)
	poly1305.Sum(&s.tag, pkt[:n], &s.polyKey)
	return append(pkt, s.tag[:]...)
}

type chachaOpener struct {
	chachaState
	hdr [4]byte
}

func (o *chachaOpener) HeaderLen() int { return 4 }
func (o *chachaOpener) Overhead() int  { return chachaTagSize }

// Length decrypts packet_length into a copy: the tag covers the encrypted
// bytes, so hdr is left untouched for Open.
func (o *chachaOpener) Length(seq uint32, hdr []byte) (uint32, error) {
	if len(hdr) < 4 {
		return 0, ErrPacketLength
	}
	o.xorLength(seq, o.hdr[:], hdr)
	n := binary.BigEndian.Uint32(o.hdr[:])
	if !alignedWithoutLength(n, 8) {
		return 0, ErrPacketLength
	}
	return n, nil
}

func (o *chachaOpener) Open(seq uint32, pkt []byte) ([]byte, error) {
	if len(pkt) < 4+chachaTagSize {
		return nil, ErrPacketLength
	}
	body := len(pkt) - chachaTagSize
	o.setSeq(seq)
	o.xorLength(seq, o.hdr[:], pkt)
	if uint64(binary.BigEndian.Uint32(o.hdr[:]))+4 != uint64(body) || (body-4)%8 != 0 {
		return nil, ErrPacketLength
	}
	if !o.crypt(pkt[4:body], pkt) {
		return nil, ErrMAC
	}
	copy(pkt[:4], o.hdr[:])
	return pkt[:body], nil
}
