package cipher

import (
	"testing"
)

// benchModes are the pairs benchmarked: every secure cipher (with
// hmac-sha2-256-etm where a MAC is needed, named by the cipher alone), plus
// classic MAC-and-encrypt for comparison.
func benchModes() []struct {
	name string
	m    mode
} {
	var out []struct {
		name string
		m    mode
	}
	for _, c := range SupportedCiphers() {
		m := mode{c, ""}
		if !IsAEAD(c) {
			m.mac = HMACSHA256ETM
		}
		out = append(out, struct {
			name string
			m    mode
		}{c, m})
	}
	for _, m := range []mode{{AES128CTR, HMACSHA256}, {AES128CTR, HMACSHA512ETM}} {
		out = append(out, struct {
			name string
			m    mode
		}{m.String(), m})
	}
	return out
}

const benchPayload = 32 * 1024

func BenchmarkSeal(b *testing.B) {
	for _, bm := range benchModes() {
		b.Run(bm.name, func(b *testing.B) {
			s, _ := newPair(b, bm.m, testKeys(b, bm.m, "bench"))
			pkt := buildPacket(make([]byte, benchPayload), s.BlockSize(), s.LengthInClear(), s.Overhead(), 0)
			n := len(pkt)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.Seal(uint32(i), pkt[:n])
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	for _, bm := range benchModes() {
		b.Run(bm.name, func(b *testing.B) {
			s, o := newPair(b, bm.m, testKeys(b, bm.m, "bench"))
			plain := buildPacket(make([]byte, benchPayload), s.BlockSize(), s.LengthInClear(), s.Overhead(), 0)
			pkt := make([]byte, len(plain), len(plain)+s.Overhead())
			hl := o.HeaderLen()
			b.SetBytes(int64(len(plain)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				copy(pkt, plain)
				wire := s.Seal(uint32(i), pkt[:len(plain)])
				b.StartTimer()
				if _, err := o.Length(uint32(i), wire[:hl]); err != nil {
					b.Fatal(err)
				}
				if _, err := o.Open(uint32(i), wire); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestZeroAllocs checks that sealing and opening in steady state make no
// heap allocation, in every mode.
func TestZeroAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts are checked in full runs")
	}
	for _, m := range allModes() {
		s, o := newPair(t, m, testKeys(t, m, "allocs"))
		plain := buildPacket(make([]byte, 1000), s.BlockSize(), s.LengthInClear(), s.Overhead(), 0)
		pkt := make([]byte, len(plain), len(plain)+s.Overhead())
		seq := uint32(0)
		allocs := testing.AllocsPerRun(50, func() {
			copy(pkt, plain)
			wire := s.Seal(seq, pkt[:len(plain)])
			if _, err := o.Length(seq, wire[:o.HeaderLen()]); err != nil {
				t.Fatal(err)
			}
			if _, err := o.Open(seq, wire); err != nil {
				t.Fatal(err)
			}
			seq++
		})
		if allocs != 0 {
			t.Errorf("%v: %.1f allocations per Seal+Open", m, allocs)
		}
	}
}
