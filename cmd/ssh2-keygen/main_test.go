package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// ours is the path of the ssh2-keygen binary built for the tests.
var ours string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ssh2-keygen-test")
	if err != nil {
		panic(err)
	}
	ours = filepath.Join(dir, "ssh2-keygen")
	if runtime.GOOS == "windows" {
		ours += ".exe"
	}
	build := exec.Command("go", "build", "-o", ours, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// runProg runs prog in dir with stdin and returns its output and status.
func runProg(t *testing.T, dir string, stdin []byte, prog string, args ...string) result {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SSH_AUTH_SOCK=", "LC_ALL=C", "DISPLAY=", "SSH_ASKPASS=")
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", prog, err)
	}
	return r
}

// mustRun runs prog and fails the test unless it exits 0.
func mustRun(t *testing.T, dir string, prog string, args ...string) result {
	t.Helper()
	r := runProg(t, dir, nil, prog, args...)
	if r.code != 0 {
		t.Fatalf("%s %s: exit %d\n%s%s", filepath.Base(prog), strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// same runs ssh-keygen and ours with the same arguments and input and
// requires equal standard output and exit status.
func same(t *testing.T, kg, dir string, stdin []byte, args ...string) result {
	t.Helper()
	want := runProg(t, dir, stdin, kg, args...)
	got := runProg(t, dir, stdin, ours, args...)
	if got.stdout != want.stdout || got.code != want.code {
		t.Errorf("%s:\nssh-keygen exit %d:\n%s%s\nssh2-keygen exit %d:\n%s%s", strings.Join(args, " "),
			want.code, want.stdout, want.stderr, got.code, got.stdout, got.stderr)
	}
	return got
}

func keygen(t *testing.T) string { return testpeer.Require(t, "ssh-keygen") }

// keyCorpus makes keys with ssh-keygen in dir: every type, plain and
// encrypted ("pw", 2 KDF rounds to keep tests quick), with and without
// .pub files, plus a certificate, an authorized_keys and a known_hosts
// file. It returns the file names.
func keyCorpus(t *testing.T, kg, dir string) []string {
	t.Helper()
	var names []string
	for _, k := range []struct{ name, t, b string }{
		{"ed", "ed25519", ""}, {"ec256", "ecdsa", "256"}, {"ec384", "ecdsa", "384"}, {"ec521", "ecdsa", "521"},
		{"rsa", "rsa", "2048"}, {"dsa", "dsa", "1024"},
	} {
		base := []string{"-q", "-t", k.t}
		if k.b != "" {
			base = append(base, "-b", k.b)
		}
		mustRun(t, dir, kg, append(base, "-N", "", "-C", "c "+k.name, "-f", k.name)...)
		mustRun(t, dir, kg, append(base, "-a", "2", "-N", "pw", "-C", "enc "+k.name, "-f", k.name+"-enc")...)
		names = append(names, k.name, k.name+".pub", k.name+"-enc", k.name+"-enc.pub")
		copyFile(t, filepath.Join(dir, k.name), filepath.Join(dir, k.name+"-alone"))
		copyFile(t, filepath.Join(dir, k.name+"-enc"), filepath.Join(dir, k.name+"-enc-alone"))
		names = append(names, k.name+"-alone", k.name+"-enc-alone")
	}
	mustRun(t, dir, kg, "-q", "-s", "ed", "-I", "id", "-n", "u", "rsa.pub")
	names = append(names, "rsa-cert.pub")
	var ak, kh bytes.Buffer
	for _, n := range []string{"ed.pub", "rsa.pub", "ec256.pub"} {
		b, _ := os.ReadFile(filepath.Join(dir, n))
		ak.WriteString("# comment line\nno-pty,command=\"echo hi\" ")
		ak.Write(b)
		kh.WriteString("host1,[host2]:2222 ")
		kh.Write(b)
	}
	os.WriteFile(filepath.Join(dir, "authorized_keys"), ak.Bytes(), 0o600)
	os.WriteFile(filepath.Join(dir, "known_hosts"), kh.Bytes(), 0o600)
	os.WriteFile(filepath.Join(dir, "garbage"), []byte("not a key\n"), 0o600)
	return append(names, "authorized_keys", "known_hosts", "garbage", "missing")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestFingerprintSideBySide compares -l, -lv and -l -E md5 output and
// exit status with ssh-keygen's over the corpus.
func TestFingerprintSideBySide(t *testing.T) {
	t.Parallel()
	kg := keygen(t)
	dir := t.TempDir()
	for _, f := range keyCorpus(t, kg, dir) {
		same(t, kg, dir, nil, "-l", "-f", f)
		same(t, kg, dir, nil, "-lv", "-E", "md5", "-f", f)
		same(t, kg, dir, nil, "-l", "-v", "-f", f)
	}
	same(t, kg, dir, nil, "-l", "-E", "sha1024", "-f", "ed.pub")
}

// TestPrintPublicSideBySide compares -y with right, wrong and missing
// passphrases.
func TestPrintPublicSideBySide(t *testing.T) {
	t.Parallel()
	kg := keygen(t)
	dir := t.TempDir()
	for _, f := range keyCorpus(t, kg, dir) {
		if strings.HasSuffix(f, ".pub") || f == "authorized_keys" || f == "known_hosts" {
			continue // ssh-keygen -y wants a private key; ours also prints public files
		}
		if strings.Contains(f, "-enc") {
			same(t, kg, dir, nil, "-y", "-P", "pw", "-f", f)
			same(t, kg, dir, nil, "-y", "-P", "wrong", "-f", f)
			same(t, kg, dir, []byte("pw\n"), "-y", "-f", f)
			continue
		}
		same(t, kg, dir, nil, "-y", "-f", f)
	}
}
