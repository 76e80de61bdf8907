package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestGenerate makes keys of every type with ours and has ssh-keygen read
// them (encrypted with -a rounds too); compares the overwrite prompt.
func TestGenerate(t *testing.T) {
	t.Parallel()
	kg := keygen(t)
	dir := t.TempDir()
	for _, c := range [][]string{{"-t", "ed25519"}, {"-t", "ecdsa"}, {"-t", "ecdsa", "-b", "384"}, {"-t", "ecdsa", "-b", "521"}, {"-t", "rsa", "-b", "2048"}} {
		name := strings.Join(c, "")
		args := append([]string{"-q", "-N", "", "-C", "made by us", "-f", name}, c...)
		mustRun(t, dir, ours, args...)
		pub, _ := os.ReadFile(filepath.Join(dir, name+".pub"))
		y := mustRun(t, dir, kg, "-y", "-f", name)
		if y.stdout != string(pub) {
			t.Errorf("%s: ssh-keygen -y %q, .pub %q", name, y.stdout, pub)
		}
		same(t, kg, dir, nil, "-l", "-f", name)
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: private key mode %v %v", name, fi.Mode(), err)
		}
	}
	mustRun(t, dir, ours, "-q", "-t", "ed25519", "-N", "secret", "-a", "4", "-C", "enc", "-f", "enc")
	if r := mustRun(t, dir, kg, "-y", "-P", "secret", "-f", "enc"); !strings.HasSuffix(r.stdout, " enc\n") {
		t.Errorf("encrypted: %q", r.stdout)
	}

	// Overwrite prompt: "n" leaves the file, "y" replaces it.
	before, _ := os.ReadFile(filepath.Join(dir, "enc"))
	for _, prog := range []string{kg, ours} {
		r := runProg(t, dir, []byte("n\n"), prog, "-q", "-t", "ed25519", "-N", "", "-f", "enc")
		if r.code != 1 || r.stdout != "enc already exists.\nOverwrite (y/n)? " {
			t.Errorf("%s answering n: exit %d %q", filepath.Base(prog), r.code, r.stdout)
		}
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "enc")); string(after) != string(before) {
		t.Error("file changed after answering n")
	}
	r := runProg(t, dir, []byte("y\n"), ours, "-q", "-t", "ed25519", "-N", "", "-f", "enc")
	if after, _ := os.ReadFile(filepath.Join(dir, "enc")); r.code != 0 || string(after) == string(before) {
		t.Errorf("answering y: exit %d, replaced %v", r.code, string(after) != string(before))
	}

	// Not quiet: same messages as ssh-keygen, fingerprint and randomart
	// of the key written.
	r = mustRun(t, dir, ours, "-t", "ed25519", "-N", "", "-C", "loud", "-f", "loud")
	fp := mustRun(t, dir, kg, "-lv", "-f", "loud.pub").stdout
	lines := strings.SplitN(fp, "\n", 2)
	want := "Generating public/private ed25519 key pair.\nYour identification has been saved in loud\n" +
		"Your public key has been saved in loud.pub\nThe key fingerprint is:\n" +
		strings.Fields(lines[0])[1] + " loud\nThe key's randomart image is:\n" + lines[1]
	if r.stdout != want {
		t.Errorf("generate output:\n%s\nwant:\n%s", r.stdout, want)
	}
}

// TestChangePassphrase changes passphrases with ours and reads the result
// with ssh-keygen.
func TestChangePassphrase(t *testing.T) {
	t.Parallel()
	kg := keygen(t)
	dir := t.TempDir()
	mustRun(t, dir, kg, "-q", "-t", "ecdsa", "-N", "old", "-C", "cmt", "-f", "k")
	want := mustRun(t, dir, kg, "-y", "-P", "old", "-f", "k").stdout
	if r := runProg(t, dir, nil, ours, "-p", "-P", "bad", "-N", "new", "-f", "k"); r.code != 255 {
		t.Errorf("wrong old passphrase: exit %d", r.code)
	}
	r := mustRun(t, dir, ours, "-p", "-P", "old", "-N", "new", "-f", "k")
	if r.stdout != "Your identification has been saved with the new passphrase.\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	if got := mustRun(t, dir, kg, "-y", "-P", "new", "-f", "k").stdout; got != want {
		t.Errorf("after -p: %q want %q", got, want)
	}
	mustRun(t, dir, ours, "-p", "-P", "new", "-N", "", "-f", "k")
	if got := mustRun(t, dir, kg, "-y", "-f", "k").stdout; got != want {
		t.Errorf("after removing passphrase: %q want %q", got, want)
	}
}

// TestImportExportSideBySide compares -e in every mode and -i of the
// results with ssh-keygen's.
func TestImportExportSideBySide(t *testing.T) {
	t.Parallel()
	kg := keygen(t)
	dir := t.TempDir()
	keyCorpus(t, kg, dir)
	for _, f := range []string{"ed.pub", "ec256.pub", "ec384", "ec521.pub", "rsa.pub", "rsa", "dsa.pub", "garbage"} {
		for _, m := range []string{"", "RFC4716", "PKCS8", "PEM"} {
			args := []string{"-e", "-f", f}
			if m != "" {
				args = append(args, "-m", m)
			}
			r := same(t, kg, dir, nil, args...)
			if r.code != 0 {
				continue
			}
			out := filepath.Join(dir, "exported")
			os.WriteFile(out, []byte(r.stdout), 0o600)
			im := m
			if m == "PEM" && !strings.Contains(r.stdout, "RSA PUBLIC KEY") {
				im = "PKCS8"
			}
			args = []string{"-i", "-f", "exported"}
			if im != "" {
				args = append(args, "-m", im)
			}
			same(t, kg, dir, nil, args...)
		}
	}
}

// TestExportPPK writes PuTTY key files with -e -m PPK and has puttygen
// read them.
func TestExportPPK(t *testing.T) {
	t.Parallel()
	kg := keygen(t)
	pg := testpeer.Require(t, "puttygen")
	dir := t.TempDir()
	mustRun(t, dir, kg, "-q", "-t", "ed25519", "-N", "pw", "-C", "to putty", "-f", "k")
	os.WriteFile(filepath.Join(dir, "pass"), []byte("ppkpass\n"), 0o600)
	for _, enc := range []bool{false, true} {
		args := []string{"-e", "-m", "PPK", "-P", "pw", "-f", "k"}
		pgArgs := []string{"k.ppk", "-O", "public-openssh"}
		if enc {
			args = append(args, "-N", "ppkpass")
			pgArgs = append(pgArgs, "--old-passphrase", "pass")
		}
		r := mustRun(t, dir, ours, args...)
		os.WriteFile(filepath.Join(dir, "k.ppk"), []byte(r.stdout), 0o600)
		got := mustRun(t, dir, pg, pgArgs...).stdout
		want := mustRun(t, dir, kg, "-y", "-P", "pw", "-f", "k").stdout
		if got != want {
			t.Errorf("puttygen: %q want %q", got, want)
		}
		// And our -l/-y read the PPK back.
		if enc {
			same(t, kg, dir, nil, "-y", "-P", "pw", "-f", "k") // sanity of the source
			if r := mustRun(t, dir, ours, "-y", "-P", "ppkpass", "-f", "k.ppk"); r.stdout != want {
				t.Errorf("ours -y on PPK: %q", r.stdout)
			}
		}
	}
}

// TestExtraFormatsAccepted checks that -l and -y read the formats
// ssh-keygen itself refuses there (RFC 4716, PKIX, PPK) and print the
// same key as ssh-keygen does for the original.
func TestExtraFormatsAccepted(t *testing.T) {
	t.Parallel()
	kg := keygen(t)
	dir := t.TempDir()
	mustRun(t, dir, kg, "-q", "-t", "ecdsa", "-N", "", "-C", "orig", "-f", "k")
	wantFP := strings.Fields(mustRun(t, dir, kg, "-l", "-f", "k.pub").stdout)[1]
	wantLine := strings.Join(strings.Fields(mustRun(t, dir, kg, "-y", "-f", "k").stdout)[:2], " ")
	os.WriteFile(filepath.Join(dir, "k.rfc"), []byte(mustRun(t, dir, kg, "-e", "-f", "k.pub").stdout), 0o600)
	os.WriteFile(filepath.Join(dir, "k.pem"), []byte(mustRun(t, dir, kg, "-e", "-m", "PKCS8", "-f", "k.pub").stdout), 0o600)
	os.WriteFile(filepath.Join(dir, "k.ppk"), []byte(mustRun(t, dir, ours, "-e", "-m", "PPK", "-N", "x", "-f", "k").stdout), 0o600)
	for _, f := range []string{"k.rfc", "k.pem", "k.ppk"} {
		l := mustRun(t, dir, ours, "-l", "-f", f).stdout
		if fs := strings.Fields(l); len(fs) < 2 || fs[1] != wantFP {
			t.Errorf("%s: -l %q, want %s", f, l, wantFP)
		}
		y := mustRun(t, dir, ours, "-y", "-P", "x", "-f", f).stdout
		if !strings.HasPrefix(y, wantLine) {
			t.Errorf("%s: -y %q, want %s", f, y, wantLine)
		}
	}
	if r := runProg(t, dir, nil, ours, "-y", "-P", "wrong", "-f", "k.ppk"); r.code != 255 || !strings.Contains(r.stderr, "incorrect passphrase") {
		t.Errorf("PPK wrong passphrase: exit %d %q", r.code, r.stderr)
	}
}
