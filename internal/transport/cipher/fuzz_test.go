package cipher

import (
	"encoding/binary"
	"testing"
)

// fuzzModes is allModes plus the none state (index len(allModes())).
var fuzzModes = allModes()

func fuzzOpener(t testing.TB, sel uint8, seed []byte) (Opener, Sealer, string) {
	i := int(sel) % (len(fuzzModes) + 1)
	if i == len(fuzzModes) {
		return NewNoneOpener(), NewNoneSealer(), "none"
	}
	m := fuzzModes[i]
	k := testKeys(t, m, string(seed))
	s, o := newPair(t, m, k)
	return o, s, m.String()
}

// FuzzOpen feeds arbitrary bytes, keys and sequence numbers to every
// mode's Opener, along the transport's path (Length then Open) and to Open
// alone. It must return an error or a packet consistent with its length,
// never panic or index out of range.
func FuzzOpen(f *testing.F) {
	for i := 0; i <= len(fuzzModes); i++ {
		sel := uint8(i)
		_, s, _ := fuzzOpener(f, sel, []byte("seed"))
		pkt := buildPacket([]byte("fuzz seed payload"), s.BlockSize(), s.LengthInClear(), s.Overhead(), 0)
		wire := s.Seal(7, pkt)
		f.Add(sel, []byte("seed"), uint32(7), append([]byte(nil), wire...))
		f.Add(sel, []byte("seed"), uint32(7), append([]byte(nil), wire[:len(wire)/2]...))
		f.Add(sel, []byte("other"), uint32(0), []byte{0, 0, 0, 12, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
		f.Add(sel, []byte{}, uint32(0xffffffff), []byte{0xff, 0xff, 0xff, 0xff})
	}
	f.Fuzz(func(t *testing.T, sel uint8, seed []byte, seq uint32, data []byte) {
		o, _, name := fuzzOpener(t, sel, seed)
		buf := append([]byte(nil), data...)
		pt, err := openWire(o, seq, buf)
		if err == nil {
			checkOpened(t, name, pt, buf)
		}
		// Open alone, without Length, on a fresh opener.
		o, _, _ = fuzzOpener(t, sel, seed)
		buf = append(buf[:0], data...)
		if pt, err := o.Open(seq, buf); err == nil {
			checkOpened(t, name, pt, buf)
		}
	})
}

func checkOpened(t *testing.T, name string, pt, buf []byte) {
	t.Helper()
	if len(pt) < 4 || len(pt) > len(buf) || &pt[0] != &buf[0] {
		t.Fatalf("%s: Open returned %d bytes not aliasing the %d-byte input", name, len(pt), len(buf))
	}
	if n := binary.BigEndian.Uint32(pt); uint64(n)+4 != uint64(len(pt)) {
		t.Fatalf("%s: Open returned %d bytes for packet_length %d", name, len(pt), n)
	}
}
