package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
	"go.uber.org/goleak"
)

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ssh2-sftp-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binPath = filepath.Join(dir, "ssh2-sftp")
	out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := 0
	func() {
		defer func() {
			if err := goleak.Find(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				code = 1
			}
		}()
		code = m.Run()
	}()
	os.RemoveAll(dir)
	os.Exit(code)
}

func randBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, ^seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func mustEqualFile(t *testing.T, p string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: %d bytes differ from the %d expected", p, len(got), len(want))
	}
}

func TestParseArgs(t *testing.T) {
	cl, err := parseArgs([]string{"-P", "2222", "-i", "k", "-oUser=x", "-b", "batch", "-F", "none", "bob@host:dir/sub"})
	if err != nil {
		t.Fatal(err)
	}
	if cl.port != 2222 || cl.host != "host" || cl.path != "dir/sub" || cl.batchFile != "batch" || cl.configFile != "none" {
		t.Fatalf("%+v", cl)
	}
	if u := cl.settings.Get("user"); u != "x" {
		t.Fatalf("user %q: the first -o User wins over user@", u)
	}
	if cl.settings.Get("batchmode") != "yes" {
		t.Fatal("-b does not imply BatchMode")
	}
	cl, err = parseArgs([]string{"[::1]:/tmp"})
	if err != nil || cl.host != "::1" || cl.path != "/tmp" {
		t.Fatalf("%+v %v", cl, err)
	}
	for _, bad := range [][]string{{}, {"-P"}, {"-P", "0", "h"}, {"-Z", "h"}, {"a", "b"}, {"@h"}} {
		if _, err := parseArgs(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSplitArgs(t *testing.T) {
	got, err := splitArgs(`put "a b" 'c d' e\ f  g`)
	if err != nil || strings.Join(got, "|") != "put|a b|c d|e f|g" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := splitArgs(`get "x`); err == nil {
		t.Fatal("unterminated quote accepted")
	}
}

// harness runs the binary against sshd with a batch of commands.
type harness struct {
	port  int
	key   string
	known string
	user  string
}

func startSSHD(t *testing.T) *harness {
	d := testpeer.StartSSHD(t, testpeer.SSHDOptions{})
	priv, pub := testpeer.GenerateKey(t, "ed25519", 0)
	d.AuthorizeKey(t, pub)
	kh := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(kh, []byte(strings.Join(d.KnownHosts(), "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &harness{port: d.Port, key: priv, known: kh, user: d.User}
}

func (h *harness) command(t *testing.T, dir, dest string, batch ...string) *exec.Cmd {
	t.Helper()
	return h.commandFor(t, binPath, dir, dest, batch)
}

// openSSHCommand is command for OpenSSH's sftp, so that tests can compare
// the two clients.
func (h *harness) openSSHCommand(t *testing.T, dir, dest string, batch ...string) *exec.Cmd {
	t.Helper()
	return h.commandFor(t, testpeer.Require(t, "sftp"), dir, dest, batch)
}

// commandFor runs bin with the options both clients share: no
// configuration or agent, the server's key in known_hosts, the
// authorized key, and the batch file.
func (h *harness) commandFor(t *testing.T, bin, dir, dest string, batch []string) *exec.Cmd {
	t.Helper()
	bf := filepath.Join(t.TempDir(), "batch")
	if err := os.WriteFile(bf, []byte(strings.Join(batch, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-P", fmt.Sprint(h.port), "-F", "none", "-i", h.key,
		"-o", "UserKnownHostsFile="+h.known, "-o", "GlobalKnownHostsFile=none",
		"-o", "IdentityAgent=none", "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=yes", "-b", bf, h.user+"@127.0.0.1"+dest)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "SSH_AUTH_SOCK=")
	return cmd
}

func (h *harness) run(t *testing.T, dir, dest string, batch ...string) (string, string, int) {
	t.Helper()
	return runBatch(t, h.command(t, dir, dest, batch...))
}

// runBatch runs cmd and returns its stdout, stderr and exit status.
func runBatch(t *testing.T, cmd *exec.Cmd) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestBatchAgainstSSHD(t *testing.T) {
	h := startSSHD(t)
	remote, local := t.TempDir(), t.TempDir()
	size := 32 << 20
	if testing.Short() {
		size = 4 << 20
	}
	up := randBytes(size+5, 1)
	down := randBytes(size/2+9, 2)
	os.WriteFile(filepath.Join(local, "up.bin"), up, 0o640)
	os.WriteFile(filepath.Join(remote, "down.bin"), down, 0o600)
	os.MkdirAll(filepath.Join(local, "tree/sub"), 0o755)
	os.WriteFile(filepath.Join(local, "tree/sub/x"), []byte("x-data"), 0o644)
	os.WriteFile(filepath.Join(local, "tree/y"), []byte("y-data"), 0o644)

	out, errs, code := h.run(t, local, ":"+remote,
		"pwd",
		"lpwd",
		"mkdir dir",
		"cd dir",
		"put up.bin",
		"put -p up.bin up-p.bin",
		"cd ..",
		"get down.bin got.bin",
		"ls -l dir",
		"ls",
		"rename dir/up.bin dir/renamed.bin",
		"ln -s renamed.bin dir/sym",
		"ln dir/renamed.bin dir/hard",
		"chmod 600 dir/renamed.bin",
		"df -h",
		"put -r tree tree",
		"get -r tree tree-back",
		"rm dir/hard",
		"-rm missing-file",
		"mkdir gone",
		"rmdir gone",
		"lcd tree",
		"get down.bin",
		"help",
		"bye",
	)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	mustEqualFile(t, filepath.Join(remote, "dir/renamed.bin"), up)
	mustEqualFile(t, filepath.Join(remote, "dir/up-p.bin"), up)
	mustEqualFile(t, filepath.Join(local, "got.bin"), down)
	mustEqualFile(t, filepath.Join(local, "tree/down.bin"), down)
	mustEqualFile(t, filepath.Join(remote, "tree/sub/x"), []byte("x-data"))
	mustEqualFile(t, filepath.Join(local, "tree-back/y"), []byte("y-data"))
	mustEqualFile(t, filepath.Join(local, "tree-back/sub/x"), []byte("x-data"))
	if fi, err := os.Stat(filepath.Join(remote, "dir/renamed.bin")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("chmod: %v %v", fi, err)
	}
	if fi, err := os.Stat(filepath.Join(remote, "dir/up-p.bin")); err != nil || fi.Mode().Perm() != 0o640 {
		t.Fatalf("put -p mode: %v %v", fi, err)
	}
	if l, err := os.Readlink(filepath.Join(remote, "dir/sym")); err != nil || l != "renamed.bin" {
		t.Fatalf("symlink: %q %v", l, err)
	}
	for _, gone := range []string{"dir/hard", "gone", "dir/up.bin"} {
		if _, err := os.Lstat(filepath.Join(remote, gone)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still exists: %v", gone, err)
		}
	}
	for _, want := range []string{
		"sftp> get down.bin got.bin\n",
		"Remote working directory: " + remote + "\n",
		"Local working directory: " + local + "\n",
		"dir/up.bin\n",
		"down.bin\n",
		"%Capacity",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\r") {
		t.Error("progress bar drawn although stdout is not a terminal")
	}
	if !strings.Contains(errs, "missing-file") {
		t.Errorf("ignored error not reported on stderr: %q", errs)
	}
}

func TestBatchAbortsOnError(t *testing.T) {
	h := startSSHD(t)
	remote := t.TempDir()
	out, errs, code := h.run(t, t.TempDir(), ":"+remote,
		"mkdir a",
		"rmdir does-not-exist",
		"mkdir b",
	)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(remote, "a")); err != nil {
		t.Errorf("first command not run: %v", err)
	}
	if _, err := os.Stat(filepath.Join(remote, "b")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("command after the failure was run: %v", err)
	}
	if strings.Contains(out, "sftp> mkdir b") {
		t.Errorf("echoed a command after the failure:\n%s", out)
	}
	if !strings.Contains(errs, "does-not-exist") {
		t.Errorf("stderr: %q", errs)
	}

	// An unknown command fails too; a bad host key fails the connection.
	_, _, code = h.run(t, t.TempDir(), "", "frobnicate")
	if code != 1 {
		t.Fatalf("unknown command: exit %d", code)
	}
	os.WriteFile(h.known, []byte(fmt.Sprintf("[127.0.0.1]:%d ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n", h.port)), 0o600)
	_, errs, code = h.run(t, t.TempDir(), "", "pwd")
	if code != 255 || !strings.Contains(errs, "Host key verification failed") {
		t.Fatalf("changed host key: exit %d, stderr %q", code, errs)
	}
}

func TestDestinationFileIsFetched(t *testing.T) {
	h := startSSHD(t)
	remote, local := t.TempDir(), t.TempDir()
	data := randBytes(1<<20+1, 3)
	os.WriteFile(filepath.Join(remote, "f.bin"), data, 0o600)
	out, errs, code := h.run(t, local, ":"+filepath.Join(remote, "f.bin"))
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	mustEqualFile(t, filepath.Join(local, "f.bin"), data)
}

// TestCommandsOnStdin runs commands read from a pipe without -b: they are
// echoed, and a failure does not stop the ones after it.
func TestCommandsOnStdin(t *testing.T) {
	h := startSSHD(t)
	remote := t.TempDir()
	cmd := h.command(t, t.TempDir(), ":"+remote)
	args := cmd.Args[:0]
	for i := 0; i < len(cmd.Args); i++ {
		if cmd.Args[i] == "-b" {
			i++
			continue
		}
		args = append(args, cmd.Args[i])
	}
	cmd.Args = args
	cmd.Stdin = strings.NewReader("rmdir nope\nmkdir after\nquit\nmkdir never\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errb.String())
	}
	if _, err := os.Stat(filepath.Join(remote, "after")); err != nil {
		t.Errorf("command after a failure not run: %v", err)
	}
	if _, err := os.Stat(filepath.Join(remote, "never")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("command after quit was run: %v", err)
	}
	if !strings.Contains(out.String(), "sftp> mkdir after\n") || !strings.Contains(errb.String(), "nope") {
		t.Errorf("stdout %q stderr %q", out.String(), errb.String())
	}
}

func FuzzSplitArgs(f *testing.F) {
	for _, s := range []string{`put "a b" c`, `get 'x\' y`, `ls \ -l`, `"`, ``, "mkdir\t\td"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words, err := splitArgs(line)
		if err != nil {
			return
		}
		// Words contain no unquoted separators: rejoining quoted words
		// and splitting again gives the same words.
		var b strings.Builder
		for i, w := range words {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteByte('\'')
			b.WriteString(strings.ReplaceAll(w, "'", `'"'"'`))
			b.WriteByte('\'')
		}
		again, err := splitArgs(b.String())
		if err != nil || strings.Join(again, "\x00") != strings.Join(words, "\x00") {
			t.Fatalf("%q -> %q -> %q (%v)", line, words, again, err)
		}
	})
}
