package keys

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

var ppkTypes = []struct{ t, bits string }{
	{"ed25519", ""}, {"ecdsa", "256"}, {"ecdsa", "384"}, {"ecdsa", "521"}, {"rsa", "2048"}, {"dsa", "1024"},
}

// TestPuttygenPPK reads PPK v2 and v3 files made by puttygen, plain and
// encrypted, and checks the key against puttygen's OpenSSH public key;
// then the distinct failures: no passphrase, wrong passphrase, altered
// MAC, altered public key.
func TestPuttygenPPK(t *testing.T) {
	pg := testpeer.Require(t, "puttygen")
	dir := t.TempDir()
	passFile := filepath.Join(dir, "pass")
	os.WriteFile(passFile, []byte("s3cret\n"), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	for _, c := range ppkTypes {
		for _, ver := range []string{"2", "3"} {
			for _, enc := range []bool{false, true} {
				name := fmt.Sprintf("%s%s-v%s-%v", c.t, c.bits, ver, enc)
				p := filepath.Join(dir, name+".ppk")
				pf := empty
				if enc {
					pf = passFile
				}
				args := []string{"-t", c.t, "-o", p, "-O", "private", "--new-passphrase", pf, "-C", "comment " + name, "--ppk-param", "version=" + ver}
				if c.bits != "" {
					args = append(args, "-b", c.bits)
				}
				runTool(t, nil, pg, args...)
				pubLine := runTool(t, nil, pg, p, "-O", "public-openssh", "--old-passphrase", pf)
				want, _, _, _, err := ParseAuthorizedKey(pubLine)
				if err != nil {
					t.Fatal(err)
				}
				data, _ := os.ReadFile(p)
				var pass []byte
				if enc {
					pass = []byte("s3cret")
					var pm *PassphraseMissingError
					if _, err := ParsePrivateKey(data); !errors.As(err, &pm) || !Equal(pm.PublicKey, want) {
						t.Errorf("%s: no passphrase: %v", name, err)
					}
					if _, err := ParsePrivateKeyWithPassphrase(data, []byte("wrong")); !errors.Is(err, ErrIncorrectPassphrase) {
						t.Errorf("%s: wrong passphrase: %v", name, err)
					}
				}
				s, err := ParsePrivateKeyWithPassphrase(data, pass)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !Equal(s.PublicKey(), want) || s.(Commented).Comment() != "comment "+name {
					t.Errorf("%s: key or comment differs", name)
				}
				checkSigner(t, s, pubLine)
				// Alter one hex digit of the MAC.
				i := bytes.Index(data, []byte("Private-MAC: ")) + len("Private-MAC: ")
				bad := bytes.Clone(data)
				if bad[i] == '0' {
					bad[i] = '1'
				} else {
					bad[i] = '0'
				}
				if _, err := ParsePrivateKeyWithPassphrase(bad, pass); !errors.Is(err, ErrCorruptMAC) {
					t.Errorf("%s: altered MAC: %v", name, err)
				}
			}
		}
	}
}

// TestPPKWrittenReadByPuttygen writes PPK v3 files, plain and encrypted,
// and has puttygen print their OpenSSH public keys.
func TestPPKWrittenReadByPuttygen(t *testing.T) {
	pg := testpeer.Require(t, "puttygen")
	dir := t.TempDir()
	passFile := filepath.Join(dir, "pass")
	os.WriteFile(passFile, []byte("pw pw\n"), 0o600)
	for i, s := range testSigners(t) {
		for _, pass := range []string{"", "pw pw"} {
			data, err := MarshalPPK(s, "my key", []byte(pass))
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParsePrivateKeyWithPassphrase(data, []byte(pass))
			if err != nil || !Equal(back.PublicKey(), s.PublicKey()) || back.(Commented).Comment() != "my key" {
				t.Fatalf("%d: read back: %v", i, err)
			}
			p := filepath.Join(dir, fmt.Sprint(i, ".ppk"))
			os.WriteFile(p, data, 0o600)
			args := []string{p, "-O", "public-openssh"}
			if pass != "" {
				args = append(args, "--old-passphrase", passFile)
			}
			out := strings.TrimSpace(string(runTool(t, nil, pg, args...)))
			want := strings.TrimSpace(string(MarshalAuthorizedKey(s.PublicKey()))) + " my key"
			if out != want {
				t.Errorf("%d: puttygen says %q, want %q", i, out, want)
			}
		}
	}
}

func FuzzParsePPK(f *testing.F) {
	s := testSigners(f)[0]
	plain, _ := MarshalPPK(s, "c", nil)
	f.Add(plain, "")
	f.Add([]byte("PuTTY-User-Key-File-2: ssh-rsa\nEncryption: aes256-cbc\n"), "x")
	f.Fuzz(func(t *testing.T, data []byte, pass string) {
		if bytes.Contains(data, []byte("Argon2")) {
			return // keep runs fast; KDF cost is bounded separately
		}
		s, err := ParsePrivateKeyWithPassphrase(data, []byte(pass))
		if err == nil {
			checkFuzzSigner(t, s)
		}
	})
}
