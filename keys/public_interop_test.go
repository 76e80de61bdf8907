package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// keygenSpecs lists the key types ssh-keygen makes, as -t and -b.
var keygenSpecs = []struct{ t, bits, keyType string }{
	{"ed25519", "", TypeED25519},
	{"ecdsa", "256", TypeECDSA256},
	{"ecdsa", "384", TypeECDSA384},
	{"ecdsa", "521", TypeECDSA521},
	{"rsa", "2048", TypeRSA},
	{"dsa", "1024", TypeDSA},
}

// genKeygen makes a key with ssh-keygen in dir and returns its path.
func genKeygen(t *testing.T, kg, dir, typ, bits string, extra ...string) string {
	t.Helper()
	name := "id_" + typ + bits
	for _, e := range extra {
		name += strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, e)
	}
	path := filepath.Join(dir, name)
	args := []string{"-q", "-t", typ, "-f", path, "-C", "comment for " + typ}
	if bits != "" {
		args = append(args, "-b", bits)
	}
	args = append(args, extra...)
	if !contains(extra, "-N") {
		args = append(args, "-N", "")
	}
	runTool(t, nil, kg, args...)
	return path
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestKeygenPublicKeys parses .pub files written by ssh-keygen, compares
// fingerprints with ssh-keygen -l, round-trips the line, and verifies
// signatures ssh-keygen -Y sign made.
func TestKeygenPublicKeys(t *testing.T) {
	kg := sshKeygen(t)
	dir := t.TempDir()
	msg := []byte("message signed by ssh-keygen\n")
	msgPath := filepath.Join(dir, "msg")
	if err := os.WriteFile(msgPath, msg, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, spec := range keygenSpecs {
		t.Run(spec.t+spec.bits, func(t *testing.T) {
			path := genKeygen(t, kg, dir, spec.t, spec.bits)
			line, err := os.ReadFile(path + ".pub")
			if err != nil {
				t.Fatal(err)
			}
			pub, comment, opts, rest, err := ParseAuthorizedKey(line)
			if err != nil {
				t.Fatalf("ParseAuthorizedKey: %v", err)
			}
			if pub.Type() != spec.keyType || comment != "comment for "+spec.t || opts != nil || len(rest) != 0 {
				t.Fatalf("got type %q comment %q opts %q rest %q", pub.Type(), comment, opts, rest)
			}
			fields := strings.Fields(string(runTool(t, nil, kg, "-l", "-f", path+".pub")))
			if len(fields) < 2 || fields[1] != FingerprintSHA256(pub) {
				t.Fatalf("fingerprint: ssh-keygen %q, ours %q", fields, FingerprintSHA256(pub))
			}
			fields = strings.Fields(string(runTool(t, nil, kg, "-l", "-E", "md5", "-f", path+".pub")))
			if len(fields) < 2 || fields[1] != FingerprintMD5(pub) {
				t.Fatalf("md5 fingerprint: ssh-keygen %q, ours %q", fields, FingerprintMD5(pub))
			}
			want := strings.Join(strings.Fields(string(line))[:2], " ") + "\n"
			if got := string(MarshalAuthorizedKey(pub)); got != want {
				t.Fatalf("MarshalAuthorizedKey = %q, want %q", got, want)
			}
			if spec.t == "dsa" {
				return // ssh-keygen -Y refuses DSA keys
			}
			runTool(t, nil, kg, "-Y", "sign", "-f", path, "-n", "test", msgPath)
			armored, err := os.ReadFile(msgPath + ".sig")
			if err != nil {
				t.Fatal(err)
			}
			os.Remove(msgPath + ".sig")
			pubBlob, sig := dearmorSSHSIG(t, armored)
			if !bytes.Equal(pubBlob, pub.Marshal()) {
				t.Fatal("sshsig public key differs from .pub")
			}
			signed := sshsigSignedData("test", msg)
			if err := pub.Verify(signed, sig); err != nil {
				t.Fatalf("Verify ssh-keygen signature: %v", err)
			}
			for _, i := range []int{0, len(sig) / 2, len(sig) - 1} {
				bad := bytes.Clone(sig)
				bad[i] ^= 0x01
				if err := pub.Verify(signed, bad); err == nil {
					t.Fatalf("Verify accepted signature with bit flipped at %d", i)
				}
			}
			if err := pub.Verify(append(bytes.Clone(signed), 0), sig); !errors.Is(err, ErrVerification) {
				t.Fatalf("Verify of other data: %v, want ErrVerification", err)
			}
		})
	}
}

// testSigners returns signers over freshly generated Go keys (the RSA
// key is shared across tests to save time).
func testSigners(t testing.TB) []Signer {
	t.Helper()
	_, edk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var out []Signer
	for _, k := range []crypto.Signer{edk, mustEC(t, elliptic.P256()), mustEC(t, elliptic.P384()), mustEC(t, elliptic.P521()), testRSAKey(t)} {
		s, err := NewSigner(k)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func mustEC(t testing.TB, c elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
	rsaErr  error
)

func testRSAKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	rsaOnce.Do(func() { rsaKey, rsaErr = rsa.GenerateKey(rand.Reader, 2048) })
	if rsaErr != nil {
		t.Fatal(rsaErr)
	}
	return rsaKey
}

// TestSignVerifiedByKeygen signs with our signers and has ssh-keygen -Y
// verify the result against our MarshalAuthorizedKey output.
func TestSignVerifiedByKeygen(t *testing.T) {
	kg := sshKeygen(t)
	dir := t.TempDir()
	msg := []byte("message signed by ssh2 keys\n")
	signed := sshsigSignedData("test", msg)
	for _, s := range testSigners(t) {
		for _, algo := range s.Algorithms() {
			if algo == SigRSASHA1 {
				continue // SSHSIG forbids ssh-rsa (SHA-1) signatures
			}
			t.Run(algo, func(t *testing.T) {
				sig, err := s.Sign(rand.Reader, algo, signed)
				if err != nil {
					t.Fatal(err)
				}
				if got, err := SignatureAlgorithm(sig); err != nil || got != algo {
					t.Fatalf("SignatureAlgorithm = %q, %v", got, err)
				}
				if err := s.PublicKey().Verify(signed, sig); err != nil {
					t.Fatalf("own Verify: %v", err)
				}
				allowed := filepath.Join(dir, "allowed")
				line := "me@example " + string(MarshalAuthorizedKey(s.PublicKey()))
				if err := os.WriteFile(allowed, []byte(line), 0o600); err != nil {
					t.Fatal(err)
				}
				sigPath := filepath.Join(dir, "sig")
				if err := os.WriteFile(sigPath, armorSSHSIG(s.PublicKey(), "test", sig), 0o600); err != nil {
					t.Fatal(err)
				}
				runTool(t, msg, kg, "-Y", "verify", "-f", allowed, "-I", "me@example", "-n", "test", "-s", sigPath)
				bad := append([]byte(nil), msg...)
				bad[0] ^= 1
				if out, err := runToolErr(bad, kg, "-Y", "verify", "-f", allowed, "-I", "me@example", "-n", "test", "-s", sigPath); err == nil {
					t.Fatalf("ssh-keygen accepted a signature over other data: %s", out)
				}
			})
		}
	}
}
