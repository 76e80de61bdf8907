package cipher

import (
	"bytes"
	"errors"
	"testing"
)

func TestRoundTripAllModes(t *testing.T) {
	sizes := []int{0, 1, 3, 7, 8, 15, 16, 17, 31, 100, 255, 1000, 32768}
	for _, m := range allModes() {
		t.Run(m.String(), func(t *testing.T) {
			s, o := newPair(t, m, testKeys(t, m, m.String()))
			seq := uint32(0xffffffff - 3) // crosses the 2^32 wrap
			for i, size := range sizes {
				payload := expand("payload", size+1)[:size]
				pkt := buildPacket(payload, s.BlockSize(), s.LengthInClear(), s.Overhead(), i%3)
				want := append([]byte(nil), pkt...)
				wire := s.Seal(seq, pkt)
				if len(wire) != len(want)+s.Overhead() {
					t.Fatalf("seq %d: sealed %d bytes, want %d", seq, len(wire), len(want)+s.Overhead())
				}
				if bytes.Equal(wire[4:len(want)], want[4:]) {
					t.Fatalf("seq %d: payload was not encrypted", seq)
				}
				if o.Overhead() != s.Overhead() {
					t.Fatalf("opener overhead %d, sealer %d", o.Overhead(), s.Overhead())
				}
				got, err := openWire(o, seq, wire)
				if err != nil {
					t.Fatalf("seq %d size %d: %v", seq, size, err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("seq %d size %d: opened packet differs", seq, size)
				}
				seq++
			}
		})
	}
}

func TestNoneRoundTrip(t *testing.T) {
	s, o := NewNoneSealer(), NewNoneOpener()
	if s.BlockSize() != 8 || s.Overhead() != 0 || s.LengthInClear() || o.Overhead() != 0 {
		t.Fatal("none parameters wrong")
	}
	pkt := buildPacket([]byte("hello"), 8, false, 0, 0)
	want := append([]byte(nil), pkt...)
	got, err := openWire(o, 0, s.Seal(0, pkt))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("got %x, %v; want %x", got, err, want)
	}
	// Misaligned and too-short lengths are refused.
	for _, n := range []uint32{0, 4, 5, 11, 13} {
		hdr := []byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
		if _, err := o.Length(0, hdr); !errors.Is(err, ErrPacketLength) {
			t.Errorf("Length(%d) = %v, want ErrPacketLength", n, err)
		}
	}
	if _, err := o.Open(0, []byte{0, 0, 0, 12, 1, 2, 3}); !errors.Is(err, ErrPacketLength) {
		t.Errorf("short Open: %v", err)
	}
}

// TestTamper flips one bit at every offset of a sealed packet and checks
// the packet is never accepted, whether the change shows as a bad length,
// a size mismatch or a bad MAC.
func TestTamper(t *testing.T) {
	for _, m := range allModes() {
		t.Run(m.String(), func(t *testing.T) {
			k := testKeys(t, m, "tamper")
			s, _ := newPair(t, m, k)
			pkt := buildPacket([]byte("tamper-evident payload bytes"), s.BlockSize(), s.LengthInClear(), s.Overhead(), 1)
			wire := append([]byte(nil), s.Seal(42, pkt)...)
			for i := range wire {
				for _, bit := range []byte{0x01, 0x80} {
					_, o := newPair(t, m, k)
					bad := append([]byte(nil), wire...)
					bad[i] ^= bit
					got, err := openWire(o, 42, bad)
					if err == nil {
						t.Fatalf("flip %#x at %d accepted: %x", bit, i, got)
					}
					if !errors.Is(err, ErrMAC) && !errors.Is(err, ErrPacketLength) {
						t.Fatalf("flip at %d: untyped error %v", i, err)
					}
				}
			}
			// Wrong sequence number. AES-GCM does not use it (RFC 5647
			// §7.1 counts packets in the nonce instead), which the replay
			// check below covers.
			_, o := newPair(t, m, k)
			if !isGCM(m.cipher) {
				if _, err := openWire(o, 43, append([]byte(nil), wire...)); err == nil {
					t.Fatal("packet accepted under the wrong sequence number")
				}
			}
			// Replay: the same packet again as the next one.
			_, o = newPair(t, m, k)
			if _, err := openWire(o, 42, append([]byte(nil), wire...)); err != nil {
				t.Fatalf("genuine packet refused: %v", err)
			}
			if _, err := openWire(o, 43, append([]byte(nil), wire...)); err == nil {
				t.Fatal("replayed packet accepted")
			}
			// Truncated MAC.
			_, o = newPair(t, m, k)
			if _, err := o.Open(42, append([]byte(nil), wire[:len(wire)-1]...)); err == nil {
				t.Fatal("truncated packet accepted")
			}
		})
	}
}

// TestHeaderUntouched checks that modes whose MAC or tag covers the
// length ciphertext read it without modifying hdr.
func TestHeaderUntouched(t *testing.T) {
	for _, m := range allModes() {
		s, o := newPair(t, m, testKeys(t, m, "hdr"))
		if o.HeaderLen() != 4 {
			if s.LengthInClear() {
				t.Errorf("%v: LengthInClear but HeaderLen %d", m, o.HeaderLen())
			}
			continue
		}
		if !s.LengthInClear() {
			t.Errorf("%v: HeaderLen 4 but length is aligned with the payload", m)
		}
		wire := s.Seal(9, buildPacket([]byte("x"), s.BlockSize(), true, s.Overhead(), 0))
		before := append([]byte(nil), wire[:4]...)
		if _, err := o.Length(9, wire[:4]); err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		if !bytes.Equal(before, wire[:4]) {
			t.Errorf("%v: Length modified hdr", m)
		}
	}
}

func TestLengthChecks(t *testing.T) {
	for _, m := range allModes() {
		s, _ := newPair(t, m, testKeys(t, m, "len"))
		_, o := newPair(t, m, testKeys(t, m, "len"))
		if _, err := o.Length(0, make([]byte, o.HeaderLen()-1)); !errors.Is(err, ErrPacketLength) {
			t.Errorf("%v: short header: %v", m, err)
		}
		if _, err := o.Open(0, nil); err == nil {
			t.Errorf("%v: empty Open accepted", m)
		}
		if !s.LengthInClear() {
			continue
		}
		// Lengths in the clear (or decrypted with the header key) must be
		// aligned and at least minPacketLength.
		for _, n := range []uint32{0, 4, uint32(s.BlockSize()) + 1, 0xffffffff} {
			_, o := newPair(t, m, testKeys(t, m, "len"))
			hdr := []byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
			if m.cipher == ChaCha20Poly1305 {
				sealed := s.Seal(5, append(hdr, make([]byte, 4, 4+16)...))
				hdr = sealed[:4]
				s, _ = newPair(t, m, testKeys(t, m, "len"))
			}
			if _, err := o.Length(5, hdr); !errors.Is(err, ErrPacketLength) {
				t.Errorf("%v: Length(%d) = %v, want ErrPacketLength", m, n, err)
			}
		}
	}
}

func isGCM(c string) bool { return c == AES128GCM || c == AES256GCM }

// TestSealWithoutSpareCapacity checks Seal still works, by copying, when
// the transport forgets the room for the MAC or tag.
func TestSealWithoutSpareCapacity(t *testing.T) {
	for _, m := range allModes() {
		s, o := newPair(t, m, testKeys(t, m, "cap"))
		pkt := buildPacket([]byte("no room"), s.BlockSize(), s.LengthInClear(), 0, 0)
		pkt = pkt[:len(pkt):len(pkt)]
		want := append([]byte(nil), pkt...)
		wire := s.Seal(1, pkt)
		got, err := openWire(o, 1, wire)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%v: %v", m, err)
		}
	}
}
