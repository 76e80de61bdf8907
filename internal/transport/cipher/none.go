package cipher

import "encoding/binary"

// noneBlockSize is the alignment RFC 4253 §6 requires when no cipher is in
// force.
const noneBlockSize = 8

type noneSealer struct{}

// NewNoneSealer returns the Sealer for the unprotected state before the
// first SSH_MSG_NEWKEYS: no encryption, no MAC, 8-byte alignment.
func NewNoneSealer() Sealer { return noneSealer{} }

func (noneSealer) BlockSize() int                     { return noneBlockSize }
func (noneSealer) Overhead() int                      { return 0 }
func (noneSealer) LengthInClear() bool                { return false }
func (noneSealer) Seal(seq uint32, pkt []byte) []byte { return pkt }

type noneOpener struct{}

// NewNoneOpener returns the Opener for the unprotected state before the
// first SSH_MSG_NEWKEYS. It still enforces the 8-byte alignment and minimum
// size of RFC 4253 §6.
func NewNoneOpener() Opener { return noneOpener{} }

func (noneOpener) HeaderLen() int { return 4 }
func (noneOpener) Overhead() int  { return 0 }

func (noneOpener) Length(seq uint32, hdr []byte) (uint32, error) {
	if len(hdr) < 4 {
		return 0, ErrPacketLength
	}
	n := binary.BigEndian.Uint32(hdr)
	if !alignedWithLength(n, noneBlockSize) {
		return 0, ErrPacketLength
	}
	return n, nil
}

func (noneOpener) Open(seq uint32, pkt []byte) ([]byte, error) {
	if !wholePacket(pkt, 0) {
		return nil, ErrPacketLength
	}
	return pkt, nil
}

// minPacketLength is the smallest packet_length any mode accepts:
// padding_length plus four bytes of padding (RFC 4253 §6).
const minPacketLength = 5

// alignedWithLength checks a packet_length for modes that encrypt it with
// the rest of the packet: 4+n must be a multiple of the block size.
func alignedWithLength(n uint32, block int) bool {
	return n >= minPacketLength && (uint64(n)+4)%uint64(block) == 0
}

// alignedWithoutLength checks a packet_length for modes that leave it out
// of the aligned region: n itself must be a multiple of the block size.
func alignedWithoutLength(n uint32, block int) bool {
	return n >= minPacketLength && uint64(n)%uint64(block) == 0
}

// wholePacket reports whether pkt is exactly 4 + packet_length + overhead
// bytes, reading packet_length from its first four bytes (which must be
// plaintext by the time this is called).
func wholePacket(pkt []byte, overhead int) bool {
	if len(pkt) < 4+overhead {
		return false
	}
	return uint64(binary.BigEndian.Uint32(pkt))+4+uint64(overhead) == uint64(len(pkt))
}
