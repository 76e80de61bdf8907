package cipher

import (
	stdcipher "crypto/cipher"
	"encoding/binary"
)

// This file holds AES-GCM as RFC 5647 defines it for SSH, with OpenSSH's
// names: packet_length travels in the clear as additional authenticated
// data, padding_length || payload || padding is encrypted, and a 16-byte
// tag follows. The 12-byte nonce is the derived IV, split into a 4-byte
// fixed field and an 8-byte invocation counter that grows by one per
// packet (RFC 5647 §7.1), independent of the sequence number.

const gcmTagSize = 16

type gcmState struct {
	aead  stdcipher.AEAD
	nonce [12]byte
}

func newGCMState(cs *cipherSpec, k Keys) (*gcmState, error) {
	b, err := cs.newBlock(k.Key)
	if err != nil {
		return nil, err
	}
	aead, err := stdcipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	g := &gcmState{aead: aead}
	copy(g.nonce[:], k.IV)
	return g, nil
}

// next advances the invocation counter, wrapping modulo 2^64.
func (g *gcmState) next() {
	c := binary.BigEndian.Uint64(g.nonce[4:])
	binary.BigEndian.PutUint64(g.nonce[4:], c+1)
}

type gcmSealer struct{ gcmState }

func (s *gcmSealer) BlockSize() int      { return 16 }
func (s *gcmSealer) Overhead() int       { return gcmTagSize }
func (s *gcmSealer) LengthInClear() bool { return true }

func (s *gcmSealer) Seal(seq uint32, pkt []byte) []byte {
	n := len(pkt)
	pkt = grow(pkt, gcmTagSize)
	s.aead.Seal(pkt[4:4], s.nonce[:], pkt[4:n], pkt[:4])
	s.next()
	return pkt[:n+gcmTagSize]
}

type gcmOpener struct{ gcmState }

func (o *gcmOpener) HeaderLen() int { return 4 }
func (o *gcmOpener) Overhead() int  { return gcmTagSize }

// Length reads packet_length from the clear; hdr is not modified.
func (o *gcmOpener) Length(seq uint32, hdr []byte) (uint32, error) {
	if len(hdr) < 4 {
		return 0, ErrPacketLength
	}
	n := binary.BigEndian.Uint32(hdr)
	if !alignedWithoutLength(n, 16) {
		return 0, ErrPacketLength
	}
	return n, nil
}

func (o *gcmOpener) Open(seq uint32, pkt []byte) ([]byte, error) {
	if !wholePacket(pkt, gcmTagSize) {
		return nil, ErrPacketLength
	}
	body := len(pkt) - gcmTagSize
	if (body-4)%16 != 0 {
		return nil, ErrPacketLength
	}
	if _, err := o.aead.Open(pkt[4:4], o.nonce[:], pkt[4:], pkt[:4]); err != nil {
		return nil, ErrMAC
	}
	o.next()
	return pkt[:body], nil
}
