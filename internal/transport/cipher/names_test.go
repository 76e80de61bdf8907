package cipher

import (
	"errors"
	"slices"
	"testing"
)

func TestKeySizes(t *testing.T) {
	cases := []struct {
		cipher, mac     string
		iv, key, macKey int
	}{
		{ChaCha20Poly1305, "", 0, 64, 0},
		{ChaCha20Poly1305, HMACSHA256, 0, 64, 0}, // MAC ignored
		{AES128GCM, "", 12, 16, 0},
		{AES256GCM, "whatever", 12, 32, 0},
		{AES128CTR, HMACSHA256, 16, 16, 32},
		{AES192CTR, HMACSHA512ETM, 16, 24, 64},
		{AES256CTR, HMACSHA1, 16, 32, 20},
		{AES256CTR, HMACSHA196, 16, 32, 20},
		{AES128CBC, HMACSHA1ETM, 16, 16, 20},
		{TripleDESCBC, HMACSHA256ETM, 8, 24, 32},
	}
	for _, c := range cases {
		iv, key, mk, err := KeySizes(c.cipher, c.mac)
		if err != nil || iv != c.iv || key != c.key || mk != c.macKey {
			t.Errorf("KeySizes(%s, %s) = %d, %d, %d, %v; want %d, %d, %d", c.cipher, c.mac, iv, key, mk, err, c.iv, c.key, c.macKey)
		}
	}
	for _, c := range [][2]string{{"aes128-cfb", HMACSHA256}, {AES128CTR, ""}, {AES128CTR, "umac-64@openssh.com"}, {None, None}} {
		if _, _, _, err := KeySizes(c[0], c[1]); !errors.Is(err, ErrUnsupported) {
			t.Errorf("KeySizes(%q, %q) = %v, want ErrUnsupported", c[0], c[1], err)
		}
	}
}

func TestLists(t *testing.T) {
	for _, c := range SupportedCiphers() {
		if cipherSpecs[c] == nil || cipherSpecs[c].insecure || IsInsecure(c) {
			t.Errorf("supported cipher %s is unknown or insecure", c)
		}
	}
	for _, c := range InsecureCiphers() {
		if !IsInsecure(c) || slices.Contains(DefaultCiphers(), c) {
			t.Errorf("insecure cipher %s misfiled", c)
		}
	}
	for _, m := range SupportedMACs() {
		if macSpecs[m] == nil || IsInsecure(m) {
			t.Errorf("supported MAC %s is unknown or insecure", m)
		}
	}
	for _, m := range InsecureMACs() {
		if !IsInsecure(m) || slices.Contains(DefaultMACs(), m) {
			t.Errorf("insecure MAC %s misfiled", m)
		}
	}
	if n := len(cipherSpecs); n != len(SupportedCiphers())+len(InsecureCiphers()) {
		t.Errorf("%d ciphers implemented but not all listed", n)
	}
	if n := len(macSpecs); n != len(SupportedMACs())+len(InsecureMACs()) {
		t.Errorf("%d MACs implemented but not all listed", n)
	}
	d := DefaultCiphers()
	if !slices.Equal(slices.Sorted(slices.Values(d)), slices.Sorted(slices.Values(SupportedCiphers()))) {
		t.Errorf("DefaultCiphers %v is not a permutation of SupportedCiphers", d)
	}
	wantFirst := ChaCha20Poly1305
	if hasGCMHardware {
		wantFirst = AES128GCM
	}
	if d[0] != wantFirst {
		t.Errorf("DefaultCiphers()[0] = %s, want %s (hasGCMHardware=%v)", d[0], wantFirst, hasGCMHardware)
	}
	// Encrypt-then-MAC first.
	seenPlain := false
	for _, m := range DefaultMACs() {
		if macSpecs[m].etm && seenPlain {
			t.Errorf("DefaultMACs %v: ETM %s after a non-ETM MAC", DefaultMACs(), m)
		}
		seenPlain = seenPlain || !macSpecs[m].etm
	}
	// Callers own the slices.
	SupportedCiphers()[0] = "x"
	if SupportedCiphers()[0] == "x" {
		t.Error("SupportedCiphers shares its backing array")
	}
	if !IsAEAD(ChaCha20Poly1305) || !IsAEAD(AES128GCM) || !IsAEAD(AES256GCM) || IsAEAD(AES128CTR) || IsAEAD("nope") {
		t.Error("IsAEAD wrong")
	}
}

func TestRekeyBytes(t *testing.T) {
	if got := RekeyBytes(AES128CTR); got != 1<<30 {
		t.Errorf("aes128-ctr: %d", got)
	}
	if got := RekeyBytes(ChaCha20Poly1305); got != 1<<30 {
		t.Errorf("chacha: %d", got)
	}
	// RFC 4344 §3.2: 2^(64/4) blocks of 8 bytes.
	if got := RekeyBytes(TripleDESCBC); got != 8<<16 {
		t.Errorf("3des-cbc: %d", got)
	}
}

func TestWrongKeyLengths(t *testing.T) {
	for _, m := range allModes() {
		good := testKeys(t, m, "k")
		bad := []Keys{
			{IV: append(good.IV, 0), Key: good.Key, MAC: good.MAC},
			{IV: good.IV, Key: good.Key[:len(good.Key)-1], MAC: good.MAC},
		}
		if m.mac != "" {
			bad = append(bad, Keys{IV: good.IV, Key: good.Key, MAC: good.MAC[1:]})
		}
		for i, k := range bad {
			if _, err := NewSealer(m.cipher, m.mac, k); !errors.Is(err, ErrKeySize) {
				t.Errorf("%v case %d: NewSealer: %v", m, i, err)
			}
			if _, err := NewOpener(m.cipher, m.mac, k); !errors.Is(err, ErrKeySize) {
				t.Errorf("%v case %d: NewOpener: %v", m, i, err)
			}
		}
	}
	if _, err := NewSealer("arcfour", HMACSHA1, Keys{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("arcfour: %v", err)
	}
}

// TestKeysNotRetained checks the caller may wipe Keys after construction.
func TestKeysNotRetained(t *testing.T) {
	for _, m := range allModes() {
		k := testKeys(t, m, "wipe")
		s, o := newPair(t, m, k)
		clear(k.IV)
		clear(k.Key)
		clear(k.MAC)
		s2, o2 := newPair(t, m, testKeys(t, m, "wipe"))
		for seq := uint32(0); seq < 2; seq++ {
			p1 := buildPacket([]byte("abc"), s.BlockSize(), s.LengthInClear(), s.Overhead(), 0)
			p2 := append(make([]byte, 0, cap(p1)), p1...)
			w1, w2 := s.Seal(seq, p1), s2.Seal(seq, p2)
			if string(w1) != string(w2) {
				t.Fatalf("%v: output changed after wiping keys", m)
			}
			if _, err := openWire(o, seq, w1); err != nil {
				t.Fatalf("%v: %v", m, err)
			}
			if _, err := openWire(o2, seq, w2); err != nil {
				t.Fatalf("%v: %v", m, err)
			}
		}
	}
}
