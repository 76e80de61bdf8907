package cipher

import (
	"crypto/hmac"
	"encoding/binary"
	"hash"
)

// packetMAC computes the HMAC of RFC 4253 §6.4, MAC(key, seq || data),
// reusing one keyed hash and one output buffer so that each packet costs no
// allocation.
type packetMAC struct {
	h    hash.Hash
	size int     // bytes on the wire (the digest may be truncated)
	seq  [4]byte // scratch for the big-endian sequence number
	sum  []byte  // scratch, capacity h.Size()
}

func newPacketMAC(s *macSpec, key []byte) *packetMAC {
	h := hmac.New(s.newHash, key)
	return &packetMAC{h: h, size: s.size, sum: make([]byte, 0, h.Size())}
}

// compute returns MAC(seq || data), truncated to the wire size. The result
// aliases internal scratch and is valid until the next call.
func (m *packetMAC) compute(seq uint32, data []byte) []byte {
	m.h.Reset()
	binary.BigEndian.PutUint32(m.seq[:], seq)
	m.h.Write(m.seq[:])
	m.h.Write(data)
	return m.h.Sum(m.sum[:0])[:m.size]
}

// verify reports in constant time whether mac is MAC(seq || data).
func (m *packetMAC) verify(seq uint32, data, mac []byte) bool {
	return hmac.Equal(m.compute(seq, data), mac)
}

// grow returns pkt with room for n more bytes after len(pkt). The transport
// normally provides the capacity, so this only allocates if it does not.
func grow(pkt []byte, n int) []byte {
	if cap(pkt)-len(pkt) >= n {
		return pkt
	}
	p := make([]byte, len(pkt), len(pkt)+n)
	copy(p, pkt)
	return p
}
