package keys

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"io"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
)

func TestParsePublicKeyRejects(t *testing.T) {
	ed := testSigners(t)[0].PublicKey().Marshal()
	ec := testSigners(t)[1].PublicKey().Marshal()
	for i := 0; i < len(ed); i++ {
		if _, err := ParsePublicKey(ed[:i]); !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrInvalidKey) {
			t.Fatalf("truncated to %d: %v", i, err)
		}
	}
	if _, err := ParsePublicKey(append(bytes.Clone(ed), 0)); !errors.Is(err, ErrMalformed) {
		t.Fatalf("trailing byte: %v", err)
	}
	// Off-curve point: flip the last byte of Y.
	bad := bytes.Clone(ec)
	bad[len(bad)-1] ^= 1
	if _, err := ParsePublicKey(bad); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("off-curve point: %v", err)
	}
	// Wrong curve identifier.
	d := wire.NewDecoder(ec)
	d.String()
	d.String()
	q := d.String()
	b := wire.AppendText(nil, TypeECDSA256)
	b = wire.AppendText(b, "nistp384")
	b = wire.AppendString(b, q)
	if _, err := ParsePublicKey(b); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("curve mismatch: %v", err)
	}
	// Unknown type.
	if _, err := ParsePublicKey(wire.AppendText(nil, "ssh-foo")); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Fatalf("unknown type: %v", err)
	}
	// RSA bounds.
	rsaBlob := func(e, n *big.Int) []byte {
		b := wire.AppendText(nil, TypeRSA)
		b = wire.AppendMpint(b, e)
		return wire.AppendMpint(b, n)
	}
	n := testRSAKey(t).N
	small := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 511), big.NewInt(1))
	for name, blob := range map[string][]byte{
		"512-bit":    rsaBlob(big.NewInt(65537), small),
		"even e":     rsaBlob(big.NewInt(65536), n),
		"e=1":        rsaBlob(big.NewInt(1), n),
		"huge e":     rsaBlob(new(big.Int).Lsh(big.NewInt(1), 40), n),
		"even n":     rsaBlob(big.NewInt(65537), new(big.Int).Add(n, big.NewInt(1))),
		"huge n":     rsaBlob(big.NewInt(65537), new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), MaxRSABits+8), big.NewInt(1))),
		"negative n": append(append(wire.AppendMpint(wire.AppendText(nil, TypeRSA), big.NewInt(3)), 0, 0, 0, 1), 0x80),
	} {
		if _, err := ParsePublicKey(blob); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ParsePublicKey(rsaBlob(big.NewInt(65537), n)); err != nil {
		t.Fatalf("good RSA key: %v", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	data := []byte("data")
	signers := testSigners(t)
	for _, s := range signers {
		for _, algo := range s.Algorithms() {
			sig, err := s.Sign(rand.Reader, algo, data)
			if err != nil {
				t.Fatal(err)
			}
			pub := s.PublicKey()
			for i := 0; i < len(sig); i++ {
				if err := pub.Verify(data, sig[:i]); err == nil {
					t.Fatalf("%s: truncated signature (%d bytes) verified", algo, i)
				}
			}
			if err := pub.Verify(data, append(bytes.Clone(sig), 0)); !errors.Is(err, ErrMalformed) {
				t.Fatalf("%s: trailing byte: %v", algo, err)
			}
			for i := 0; i < len(sig); i++ {
				bad := bytes.Clone(sig)
				bad[i] ^= 0x80
				if err := pub.Verify(data, bad); err == nil {
					t.Fatalf("%s: bit flip at %d verified", algo, i)
				}
			}
			// Another key's signature algorithm name is refused.
			for _, other := range signers {
				if other.PublicKey().Type() == pub.Type() {
					continue
				}
				osig, _ := other.Sign(rand.Reader, other.Algorithms()[0], data)
				if err := pub.Verify(data, osig); !errors.Is(err, ErrUnsupportedAlgorithm) && !errors.Is(err, ErrVerification) && !errors.Is(err, ErrMalformed) {
					t.Fatalf("%s key, %s signature: %v", pub.Type(), other.Algorithms()[0], err)
				}
				if err := pub.Verify(data, osig); err == nil {
					t.Fatal("foreign signature verified")
				}
			}
		}
	}
	// RSA: a signature shorter than the modulus is refused (RFC 8332 §3
	// requires the full length).
	rs := signers[len(signers)-1]
	sig, _ := rs.Sign(rand.Reader, SigRSASHA256, data)
	_, body, _, _ := splitSignature(sig)
	if err := rs.PublicKey().Verify(data, appendSignature(nil, SigRSASHA256, body[1:])); !errors.Is(err, ErrMalformed) {
		t.Fatalf("short RSA signature: %v", err)
	}
	// Sign with the wrong algorithm is an error, not a silent default.
	if _, err := signers[0].Sign(rand.Reader, SigRSASHA256, data); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Fatalf("ed25519 signer with rsa algo: %v", err)
	}
	if _, err := rs.Sign(rand.Reader, "", data); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Fatalf("empty algorithm: %v", err)
	}
}

func TestSignatureAlgorithm(t *testing.T) {
	if a, err := SignatureAlgorithm(appendSignature(nil, "rsa-sha2-512", []byte{1})); err != nil || a != "rsa-sha2-512" {
		t.Fatalf("got %q, %v", a, err)
	}
	for _, bad := range [][]byte{nil, {0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 5, 'a'}, wire.AppendText(nil, "a b")} {
		if _, err := SignatureAlgorithm(bad); !errors.Is(err, ErrMalformed) {
			t.Fatalf("%q: %v", bad, err)
		}
	}
}

func TestSecurityKeys(t *testing.T) {
	data := []byte("sk data")
	for _, sk := range []*testSK{testSKECDSA(t), testSKED25519(t)} {
		t.Run(sk.pub.Type(), func(t *testing.T) {
			if sk.pub.Application() != testApp {
				t.Fatal("application lost")
			}
			sig := sk.sign(t, data, SKFlagUserPresence|0x04, 42)
			if err := sk.pub.Verify(data, sig); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			flags, counter, err := sk.pub.VerifySK(data, sig, true)
			if err != nil || flags != SKFlagUserPresence|0x04 || counter != 42 {
				t.Fatalf("VerifySK = %#x, %d, %v", flags, counter, err)
			}
			// The counter is signed: changing it breaks the signature.
			bad := bytes.Clone(sig)
			bad[len(bad)-1] ^= 1
			if err := sk.pub.Verify(data, bad); !errors.Is(err, ErrVerification) {
				t.Fatalf("altered counter: %v", err)
			}
			noTouch := sk.sign(t, data, 0, 1)
			if err := sk.pub.Verify(data, noTouch); !errors.Is(err, ErrVerification) {
				t.Fatalf("no user presence accepted by Verify: %v", err)
			}
			if _, _, err := sk.pub.VerifySK(data, noTouch, false); err != nil {
				t.Fatalf("VerifySK without presence requirement: %v", err)
			}
			if err := sk.pub.Verify(data, sig[:len(sig)-1]); !errors.Is(err, ErrMalformed) {
				t.Fatalf("truncated: %v", err)
			}
			line := MarshalAuthorizedKey(sk.pub)
			back, _, _, _, err := ParseAuthorizedKey(line)
			if err != nil || !Equal(back, sk.pub) {
				t.Fatalf("authorized_keys round trip: %v", err)
			}
		})
	}
}

func TestParseAuthorizedKeyOptions(t *testing.T) {
	s := testSigners(t)[0]
	key := strings.TrimSuffix(string(MarshalAuthorizedKey(s.PublicKey())), "\n")
	in := "# header comment\n\n" +
		`command="echo \"a b\", done",no-pty,from="10.0.0.0/8,!10.1.0.0/16"  ` + key + "  user@host extra words \r\n" +
		"   \t\n" +
		"garbage line here\n" +
		key + "\n"
	pub, comment, opts, rest, err := ParseAuthorizedKey([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if !Equal(pub, s.PublicKey()) || comment != "user@host extra words" {
		t.Fatalf("key/comment: %q", comment)
	}
	wantOpts := []string{`command="echo \"a b\", done"`, "no-pty", `from="10.0.0.0/8,!10.1.0.0/16"`}
	if strings.Join(opts, "|") != strings.Join(wantOpts, "|") {
		t.Fatalf("options %q, want %q", opts, wantOpts)
	}
	if name, val, err := ParseOption(opts[0]); err != nil || name != "command" || val != `echo "a b", done` {
		t.Fatalf("ParseOption = %q %q %v", name, val, err)
	}
	if name, val, err := ParseOption("no-pty"); err != nil || name != "no-pty" || val != "" {
		t.Fatalf("ParseOption bare = %q %q %v", name, val, err)
	}
	// As in sshd, only \" is an escape: other backslashes stay.
	for opt, want := range map[string]string{
		`command="printf 'a\n'"`: `printf 'a\n'`,
		`command="a\\b \"c\""`:   `a\\b "c"`,
		`environment="P=C:\dir"`: `P=C:\dir`,
	} {
		if _, val, err := ParseOption(opt); err != nil || val != want {
			t.Errorf("ParseOption(%s) = %q, %v; want %q", opt, val, err, want)
		}
	}
	for _, opt := range []string{`command="a\"`, `command="a\\"`, `command="a"b"`} {
		if _, _, err := ParseOption(opt); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseOption(%s) = %v, want ErrMalformed", opt, err)
		}
	}
	// The garbage line fails but rest lets the caller go on.
	_, _, _, rest, err = ParseAuthorizedKey(rest)
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("garbage line: %v", err)
	}
	pub, comment, opts, rest, err = ParseAuthorizedKey(rest)
	if err != nil || !Equal(pub, s.PublicKey()) || comment != "" || opts != nil {
		t.Fatalf("last line: %v %q %q", err, comment, opts)
	}
	if _, _, _, _, err := ParseAuthorizedKey(rest); err != io.EOF {
		t.Fatalf("end: %v, want io.EOF", err)
	}
	for _, bad := range []string{
		`command="unterminated ` + key,
		`command="x"` + key,   // no blank after options: the key is glued on
		`,no-pty ` + key,      // empty option
		`bad!name ` + key,     // bad option name
		`opt=unquoted ` + key, // value without quotes
		"ssh-ed25519 !!!notbase64",
		"ssh-rsa " + strings.Fields(key)[1], // type differs from blob
	} {
		if _, _, _, _, err := ParseAuthorizedKey([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestGenerate(t *testing.T) {
	for _, c := range []struct {
		typ  string
		bits int
		want string
	}{
		{"ed25519", 0, TypeED25519}, {"ecdsa", 0, TypeECDSA256}, {"ecdsa", 384, TypeECDSA384},
		{"ecdsa", 521, TypeECDSA521}, {TypeECDSA384, 0, TypeECDSA384}, {"rsa", 2048, TypeRSA},
	} {
		s, err := Generate(c.typ, c.bits, nil)
		if err != nil {
			t.Fatalf("%s/%d: %v", c.typ, c.bits, err)
		}
		if s.PublicKey().Type() != c.want {
			t.Fatalf("%s/%d: type %s", c.typ, c.bits, s.PublicKey().Type())
		}
	}
	for _, c := range []struct {
		typ  string
		bits int
	}{{"ecdsa", 255}, {"rsa", 1024}, {"rsa", 16384}, {"dsa", 1024}, {"ed25519", 512}} {
		if _, err := Generate(c.typ, c.bits, nil); err == nil {
			t.Errorf("Generate(%s, %d) succeeded", c.typ, c.bits)
		}
	}
	s, err := GenerateEd25519(bytes.NewReader(make([]byte, 32)))
	if err != nil {
		t.Fatal(err)
	}
	// RFC 8032 §7.1 test 1 has secret key zero... not all-zero; just
	// check determinism instead.
	s2, _ := GenerateEd25519(bytes.NewReader(make([]byte, 32)))
	if !Equal(s.PublicKey(), s2.PublicKey()) {
		t.Fatal("GenerateEd25519 is not deterministic in its rand input")
	}
}

func TestNewSignerRejects(t *testing.T) {
	if _, err := NewSigner(nil); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Fatalf("nil: %v", err)
	}
	k, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	if _, err := NewSigner(k); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Fatalf("P-224: %v", err)
	}
}

func TestFingerprintFormat(t *testing.T) {
	pub := testDSAPublic(t)
	if fp := FingerprintSHA256(pub); !strings.HasPrefix(fp, "SHA256:") || len(fp) != 7+43 || strings.HasSuffix(fp, "=") {
		t.Fatalf("SHA256 fingerprint %q", fp)
	}
	if fp := FingerprintMD5(pub); !strings.HasPrefix(fp, "MD5:") || len(fp) != 4+47 || strings.Count(fp, ":") != 16 {
		t.Fatalf("MD5 fingerprint %q", fp)
	}
}

func TestPrivateKeyRejects(t *testing.T) {
	s := testSigners(t)[0]
	plain, _ := MarshalPrivateKey(s, "c", nil)
	body := pemBody(t, plain)
	for i := 0; i < len(body); i++ {
		if _, err := parseOpenSSHPrivateKey(body[:i], nil); err == nil {
			t.Fatalf("truncated to %d accepted", i)
		}
	}
	// Flip each byte of the private section; anything accepted must still
	// be the same key.
	for i := len(opensshMagic); i < len(body); i++ {
		bad := bytes.Clone(body)
		bad[i] ^= 0xff
		if got, err := parseOpenSSHPrivateKey(bad, nil); err == nil && !Equal(got.PublicKey(), s.PublicKey()) {
			t.Fatalf("flip at %d gave a different key", i)
		}
	}
	if _, err := ParsePrivateKey([]byte("not a key")); !errors.Is(err, ErrMalformed) {
		t.Fatalf("no PEM: %v", err)
	}
	data, err := os.ReadFile("testdata/dsa_key")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := ParsePrivateKey(data)
	if err != nil {
		t.Fatal(err)
	}
	if !Equal(ds.PublicKey(), testDSAPublic(t)) || ds.(Commented).Comment() != "fixed dsa test key" {
		t.Fatal("dsa test key mismatch")
	}
}

func TestMarshalPrivateKeyEncryptedRoundTrip(t *testing.T) {
	s := testSigners(t)[1]
	enc, err := MarshalPrivateKey(s, "", []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	var pm *PassphraseMissingError
	if _, err := ParsePrivateKey(enc); !errors.As(err, &pm) || !Equal(pm.PublicKey, s.PublicKey()) {
		t.Fatalf("no passphrase: %v", err)
	}
	if _, err := ParsePrivateKeyWithPassphrase(enc, []byte("px")); !errors.Is(err, ErrIncorrectPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	back, err := ParsePrivateKeyWithPassphrase(enc, []byte("pw"))
	if err != nil || !Equal(back.PublicKey(), s.PublicKey()) {
		t.Fatalf("round trip: %v", err)
	}
	if _, err := MarshalPrivateKey(foreignSigner{s}, "", nil); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Fatalf("foreign signer: %v", err)
	}
}

type foreignSigner struct{ Signer }
