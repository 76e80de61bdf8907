package cipher

import (
	"crypto/sha256"
	"encoding/binary"
	"testing"
)

// mode is one cipher × MAC pair; mac is "" for AEAD ciphers.
type mode struct{ cipher, mac string }

func (m mode) String() string {
	if m.mac == "" {
		return m.cipher
	}
	return m.cipher + "+" + m.mac
}

// allModes lists every pair NewSealer accepts, insecure ones included.
func allModes() []mode {
	var out []mode
	for _, c := range append(SupportedCiphers(), InsecureCiphers()...) {
		if IsAEAD(c) {
			out = append(out, mode{c, ""})
			continue
		}
		for _, m := range append(SupportedMACs(), InsecureMACs()...) {
			out = append(out, mode{c, m})
		}
	}
	return out
}

// expand stretches seed into n deterministic bytes.
func expand(seed string, n int) []byte {
	var out []byte
	for i := 0; len(out) < n; i++ {
		h := sha256.Sum256([]byte(seed + string(rune('a'+i%26)) + string(rune(i))))
		out = append(out, h[:]...)
	}
	return out[:n]
}

// testKeys derives key material of the right sizes for m from seed.
func testKeys(t testing.TB, m mode, seed string) Keys {
	t.Helper()
	iv, key, mk, err := KeySizes(m.cipher, m.mac)
	if err != nil {
		t.Fatalf("KeySizes(%v): %v", m, err)
	}
	return Keys{IV: expand(seed+"iv", iv), Key: expand(seed+"key", key), MAC: expand(seed+"mac", mk)}
}

func newPair(t testing.TB, m mode, k Keys) (Sealer, Opener) {
	t.Helper()
	s, err := NewSealer(m.cipher, m.mac, k)
	if err != nil {
		t.Fatalf("NewSealer(%v): %v", m, err)
	}
	o, err := NewOpener(m.cipher, m.mac, k)
	if err != nil {
		t.Fatalf("NewOpener(%v): %v", m, err)
	}
	return s, o
}

// buildPacket lays out packet_length || padding_length || payload ||
// padding following the package's padding contract, with spare capacity
// for the overhead. extra adds whole blocks of padding (≤ 255 total).
func buildPacket(payload []byte, block int, lengthInClear bool, overhead, extra int) []byte {
	aligned := 1 + len(payload)
	if !lengthInClear {
		aligned += 4
	}
	pad := block - aligned%block
	if pad < 4 {
		pad += block
	}
	pad += extra * block
	n := 4 + 1 + len(payload) + pad
	pkt := make([]byte, n, n+overhead)
	binary.BigEndian.PutUint32(pkt, uint32(n-4))
	pkt[4] = byte(pad)
	copy(pkt[5:], payload)
	for i := 5 + len(payload); i < n; i++ {
		pkt[i] = byte(i * 7)
	}
	return pkt
}

// openWire plays the transport's receive path on one whole wire packet.
func openWire(o Opener, seq uint32, wire []byte) ([]byte, error) {
	hl := o.HeaderLen()
	if len(wire) < hl {
		return nil, ErrPacketLength
	}
	n, err := o.Length(seq, wire[:hl])
	if err != nil {
		return nil, err
	}
	total := 4 + uint64(n) + uint64(o.Overhead())
	if total > uint64(len(wire)) || total < uint64(hl) {
		return nil, ErrPacketLength
	}
	return o.Open(seq, wire[:total])
}
