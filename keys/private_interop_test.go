package keys

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/internal/wire"
)

// pubLineFields returns "type base64" of an authorized_keys style line.
func pubLineFields(t *testing.T, line []byte) string {
	t.Helper()
	f := strings.Fields(string(line))
	if len(f) < 2 {
		t.Fatalf("bad public key line %q", line)
	}
	return f[0] + " " + f[1]
}

// checkSigner checks that s matches the public key line want, and that
// every algorithm it offers round-trips through Sign and Verify.
func checkSigner(t *testing.T, s Signer, want []byte) {
	t.Helper()
	pub, _, _, _, err := ParseAuthorizedKey(want)
	if err != nil {
		t.Fatal(err)
	}
	if !Equal(s.PublicKey(), pub) {
		t.Fatalf("private key's public half %s differs from %s", MarshalAuthorizedKey(s.PublicKey()), want)
	}
	data := []byte("session identifier and request")
	for _, algo := range s.Algorithms() {
		sig, err := s.Sign(rand.Reader, algo, data)
		if err != nil {
			t.Fatalf("Sign %s: %v", algo, err)
		}
		if err := pub.Verify(data, sig); err != nil {
			t.Fatalf("Verify %s: %v", algo, err)
		}
	}
	if _, err := s.Sign(rand.Reader, "no-such-algorithm", data); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Fatalf("Sign with unknown algorithm: %v", err)
	}
}

// TestKeygenPrivateKeys parses private keys ssh-keygen wrote in every
// format, plain and encrypted.
func TestKeygenPrivateKeys(t *testing.T) {
	kg := sshKeygen(t)
	dir := t.TempDir()
	const pass = "correct horse"
	for _, spec := range keygenSpecs {
		for _, format := range []string{"", "PEM", "PKCS8"} {
			for _, encrypted := range []bool{false, true} {
				name := spec.t + spec.bits + "-" + format
				if encrypted {
					name += "-enc"
				}
				t.Run(name, func(t *testing.T) {
					var extra []string
					if format != "" {
						extra = append(extra, "-m", format)
					}
					if encrypted {
						extra = append(extra, "-N", pass)
					}
					path := genKeygen(t, kg, dir, spec.t, spec.bits, extra...)
					data, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					publine, err := os.ReadFile(path + ".pub")
					if err != nil {
						t.Fatal(err)
					}
					var s Signer
					if encrypted {
						_, err := ParsePrivateKey(data)
						var pm *PassphraseMissingError
						if !errors.As(err, &pm) {
							t.Fatalf("ParsePrivateKey of encrypted key: %v, want *PassphraseMissingError", err)
						}
						if strings.Contains(string(data), "OPENSSH PRIVATE KEY") {
							if pm.PublicKey == nil || pubLineFields(t, MarshalAuthorizedKey(pm.PublicKey)) != pubLineFields(t, publine) {
								t.Fatalf("PassphraseMissingError.PublicKey = %v", pm.PublicKey)
							}
						}
						if _, err := ParsePrivateKeyWithPassphrase(data, []byte("wrong horse")); !errors.Is(err, ErrIncorrectPassphrase) {
							t.Fatalf("wrong passphrase: %v, want ErrIncorrectPassphrase", err)
						}
						s, err = ParsePrivateKeyWithPassphrase(data, []byte(pass))
						if err != nil {
							t.Fatalf("ParsePrivateKeyWithPassphrase: %v", err)
						}
					} else {
						s, err = ParsePrivateKey(data)
						if err != nil {
							t.Fatalf("ParsePrivateKey: %v\n%s", err, data)
						}
					}
					checkSigner(t, s, publine)
					fields := strings.Fields(string(runTool(t, nil, kg, "-l", "-f", path+".pub")))
					if fields[1] != FingerprintSHA256(s.PublicKey()) {
						t.Fatalf("fingerprint %s, ssh-keygen %s", FingerprintSHA256(s.PublicKey()), fields[1])
					}
					if strings.Contains(string(data), "OPENSSH PRIVATE KEY") {
						if c, ok := s.(Commented); !ok || c.Comment() != "comment for "+spec.t {
							t.Fatalf("comment not kept: %v", s)
						}
					}
				})
			}
		}
	}
}

// TestKeygenCiphers parses OpenSSH keys encrypted with every cipher
// "ssh -Q cipher" lists that ssh-keygen -Z accepts, so a cipher OpenSSH
// gains and we lack fails here rather than in a user's hands.
func TestKeygenCiphers(t *testing.T) {
	kg := sshKeygen(t)
	ssh := testpeer.Require(t, "ssh")
	dir := t.TempDir()
	names := strings.Fields(string(runTool(t, nil, ssh, "-Q", "cipher")))
	if len(names) == 0 {
		t.Fatal("ssh -Q cipher listed nothing")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.NewReplacer("@", "_", ".", "_").Replace(name))
			out, err := runToolErr(nil, kg, "-q", "-t", "ed25519", "-a", "2", "-N", "pw", "-Z", name, "-C", "c", "-f", path)
			if err != nil {
				t.Skipf("ssh-keygen cannot encrypt keys with %s: %s", name, out)
			}
			if keyCipherByName(name) == nil {
				t.Errorf("cipher %s is missing from keyCiphers", name)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(pemBody(t, data), wire.AppendText([]byte(opensshMagic), name)) {
				t.Fatalf("ssh-keygen did not use %s", name)
			}
			publine, err := os.ReadFile(path + ".pub")
			if err != nil {
				t.Fatal(err)
			}
			s, err := ParsePrivateKeyWithPassphrase(data, []byte("pw"))
			if err != nil {
				t.Fatal(err)
			}
			checkSigner(t, s, publine)
			if _, err := ParsePrivateKeyWithPassphrase(data, []byte("pW")); !errors.Is(err, ErrIncorrectPassphrase) {
				t.Fatalf("wrong passphrase: %v", err)
			}
		})
	}
}

// TestMarshalReadByKeygen writes our keys and has ssh-keygen -y derive the
// public key from them, plain and encrypted.
func TestMarshalReadByKeygen(t *testing.T) {
	kg := sshKeygen(t)
	dir := t.TempDir()
	for i, s := range testSigners(t) {
		for _, pass := range []string{"", "s3cret pass"} {
			t.Run(s.PublicKey().Type()+map[bool]string{true: "-enc"}[pass != ""], func(t *testing.T) {
				pem, err := MarshalPrivateKey(s, "our comment", []byte(pass))
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(dir, "key"+string(rune('a'+i))+map[bool]string{true: "e"}[pass != ""])
				if err := os.WriteFile(path, pem, 0o600); err != nil {
					t.Fatal(err)
				}
				out := runTool(t, nil, kg, "-y", "-P", pass, "-f", path)
				if got, want := pubLineFields(t, out), pubLineFields(t, MarshalAuthorizedKey(s.PublicKey())); got != want {
					t.Fatalf("ssh-keygen -y: %s, want %s", got, want)
				}
				if !strings.HasSuffix(strings.TrimSpace(string(out)), " our comment") {
					t.Fatalf("ssh-keygen -y lost the comment: %q", out)
				}
				if pass != "" {
					if o, err := runToolErr(nil, kg, "-y", "-P", "wrong", "-f", path); err == nil {
						t.Fatalf("ssh-keygen accepted a wrong passphrase: %s", o)
					}
				}
				back, err := ParsePrivateKeyWithPassphrase(pem, []byte(pass))
				if err != nil {
					t.Fatal(err)
				}
				if !Equal(back.PublicKey(), s.PublicKey()) || back.(Commented).Comment() != "our comment" {
					t.Fatal("round trip changed the key or comment")
				}
			})
		}
	}
}
