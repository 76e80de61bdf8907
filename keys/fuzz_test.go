package keys

import (
	"bytes"
	"crypto/rand"
	"testing"
)

// fuzzSeedKeys returns public keys of every supported type, including
// security keys built from an ordinary key's material.
func fuzzSeedKeys(t testing.TB) []PublicKey {
	var out []PublicKey
	for _, s := range testSigners(t) {
		out = append(out, s.PublicKey())
	}
	out = append(out, testDSAPublic(t), testSKECDSA(t).pub, testSKED25519(t).pub)
	return out
}

func FuzzParsePublicKey(f *testing.F) {
	for _, k := range fuzzSeedKeys(f) {
		f.Add(k.Marshal())
	}
	f.Add([]byte{0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9'})
	f.Fuzz(func(t *testing.T, blob []byte) {
		k, err := ParsePublicKey(blob)
		if err != nil {
			return
		}
		if !bytes.Equal(k.Marshal(), blob) {
			t.Fatalf("Marshal does not reproduce the parsed blob")
		}
		_ = FingerprintSHA256(k)
		_ = MarshalAuthorizedKey(k)
	})
}

func FuzzParseAuthorizedKey(f *testing.F) {
	for _, k := range fuzzSeedKeys(f) {
		f.Add(MarshalAuthorizedKey(k))
		f.Add(append([]byte(`command="echo \"hi\"",no-pty,from="10.0.0.0/8" `), MarshalAuthorizedKey(k)...))
	}
	f.Add([]byte("# comment\n\n  \r\nssh-ed25519 AAAA x\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		for n := 0; ; n++ {
			pub, _, opts, rest, err := ParseAuthorizedKey(in)
			if err == nil {
				if _, err := ParsePublicKey(pub.Marshal()); err != nil {
					t.Fatalf("parsed key does not re-parse: %v", err)
				}
				for _, o := range opts {
					if _, _, err := ParseOption(o); err != nil {
						t.Fatalf("returned option %q does not parse: %v", o, err)
					}
				}
			}
			if rest == nil {
				return
			}
			if len(rest) >= len(in) {
				t.Fatalf("no progress: rest %d bytes of %d", len(rest), len(in))
			}
			in = rest
		}
	})
}

func FuzzParsePrivateKey(f *testing.F) {
	for _, s := range testSigners(f) {
		for _, pass := range []string{"", "p"} {
			pem, err := MarshalPrivateKey(s, "fuzz", []byte(pass))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(pem)
			f.Add(pemBody(f, pem))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := ParsePrivateKey(data); err == nil {
			checkFuzzSigner(t, s)
		}
		// The OpenSSH body without PEM armour, so mutations reach the
		// binary parser directly.
		if s, err := parseOpenSSHPrivateKey(data, nil); err == nil {
			checkFuzzSigner(t, s)
		}
	})
}

func checkFuzzSigner(t *testing.T, s Signer) {
	data := []byte("fuzz")
	for _, algo := range s.Algorithms() {
		sig, err := s.Sign(rand.Reader, algo, data)
		if err != nil {
			t.Fatalf("Sign: %v", err)
		}
		if err := s.PublicKey().Verify(data, sig); err != nil {
			t.Fatalf("accepted private key signs unverifiable signatures: %v", err)
		}
	}
}

func FuzzVerify(f *testing.F) {
	data := []byte("signed data")
	keys := fuzzSeedKeys(f)
	for _, s := range testSigners(f) {
		for _, algo := range s.Algorithms() {
			sig, err := s.Sign(rand.Reader, algo, data)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(sig)
		}
	}
	for _, sk := range []*testSK{testSKECDSA(f), testSKED25519(f)} {
		f.Add(sk.sign(f, data, SKFlagUserPresence, 7))
	}
	f.Fuzz(func(t *testing.T, sig []byte) {
		for _, k := range keys {
			_ = k.Verify(data, sig)
		}
		_, _ = SignatureAlgorithm(sig)
	})
}
