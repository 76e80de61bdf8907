package kex

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"slices"
	"testing"
)

var wantHash = map[string]crypto.Hash{
	MLKEM768X25519SHA256:   crypto.SHA256,
	Curve25519SHA256:       crypto.SHA256,
	Curve25519SHA256LibSSH: crypto.SHA256,
	ECDHSHA2NISTP256:       crypto.SHA256,
	ECDHSHA2NISTP384:       crypto.SHA384,
	ECDHSHA2NISTP521:       crypto.SHA512,
	DHGEXSHA256:            crypto.SHA256,
	DHGroup16SHA512:        crypto.SHA512,
	DHGroup18SHA512:        crypto.SHA512,
	DHGroup14SHA256:        crypto.SHA256,
	DHGroup14SHA1:          crypto.SHA1,
	DHGroup1SHA1:           crypto.SHA1,
	DHGEXSHA1:              crypto.SHA1,
}

func TestNames(t *testing.T) {
	if len(wantHash) != len(allNames()) {
		t.Fatalf("%d names, want %d", len(allNames()), len(wantHash))
	}
	for _, n := range Insecure() {
		if slices.Contains(Supported(), n) {
			t.Errorf("insecure %q in Supported", n)
		}
	}
	if Supported()[0] != MLKEM768X25519SHA256 {
		t.Errorf("first preference is %q", Supported()[0])
	}
	if _, ok := Lookup("sntrup761x25519-sha512@openssh.com"); ok {
		t.Error("Lookup accepted an unimplemented method")
	}
	if _, ok := Lookup(""); ok {
		t.Error("Lookup accepted an empty name")
	}
	s := Supported()
	s[0] = "x"
	if Supported()[0] == "x" {
		t.Error("Supported shares its slice")
	}
}

// TestRoundTrip runs every method's client against its server.
func TestRoundTrip(t *testing.T) {
	for _, name := range allNames() {
		t.Run(name, func(t *testing.T) {
			m := mustLookup(t, name)
			cr, sr, _, _, cerr, serr := runPair(m, rand.Reader, rand.Reader)
			if cerr != nil || serr != nil {
				t.Fatalf("client: %v, server: %v", cerr, serr)
			}
			if !bytes.Equal(cr.H, sr.H) || len(cr.H) != wantHash[name].Size() {
				t.Fatalf("H differs or has the wrong size:\n%x\n%x", cr.H, sr.H)
			}
			if !bytes.Equal(cr.K, sr.K) || len(cr.K) < 5 {
				t.Fatalf("K differs:\n%x\n%x", cr.K, sr.K)
			}
			if cr.Hash != wantHash[name] || sr.Hash != wantHash[name] {
				t.Fatalf("Hash %v/%v, want %v", cr.Hash, sr.Hash, wantHash[name])
			}
			hk := newTestHostKey()
			if !bytes.Equal(cr.HostKey, hk.PublicKey()) || !bytes.Equal(sr.HostKey, hk.PublicKey()) {
				t.Fatal("HostKey is not K_S")
			}
			if !bytes.Equal(cr.Signature, sr.Signature) {
				t.Fatal("client got a different signature from the one the server sent")
			}
			verifyHostSig(t, cr.HostKey, cr.Signature, cr.H)
			// K's encoding: a string for the hybrid, a minimal
			// non-negative mpint otherwise.
			parts := splitStrings(t, cr.K)
			if len(parts) != 1 {
				t.Fatal("K is not one length-prefixed value")
			}
			if name == MLKEM768X25519SHA256 {
				if len(parts[0]) != 32 {
					t.Fatalf("hybrid K has %d bytes, want 32", len(parts[0]))
				}
			} else if v := parts[0]; len(v) == 0 || v[0] >= 0x80 || (v[0] == 0 && (len(v) == 1 || v[1] < 0x80)) {
				t.Fatalf("K is not a minimal positive mpint: %x", v[:min(len(v), 4)])
			}
		})
	}
}

// TestDeterministic checks that fixed readers give fixed results for the
// methods whose randomness all comes from the reader.
func TestDeterministic(t *testing.T) {
	for _, name := range allNames() {
		if name == MLKEM768X25519SHA256 {
			continue // ML-KEM encapsulation uses crypto/rand
		}
		t.Run(name, func(t *testing.T) {
			m := mustLookup(t, name)
			a, _, _, _, err1, _ := runPair(m, seededRand(1), seededRand(2))
			b, _, _, _, err2, _ := runPair(m, seededRand(1), seededRand(2))
			c, _, _, _, err3, _ := runPair(m, seededRand(1), seededRand(3))
			if err1 != nil || err2 != nil || err3 != nil {
				t.Fatal(err1, err2, err3)
			}
			if !bytes.Equal(a.H, b.H) || !bytes.Equal(a.K, b.K) {
				t.Fatal("same randomness gave different results")
			}
			if bytes.Equal(a.H, c.H) || bytes.Equal(a.K, c.K) {
				t.Fatal("different server randomness gave the same result")
			}
		})
	}
}

// TestTranscriptHash recomputes H of every single-round method from the
// messages on the wire, with the test's own encoders: H = HASH(V_C || V_S
// || I_C || I_S || K_S || Q_C || Q_S || K).
func TestTranscriptHash(t *testing.T) {
	for _, name := range allNames() {
		if name == DHGEXSHA256 || name == DHGEXSHA1 {
			continue // TestGEXHashIndependent
		}
		t.Run(name, func(t *testing.T) {
			m := mustLookup(t, name)
			cr, _, clog, slog, cerr, serr := runPair(m, rand.Reader, rand.Reader)
			if cerr != nil || serr != nil {
				t.Fatal(cerr, serr)
			}
			if len(clog) != 1 || len(slog) != 1 || clog[0][0] != 30 || slog[0][0] != 31 {
				t.Fatalf("unexpected message flow")
			}
			init := splitStrings(t, clog[0][1:])
			reply := splitStrings(t, slog[0][1:])
			if len(init) != 1 || len(reply) != 3 {
				t.Fatal("unexpected message shape")
			}
			in := magicsPrefix(testMagics(), reply[0])
			in = sshString(in, init[0])  // Q_C or e, same bytes as on the wire
			in = sshString(in, reply[1]) // Q_S or f
			in = append(in, cr.K...)
			h := wantHash[name].New()
			h.Write(in)
			if !bytes.Equal(h.Sum(nil), cr.H) {
				t.Fatal("H does not match the transcript")
			}
		})
	}
}

// TestResultDoesNotAliasPackets overwrites the packets a client read after
// the exchange; its Result must not change (ReadPacket's buffer is only
// valid until the next read).
func TestResultDoesNotAliasPackets(t *testing.T) {
	for _, name := range allNames() {
		_, _, _, slog, cerr, serr := runPair(mustLookup(t, name), seededRand(4), seededRand(5))
		if cerr != nil || serr != nil {
			t.Fatal(cerr, serr)
		}
		sc := &scriptConn{replies: slog}
		res, err := mustLookup(t, name).Client(sc, seededRand(4), testMagics())
		if err != nil {
			t.Fatal(err)
		}
		before := bytes.Clone(bytes.Join([][]byte{res.H, res.K, res.HostKey, res.Signature}, nil))
		for _, p := range slog {
			clear(p)
		}
		after := bytes.Join([][]byte{res.H, res.K, res.HostKey, res.Signature}, nil)
		if !bytes.Equal(before, after) {
			t.Fatalf("%s: Result aliases a packet buffer", name)
		}
	}
}
