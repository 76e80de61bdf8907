package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/sshd"
	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/keys"
)

func TestStartupOutput(t *testing.T) {
	s := startDaemon(t)
	fp, err := testpeer.Fingerprint(s.hostPub)
	if err != nil {
		t.Fatal(err)
	}
	// The same line ssh-keygen -l prints: bits, fingerprint, name, type.
	want := []string{
		"ssh2d: created host key " + s.hostKey,
		"ssh2d: host key 256 " + fp + " " + s.hostKey + " (ED25519)",
	}
	if len(s.startup) != 3 || s.startup[0] != want[0] || s.startup[1] != want[1] {
		t.Errorf("start-up output %q; want %q then the address", s.startup, want)
	}
	fi, err := os.Stat(s.hostKey)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("host key file: %v, mode %v", err, fi.Mode())
	}
	if out, err := exec.Command(testpeer.Require(t, "ssh-keygen"), "-l", "-f", s.hostKey).Output(); err != nil ||
		!strings.HasPrefix(string(out), "256 "+fp+" ") {
		t.Errorf("ssh-keygen -l on the created key: %q, %v", out, err)
	}
	// A second start loads the existing key instead of replacing it.
	d2 := startDaemonArgs(t, nil, "-listen", "127.0.0.1:0", "-hostkey", s.hostKey, "-authorized-keys", "/nonexistent")
	if len(d2.startup) != 2 || d2.startup[0] != want[1] {
		t.Errorf("second start-up output %q", d2.startup)
	}
}

func TestDefaultHostKeyLocation(t *testing.T) {
	cfgDir := t.TempDir()
	d := startDaemonArgs(t, []string{"XDG_CONFIG_HOME=" + cfgDir}, "-listen", "127.0.0.1:0", "-authorized-keys", "/nonexistent")
	path := filepath.Join(cfgDir, "ssh2d", "ssh_host_ed25519_key")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("default host key: %v (start-up %q)", err, d.startup)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 || !bytes.HasPrefix(data, []byte("-----BEGIN OPENSSH PRIVATE KEY-----")) {
		t.Errorf("default host key mode %v, content %.40q", fi.Mode(), data)
	}
	if _, err := keys.ParsePrivateKey(data); err != nil {
		t.Error(err)
	}
}

func TestExecExitCodesAndStderr(t *testing.T) {
	s := startDaemon(t)
	for _, code := range []int{0, 1, 3, 42} {
		out, errOut, got := output(t, s.ssh(t, testpeer.ClientOptions{Command: []string{"echo out; echo err >&2; exit " + strconv.Itoa(code)}}))
		if got != code || out != "out\n" || !strings.Contains(errOut, "err\n") || strings.Contains(out, "err") {
			t.Errorf("exit %d: got code %d, stdout %q, stderr %q", code, got, out, errOut)
		}
	}
}

func TestEnvironment(t *testing.T) {
	s := startDaemon(t)
	u := currentUser(t)
	cmd := s.ssh(t, testpeer.ClientOptions{
		Options: []string{"SendEnv=LANG LC_TIME SSH2D_NOT_ACCEPTED"},
		Command: []string{`printf '%s\n' "$USER" "$LOGNAME" "$HOME" "$SSH_CONNECTION" "$SSH_CLIENT" "$LANG" "$LC_TIME" "x$SSH2D_NOT_ACCEPTED" "${SSH_TTY-notty}" "$MAIL"; pwd; printf '%s\n' "$PATH"`},
	})
	cmd.Env = append(cmd.Env, "LANG=C.UTF-8", "LC_TIME=C", "SSH2D_NOT_ACCEPTED=1")
	out, errOut, code := output(t, cmd)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	l := strings.Split(out, "\n")
	if len(l) < 12 {
		t.Fatalf("output %q", out)
	}
	conn := regexp.MustCompile(`^127\.0\.0\.1 (\d+) 127\.0\.0\.1 ` + strconv.Itoa(s.port) + `$`)
	want := []string{u.Username, u.Username, u.HomeDir}
	for i, w := range want {
		if l[i] != w {
			t.Errorf("line %d = %q, want %q", i, l[i], w)
		}
	}
	if !conn.MatchString(l[3]) {
		t.Errorf("SSH_CONNECTION = %q", l[3])
	}
	if m := conn.FindStringSubmatch(l[3]); m == nil || l[4] != "127.0.0.1 "+m[1]+" "+strconv.Itoa(s.port) {
		t.Errorf("SSH_CLIENT = %q (SSH_CONNECTION %q)", l[4], l[3])
	}
	if l[5] != "C.UTF-8" || l[6] != "C" || l[7] != "x" || l[8] != "notty" || l[9] != "/var/mail/"+u.Username || l[10] != u.HomeDir {
		t.Errorf("LANG, LC_TIME, unaccepted, SSH_TTY, MAIL, pwd = %q", l[5:11])
	}
	// The shell's start-up files may prepend to PATH; sshd's default
	// must still be there.
	if !strings.HasSuffix(l[11], sshd.DefaultPath) {
		t.Errorf("PATH = %q, want it to end in %q", l[11], sshd.DefaultPath)
	}
}

func TestBulkStdinToStdout(t *testing.T) {
	s := startDaemon(t)
	in := make([]byte, 8<<20)
	if _, err := rand.Read(in); err != nil {
		t.Fatal(err)
	}
	cmd := s.ssh(t, testpeer.ClientOptions{Command: []string{"cat"}})
	cmd.Stdin = bytes.NewReader(in)
	out, errOut, code := output(t, cmd)
	if code != 0 || !bytes.Equal([]byte(out), in) {
		t.Errorf("cat: exit %d, %d bytes back of %d, equal %v; stderr %s", code, len(out), len(in), out == string(in), errOut)
	}
}

func TestPTY(t *testing.T) {
	s := startDaemon(t)
	out, errOut, code := output(t, s.ssh(t, testpeer.ClientOptions{Args: []string{"-tt"}, Command: []string{`tty; echo "$SSH_TTY"`}}))
	l := strings.Split(strings.TrimRight(out, "\r\n"), "\r\n")
	if code != 0 || len(l) != 2 || !regexp.MustCompile(`^/dev/pts/\d+$`).MatchString(l[0]) || l[1] != l[0] {
		t.Errorf("ssh -tt tty: exit %d, output %q, stderr %q", code, out, errOut)
	}
	// Run ssh on a terminal of a known size: the remote PTY gets it.
	cmd := s.ssh(t, testpeer.ClientOptions{Args: []string{"-tt"}, Command: []string{"stty size; echo $TERM"}})
	cmd.Env = append(cmd.Env, "TERM=xterm-256color")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 37, Cols: 111})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	got, _ := io.ReadAll(ptmx) // ends with EIO when ssh exits
	if err := cmd.Wait(); err != nil {
		t.Errorf("ssh on a terminal: %v, output %q", err, got)
	}
	if !strings.Contains(string(got), "37 111\r\nxterm-256color\r\n") {
		t.Errorf("stty size on the remote PTY: %q", got)
	}
}

func TestPasswordAndKeyboardInteractive(t *testing.T) {
	u := currentUser(t)
	s := startDaemon(t, "-password", u.Username+":correct horse", "-password", "someone-else:pw")
	for _, method := range []string{"password", "keyboard-interactive"} {
		opts := func(pw string) testpeer.ClientOptions {
			return testpeer.ClientOptions{Password: pw, Options: []string{"PreferredAuthentications=" + method}, Command: []string{"echo in"}}
		}
		if out, errOut, code := output(t, s.ssh(t, opts("correct horse"))); code != 0 || out != "in\n" {
			t.Errorf("%s: exit %d, out %q, stderr %s", method, code, out, errOut)
		}
		if _, _, code := output(t, s.ssh(t, opts("wrong"))); code != 255 {
			t.Errorf("%s with a wrong password: exit %d, want 255", method, code)
		}
		o := opts("pw")
		o.User = "someone-else"
		if _, _, code := output(t, s.ssh(t, o)); code != 255 {
			t.Errorf("%s as another user: exit %d, want 255", method, code)
		}
	}
}

func TestRejections(t *testing.T) {
	s := startDaemon(t)
	other, _ := testpeer.GenerateKey(t, "ed25519", 0)
	if _, errOut, code := output(t, s.ssh(t, testpeer.ClientOptions{IdentityFile: other, Command: []string{"true"}})); code != 255 || !strings.Contains(errOut, "Permission denied") {
		t.Errorf("unlisted key: exit %d, stderr %q", code, errOut)
	}
	if _, errOut, code := output(t, s.ssh(t, testpeer.ClientOptions{User: "ssh2d-nobody", Command: []string{"true"}})); code != 255 || !strings.Contains(errOut, "Permission denied") {
		t.Errorf("other user name: exit %d, stderr %q", code, errOut)
	}
	// No -password: password logins are not offered at all.
	if _, _, code := output(t, s.ssh(t, testpeer.ClientOptions{Password: "x", Options: []string{"PreferredAuthentications=password"}, Command: []string{"true"}})); code != 255 {
		t.Errorf("password without -password: exit %d", code)
	}
}

func TestCipherOption(t *testing.T) {
	s := startDaemon(t, "-o", "Ciphers=aes256-ctr")
	if _, errOut, code := output(t, s.ssh(t, testpeer.ClientOptions{Options: []string{"Ciphers=aes128-ctr"}, Command: []string{"true"}})); code != 255 || !strings.Contains(errOut, "no matching cipher") {
		t.Errorf("aes128-ctr against Ciphers=aes256-ctr: exit %d, stderr %q", code, errOut)
	}
	if out, errOut, code := output(t, s.ssh(t, testpeer.ClientOptions{Options: []string{"Ciphers=aes256-ctr"}, Command: []string{"echo ok"}})); code != 0 || out != "ok\n" {
		t.Errorf("aes256-ctr: exit %d, %q, stderr %q", code, out, errOut)
	}
}

func TestAlgorithmOptionsLive(t *testing.T) {
	// Options that add NIST-curve key exchange and remove the default
	// MACs; the client must then use exactly those.
	s := startDaemon(t, "-o", "KexAlgorithms=+ecdh-sha2-nistp256", "-o", "MACs=hmac-sha2-512", "-o", "Ciphers=aes128-ctr", "-o", "RekeyLimit=1M 1h", "-o", "maxauthtries=3", "-o", "LoginGraceTime=1m")
	cmd := s.ssh(t, testpeer.ClientOptions{Options: []string{"KexAlgorithms=ecdh-sha2-nistp256"}, Verbose: true, Command: []string{"head -c 3000000 /dev/zero"}})
	out, errOut, code := output(t, cmd)
	if code != 0 || out != string(make([]byte, 3000000)) {
		t.Fatalf("exit %d, %d bytes of output, stderr %s", code, len(out), errOut)
	}
	for _, want := range []string{"kex: algorithm: ecdh-sha2-nistp256", "cipher: aes128-ctr MAC: hmac-sha2-512"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("ssh -v does not show %q", want)
		}
	}
	// RekeyLimit=1M: 3 MB of output makes the server re-key.
	if strings.Count(errOut, "SSH2_MSG_KEXINIT received") < 2 {
		t.Errorf("no re-key seen with RekeyLimit=1M")
	}
}

func TestBadOptions(t *testing.T) {
	for _, args := range [][]string{
		{"-o", "NoSuchKeyword=1"},
		{"-o", "Ciphers=rot13"},
		{"-o", "RekeyLimit=lots"},
		{"-password", "nocolon"},
		{"-nosuchflag"},
		{"stray-argument"},
	} {
		cmd := exec.Command(ssh2dBin, append([]string{"-listen", "127.0.0.1:0", "-hostkey", filepath.Join(t.TempDir(), "k")}, args...)...)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("%q: %v, want exit status 2; output %q", args, err, out)
		}
		if args[0] == "-o" && !strings.Contains(string(out), strings.SplitN(args[1], "=", 2)[0]) {
			t.Errorf("%q: message %q does not name the keyword", args, out)
		}
		if strings.Contains(string(out), "listening") {
			t.Errorf("%q: started anyway", args)
		}
	}
}

func TestSignalThroughLibraryClient(t *testing.T) {
	s := startDaemon(t)
	data, err := os.ReadFile(s.identity)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := keys.ParsePrivateKey(data)
	if err != nil {
		t.Fatal(err)
	}
	host, _, _, _, err := keys.ParseAuthorizedKey([]byte(s.hostPub))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ssh2.Dial(t.Context(), "tcp", "127.0.0.1:"+strconv.Itoa(s.port), &ssh2.ClientConfig{
		User: currentUser(t).Username, Auth: []ssh2.AuthMethod{ssh2.PublicKeys(signer)}, HostKeyCallback: ssh2.FixedHostKey(host)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ch, err := c.Exec(context.Background(), "echo ready; exec sleep 1000", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	buf := make([]byte, 6)
	if _, err := io.ReadFull(ch, buf); err != nil || string(buf) != "ready\n" {
		t.Fatalf("read %q, %v", buf, err)
	}
	if err := ch.Signal(ssh2.SIGINT); err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, ch)
	var ee *ssh2.ExitError
	if err := ch.Wait(); !errors.As(err, &ee) || ee.Signal != "INT" || ee.CoreDumped {
		t.Errorf("Wait = %v; want exit signal INT", err)
	}
}

func TestSIGTERMCleanExit(t *testing.T) {
	s := startDaemon(t)
	if out, _, code := output(t, s.ssh(t, testpeer.ClientOptions{Command: []string{"echo up"}})); code != 0 || out != "up\n" {
		t.Fatalf("exit %d, %q", code, out)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit status %d after SIGTERM", code)
	}
	// SIGINT too.
	s2 := startDaemon(t)
	if err := s2.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	<-s2.done
	if s2.waitErr != nil {
		t.Errorf("after SIGINT: %v", s2.waitErr)
	}
}

func TestSSHAudit(t *testing.T) {
	audit := testpeer.Require(t, "ssh-audit")
	s := startDaemon(t)
	out, _ := exec.Command(audit, "-n", "-p", strconv.Itoa(s.port), "127.0.0.1").CombinedOutput()
	if !strings.Contains(string(out), "(kex) curve25519-sha256") {
		t.Fatalf("ssh-audit did not audit the server:\n%s", out)
	}
	var fails []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "[fail]") {
			fails = append(fails, l)
		}
	}
	if len(fails) > 0 {
		t.Errorf("ssh-audit reports failures against ssh2d with no -o flags:\n%s", strings.Join(fails, "\n"))
	}
}

func TestSubsystemOption(t *testing.T) {
	server := testpeer.Require(t, "sftp-server", "/usr/lib/openssh", "/usr/libexec/openssh", "/usr/libexec")
	s := startDaemon(t, "-o", "Subsystem=sftp "+server)
	dir := t.TempDir()
	want := []byte("through the sftp subsystem\n")
	if err := os.WriteFile(filepath.Join(dir, "src"), want, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := sftpBatch(t, s, "put "+filepath.Join(dir, "src")+" "+filepath.Join(dir, "dst")+"\n"); err != nil {
		t.Fatalf("sftp: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "dst"))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("copied file %q, %v", got, err)
	}
}

// sftpBatch runs OpenSSH's sftp -b against the daemon, reusing the
// harness's ssh options through a -S wrapper.
func sftpBatch(t *testing.T, s *testSetup, batch string) ([]byte, error) {
	t.Helper()
	sftp := testpeer.Require(t, "sftp")
	probe := s.ssh(t, testpeer.ClientOptions{})
	wrapper := filepath.Join(t.TempDir(), "ssh-wrapper")
	// ssh's own arguments up to the destination, minus the destination.
	args := probe.Args[1 : len(probe.Args)-1]
	var quoted []string
	for _, a := range args {
		quoted = append(quoted, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
	}
	script := "#!/bin/sh\nexec " + probe.Path + " " + strings.Join(quoted, " ") + ` "$@"` + "\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(sftp, "-b", "-", "-S", wrapper, "127.0.0.1")
	cmd.Stdin = strings.NewReader(batch)
	cmd.Env = probe.Env
	return cmd.CombinedOutput()
}

// TestBuiltinSFTP serves SFTP in process, confined to -sftp-root.
func TestBuiltinSFTP(t *testing.T) {
	root := t.TempDir()
	s := startDaemon(t, "-sftp-root", root)
	src := filepath.Join(t.TempDir(), "src")
	want := bytes.Repeat([]byte("in-process sftp\n"), 100000)
	if err := os.WriteFile(src, want, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := sftpBatch(t, s, "mkdir d\nput "+src+" d/dst\n"); err != nil {
		t.Fatalf("sftp: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(root, "d", "dst"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("uploaded %d bytes, %v", len(got), err)
	}
	// Outside the root is refused.
	if out, err := sftpBatch(t, s, "get /etc/hostname "+filepath.Join(t.TempDir(), "x")+"\n"); err == nil {
		t.Fatalf("escaped the sftp root:\n%s", out)
	}
}

func TestInteractiveShell(t *testing.T) {
	s := startDaemon(t)
	u, err := sshd.CurrentUser()
	if err != nil {
		t.Fatal(err)
	}
	cmd := s.ssh(t, testpeer.ClientOptions{Args: []string{"-tt"}})
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	// Typed ahead: the remote terminal buffers it until the shell reads.
	if _, err := io.WriteString(ptmx, "echo \"[$0][$SSH_TTY]\"; exit 5\r"); err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(ptmx)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 5 {
		t.Errorf("ssh exit: %v; want status 5 (output %q)", err, got)
	}
	re := regexp.MustCompile(`\[-` + regexp.QuoteMeta(filepath.Base(u.Shell)) + `\]\[/dev/pts/\d+\]\r\n`)
	if !re.Match(got) {
		t.Errorf("login shell output %q does not match %v", got, re)
	}
}

func TestLoginGraceTime(t *testing.T) {
	s := startDaemon(t, "-o", "LoginGraceTime=1")
	c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A client that never authenticates is disconnected: the read ends
	// (the deadline only keeps a broken server from hanging the test).
	c.SetReadDeadline(time.Now().Add(startupTimeout))
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("connection not closed by the server: %v", err)
	}
	if !bytes.HasPrefix(got, []byte("SSH-2.0-")) {
		t.Errorf("server sent %q", got)
	}
}
