package keys

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestOpenSSLKeys parses PKCS #1, SEC 1, DSA and PKCS #8 keys written by
// openssl, plain and encrypted with every cipher we read (legacy PEM
// AES-128/192/256-CBC and DES-EDE3-CBC, PBES2 AES-256-CBC and
// DES-EDE3-CBC), and checks their public halves against ssh-keygen -y.
func TestOpenSSLKeys(t *testing.T) {
	ossl := testpeer.Require(t, "openssl")
	kg := sshKeygen(t)
	dir := t.TempDir()
	const pass = "open sesame"
	dsaParams := filepath.Join(dir, "dsa.params")
	runTool(t, nil, ossl, "genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:1024",
		"-pkeyopt", "dsa_paramgen_q_bits:160", "-out", dsaParams)
	gen := map[string][]string{
		"rsa":     {"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"},
		"ec256":   {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"},
		"ec384":   {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"},
		"ed25519": {"genpkey", "-algorithm", "ED25519"},
		"dsa":     {"genpkey", "-paramfile", dsaParams},
	}
	// opensslVariant is a command rewriting base.p8, and what its output
	// must hold in the text and, when set, in the DER body (so a variant
	// that silently wrote another format or cipher is caught).
	type opensslVariant struct {
		args   []string
		marker string
		der    []byte
	}
	des3OID, err := asn1.Marshal(oidDESEDE3CBC)
	if err != nil {
		t.Fatal(err)
	}
	for name, args := range gen {
		base := filepath.Join(dir, name)
		runTool(t, nil, ossl, append(args, "-out", base+".p8")...)
		in := []string{"-in", base + ".p8"}
		passout := []string{"-passout", "pass:" + pass}
		variants := map[string]opensslVariant{
			"pkcs8":      {nil, "-----BEGIN PRIVATE KEY-----", nil},
			"pkcs8-enc":  {cat([]string{"pkcs8", "-topk8", "-v2", "aes-256-cbc"}, in, passout), "-----BEGIN ENCRYPTED PRIVATE KEY-----", nil},
			"pkcs8-des3": {cat([]string{"pkcs8", "-topk8", "-v2", "des3"}, in, passout), "-----BEGIN ENCRYPTED PRIVATE KEY-----", des3OID},
		}
		var trad string
		switch name {
		case "rsa":
			trad = "RSA PRIVATE KEY"
		case "ec256", "ec384":
			trad = "EC PRIVATE KEY"
		case "dsa":
			trad = "DSA PRIVATE KEY"
		}
		if trad != "" {
			// openssl pkey -traditional writes PKCS #1, SEC 1 and
			// OpenSSL's DSA structure, with legacy PEM encryption.
			variants["trad"] = opensslVariant{cat([]string{"pkey", "-traditional"}, in), "-----BEGIN " + trad + "-----", nil}
			for _, c := range []struct{ flag, dek string }{
				{"-des3", "DES-EDE3-CBC"}, {"-aes128", "AES-128-CBC"}, {"-aes192", "AES-192-CBC"}, {"-aes256", "AES-256-CBC"},
			} {
				variants["trad"+c.flag] = opensslVariant{cat([]string{"pkey", "-traditional", c.flag}, in, passout), "DEK-Info: " + c.dek + ",", nil}
			}
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
		for vname, v := range variants {
			t.Run(name+"-"+vname, func(t *testing.T) {
				path := base + ".p8"
				if v.args != nil {
					path = base + "." + vname
					runTool(t, nil, ossl, append(v.args, "-out", path)...)
				}
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(data, []byte(v.marker)) || v.der != nil && !bytes.Contains(pemBody(t, data), v.der) {
					t.Fatalf("openssl output lacks %q or DER % x:\n%s", v.marker, v.der, data)
				}
				var s Signer
				if contains(v.args, "-passout") {
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

// cat concatenates argument lists.
func cat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func chmod600(t *testing.T, path string) string {
	t.Helper()
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
