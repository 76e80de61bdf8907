package keys

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestOpenSSLKeys parses PKCS #1, SEC 1 and PKCS #8 keys written by
// openssl, plain and encrypted, and checks their public halves against
// ssh-keygen -y.
func TestOpenSSLKeys(t *testing.T) {
	ossl := testpeer.Require(t, "openssl")
	kg := sshKeygen(t)
	dir := t.TempDir()
	const pass = "open sesame"
	gen := map[string][]string{
		"rsa":     {"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"},
		"ec256":   {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"},
		"ec384":   {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"},
		"ed25519": {"genpkey", "-algorithm", "ED25519"},
	}
	for name, args := range gen {
		base := filepath.Join(dir, name)
		runTool(t, nil, ossl, append(args, "-out", base+".p8")...)
		variants := map[string][]string{
			"pkcs8":     nil,
			"pkcs8-enc": {"pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", base + ".p8", "-passout", "pass:" + pass},
		}
		switch name {
		case "rsa":
			variants["pkcs1"] = []string{"rsa", "-traditional", "-in", base + ".p8"}
			variants["pkcs1-enc"] = []string{"rsa", "-traditional", "-aes128", "-in", base + ".p8", "-passout", "pass:" + pass}
		case "ec256", "ec384":
			variants["sec1"] = []string{"ec", "-in", base + ".p8"}
			variants["sec1-enc"] = []string{"ec", "-aes256", "-in", base + ".p8", "-passout", "pass:" + pass}
		}
		var pubLine []byte
		if name == "ed25519" {
			// ssh-keygen 9.2 cannot read PKCS #8 Ed25519 keys; take the
			// raw public key from openssl's SubjectPublicKeyInfo instead
			// (its last 32 bytes, RFC 8410 §4).
			der := runTool(t, nil, ossl, "pkey", "-in", base+".p8", "-pubout", "-outform", "DER")
			pubLine = MarshalAuthorizedKey(&ed25519Public{key: der[len(der)-32:]})
		} else {
			pubLine = runTool(t, nil, kg, "-y", "-f", chmod600(t, base+".p8"))
		}
		for vname, vargs := range variants {
			t.Run(name+"-"+vname, func(t *testing.T) {
				path := base + ".p8"
				if vargs != nil {
					path = base + "." + vname
					runTool(t, nil, ossl, append(vargs, "-out", path)...)
				}
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				var s Signer
				if contains(vargs, "-passout") {
					var pm *PassphraseMissingError
					if _, err := ParsePrivateKey(data); !errors.As(err, &pm) {
						t.Fatalf("no passphrase: %v", err)
					}
					if _, err := ParsePrivateKeyWithPassphrase(data, []byte("not it")); !errors.Is(err, ErrIncorrectPassphrase) {
						t.Fatalf("wrong passphrase: %v", err)
					}
					s, err = ParsePrivateKeyWithPassphrase(data, []byte(pass))
				} else {
					s, err = ParsePrivateKey(data)
				}
				if err != nil {
					t.Fatalf("parse: %v\n%s", err, data)
				}
				checkSigner(t, s, pubLine)
			})
		}
	}
}

func chmod600(t *testing.T, path string) string {
	t.Helper()
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
