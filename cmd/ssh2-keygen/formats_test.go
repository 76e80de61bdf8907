package main

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/keys"
)

// formatFile is a private key file in a format other than OpenSSH's,
// with the passphrase it is encrypted with ("" if none) and the public
// key line ("type base64") of the key it holds.
type formatFile struct {
	name, pass, pubLine string
}

// formatCorpus makes PEM (PKCS #1, SEC 1, DSA), PKCS #8 (plain and
// encrypted) files with openssl and PPK v2 and v3 files (plain and
// encrypted) with puttygen in dir, without .pub files beside them.
func formatCorpus(t *testing.T, kg, dir string) []formatFile {
	t.Helper()
	ossl := testpeer.Require(t, "openssl")
	pg := testpeer.Require(t, "puttygen")
	const pass = "format pass"
	var files []formatFile
	// ssh-keygen refuses private key files others may read.
	chmod := func(name string) string {
		if err := os.Chmod(filepath.Join(dir, name), 0o600); err != nil {
			t.Fatal(err)
		}
		return name
	}
	add := func(name, pass, pubLine string) {
		files = append(files, formatFile{chmod(name), pass, pubLine})
	}

	mustRun(t, dir, ossl, "genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:1024",
		"-pkeyopt", "dsa_paramgen_q_bits:160", "-out", "dsa.params")
	for _, k := range []struct {
		name string
		gen  []string
		trad bool // has a traditional (PKCS #1, SEC 1, DSA) form
	}{
		{"rsa", []string{"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"}, true},
		{"ec256", []string{"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}, true},
		{"ec384", []string{"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"}, true},
		{"dsa", []string{"-paramfile", "dsa.params"}, true},
		{"ed", []string{"-algorithm", "ED25519"}, false},
	} {
		p8 := k.name + ".p8"
		mustRun(t, dir, ossl, append(append([]string{"genpkey"}, k.gen...), "-out", p8)...)
		var pubLine string
		if k.name == "ed" {
			// ssh-keygen 9.2 cannot read PKCS #8 Ed25519 keys; the raw
			// key is the end of openssl's SubjectPublicKeyInfo.
			der := []byte(mustRun(t, dir, ossl, "pkey", "-in", p8, "-pubout", "-outform", "DER").stdout)
			pub, err := keys.NewPublicKey(ed25519.PublicKey(der[len(der)-ed25519.PublicKeySize:]))
			if err != nil {
				t.Fatal(err)
			}
			pubLine = strings.TrimSpace(string(keys.MarshalAuthorizedKey(pub)))
		} else {
			pubLine = firstFields(t, mustRun(t, dir, kg, "-y", "-f", chmod(p8)).stdout, 2)
		}
		add(p8, "", pubLine)
		for _, v := range []struct {
			suffix string
			args   []string
		}{
			{".p8-aes", []string{"pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:" + pass}},
			{".p8-des3", []string{"pkcs8", "-topk8", "-v2", "des3", "-passout", "pass:" + pass}},
			{".trad", []string{"pkey", "-traditional"}},
			{".trad-des3", []string{"pkey", "-traditional", "-des3", "-passout", "pass:" + pass}},
			{".trad-aes192", []string{"pkey", "-traditional", "-aes192", "-passout", "pass:" + pass}},
		} {
			if strings.HasPrefix(v.suffix, ".trad") && !k.trad {
				continue
			}
			name := k.name + v.suffix
			mustRun(t, dir, ossl, append(v.args, "-in", p8, "-out", name)...)
			p := ""
			if strings.Contains(strings.Join(v.args, " "), "-passout") {
				p = pass
			}
			add(name, p, pubLine)
		}
	}

	if err := os.WriteFile(filepath.Join(dir, "ppkpass"), []byte(pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ppkempty"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []struct{ name, t, bits string }{{"ed", "ed25519", ""}, {"ec384", "ecdsa", "384"}, {"rsa", "rsa", "2048"}} {
		src := "src-" + k.name + ".ppk"
		args := []string{"-t", k.t, "-o", src, "-O", "private", "--new-passphrase", "ppkempty"}
		if k.bits != "" {
			args = append(args, "-b", k.bits)
		}
		mustRun(t, dir, pg, args...)
		pubLine := firstFields(t, mustRun(t, dir, pg, src, "-O", "public-openssh").stdout, 2)
		for _, ver := range []string{"2", "3"} {
			for _, enc := range []bool{false, true} {
				name, passFile, p := k.name+"-v"+ver+".ppk", "ppkempty", ""
				if enc {
					name, passFile, p = k.name+"-v"+ver+"-enc.ppk", "ppkpass", pass
				}
				mustRun(t, dir, pg, src, "-o", name, "-O", "private", "-C", "putty "+name,
					"--new-passphrase", passFile, "--ppk-param", "version="+ver)
				add(name, p, pubLine)
			}
		}
	}
	return files
}

// firstFields returns the first n blank-separated fields of out.
func firstFields(t *testing.T, out string, n int) string {
	t.Helper()
	f := strings.Fields(out)
	if len(f) < n {
		t.Fatalf("output %q has fewer than %d fields", out, n)
	}
	return strings.Join(f[:n], " ")
}

// TestOtherFormatsSideBySide checks -l and -y on PEM, PKCS #8 and PPK
// files: side by side with ssh-keygen where ssh-keygen reads the file,
// otherwise against the fingerprint and public key of the same key as
// ssh-keygen prints them from its OpenSSH public key line.
func TestOtherFormatsSideBySide(t *testing.T) {
	t.Parallel()
	kg := keygen(t)
	dir := t.TempDir()
	for _, f := range formatCorpus(t, kg, dir) {
		t.Run(f.name, func(t *testing.T) {
			ref := f.name + ".ref"
			if err := os.WriteFile(filepath.Join(dir, ref), []byte(f.pubLine+" ref\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, e := range []string{"sha256", "md5"} {
				wantFP := strings.Fields(mustRun(t, dir, kg, "-l", "-E", e, "-f", ref).stdout)[1]
				args := []string{"-l", "-E", e, "-f", f.name}
				if runProg(t, dir, nil, kg, args...).code == 0 {
					same(t, kg, dir, nil, args...)
					same(t, kg, dir, nil, "-lv", "-E", e, "-f", f.name)
					continue
				}
				if f.pass != "" && !strings.HasSuffix(f.name, ".ppk") {
					// No public key in clear: refused as ssh-keygen
					// refuses it, read with our -P extension.
					same(t, kg, dir, nil, args...)
					args = append(args, "-P", f.pass)
				}
				if got := strings.Fields(mustRun(t, dir, ours, args...).stdout); len(got) < 2 || got[1] != wantFP {
					t.Errorf("%s: fingerprint %v, want %s", strings.Join(args, " "), got, wantFP)
				}
			}

			yArgs := []string{"-y", "-f", f.name}
			if f.pass != "" {
				yArgs = []string{"-y", "-P", f.pass, "-f", f.name}
			}
			if runProg(t, dir, nil, kg, yArgs...).code == 0 {
				same(t, kg, dir, nil, yArgs...)
				if f.pass != "" {
					same(t, kg, dir, nil, "-y", "-P", "wrong", "-f", f.name)
					same(t, kg, dir, []byte(f.pass+"\n"), "-y", "-f", f.name)
				}
				return
			}
			if got := mustRun(t, dir, ours, yArgs...).stdout; !strings.HasPrefix(got, f.pubLine) {
				t.Errorf("-y: %q, want %s", got, f.pubLine)
			}
			if f.pass != "" {
				if r := runProg(t, dir, nil, ours, "-y", "-P", "wrong", "-f", f.name); r.code != exitFailure ||
					!strings.Contains(r.stderr, "incorrect passphrase") {
					t.Errorf("-y with a wrong passphrase: exit %d %q", r.code, r.stderr)
				}
			}
		})
	}
}
