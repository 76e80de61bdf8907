//go:build unix

package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
	"go.uber.org/goleak"
)

// binary is the ssh2 command built for these tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ssh2-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "ssh2")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building ssh2: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := 0
	func() {
		defer os.RemoveAll(dir)
		goleak.VerifyTestMain(exitCatcher{m, &code})
	}()
	os.Exit(code)
}

// exitCatcher lets TestMain remove the binary before exiting.
type exitCatcher struct {
	m    *testing.M
	code *int
}

func (e exitCatcher) Run() int { *e.code = e.m.Run(); return *e.code }

// peer is a running sshd with an authorized key for the test user, and a
// private HOME for ssh2.
type peer struct {
	srv        *testpeer.SSHD
	key        string // private key authorized for srv.User
	home       string
	knownHosts string
}

func startPeer(t *testing.T, opts testpeer.SSHDOptions) *peer {
	t.Helper()
	if opts.Config == nil {
		// At DEBUG levels sshd copies its session-side log lines to the
		// client's stderr.
		opts.Config = []string{"LogLevel INFO"}
	}
	srv := testpeer.StartSSHD(t, opts)
	key, pub := testpeer.GenerateKey(t, "ed25519", 0)
	srv.AuthorizeKey(t, pub)
	home := t.TempDir()
	return &peer{srv: srv, key: key, home: home, knownHosts: filepath.Join(home, "known_hosts")}
}

// trustHost writes the server's keys to the known_hosts file.
func (p *peer) trustHost(t *testing.T) {
	t.Helper()
	writeFile(t, p.knownHosts, strings.Join(p.srv.KnownHosts(), "\n")+"\n")
}

// command returns an ssh2 command for the server: no configuration files,
// the private known_hosts file, strict checking, batch mode and the
// authorized key, then args.
func (p *peer) command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	base := []string{"-F", "none",
		"-o", "UserKnownHostsFile=" + p.knownHosts,
		"-o", "GlobalKnownHostsFile=none",
		"-o", "StrictHostKeyChecking=yes",
		"-o", "BatchMode=yes",
		"-i", p.key,
		"-p", strconv.Itoa(p.srv.Port),
		"-l", p.srv.User,
	}
	// The caller's options come first, so they win over the base (first
	// value wins); the destination "127.0.0.1" and command follow.
	i := slices.Index(args, "127.0.0.1")
	if i < 0 {
		t.Fatal("command: no destination")
	}
	all := append(append(slices.Clone(args[:i]), base...), args[i:]...)
	return ssh2Command(t, p.home, all...)
}

// ssh2Command runs the binary detached from any terminal, with HOME set to
// home and no agent or askpass settings from the environment.
func ssh2Command(t *testing.T, home string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(t.Context(), binary, args...)
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "HOME", "SSH_AUTH_SOCK", "SSH_ASKPASS", "SSH_ASKPASS_REQUIRE", "DISPLAY", "WAYLAND_DISPLAY":
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, "HOME="+home)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return cmd
}

// result is a finished ssh2 run.
type result struct {
	code           int
	stdout, stderr string
}

func runCmd(t *testing.T, cmd *exec.Cmd, stdin []byte) result {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running ssh2: %v", err)
		}
		code = ee.ExitCode()
	}
	return result{code, out.String(), errOut.String()}
}

// hostName is the server's name in known_hosts.
func (p *peer) hostName() string { return fmt.Sprintf("[127.0.0.1]:%d", p.srv.Port) }

func TestExecStatusAndStreams(t *testing.T) {
	p := startPeer(t, testpeer.SSHDOptions{})
	p.trustHost(t)
	for _, c := range []struct {
		cmd        []string
		code       int
		out, errOu string
	}{
		{[]string{"exit 3"}, 3, "", ""},
		{[]string{"true"}, 0, "", ""},
		{[]string{"echo", "out;", "echo", "err", ">&2;", "exit", "42"}, 42, "out\n", "err\n"},
		{[]string{"kill -9 $$"}, 255, "", ""},
	} {
		r := runCmd(t, p.command(t, append([]string{"127.0.0.1"}, c.cmd...)...), nil)
		if r.code != c.code || r.stdout != c.out || r.stderr != c.errOu {
			t.Errorf("%q: code %d stdout %q stderr %q; want %d %q %q", c.cmd, r.code, r.stdout, r.stderr, c.code, c.out, c.errOu)
		}
	}
}

func TestStdinPassthrough(t *testing.T) {
	p := startPeer(t, testpeer.SSHDOptions{})
	p.trustHost(t)
	data := make([]byte, 3<<20+12345)
	rand.Read(data)
	// RekeyLimit makes the client re-key during the transfer; -v shows
	// each key exchange.
	r := runCmd(t, p.command(t, "-v", "-o", "RekeyLimit=1M", "127.0.0.1", "cat"), data)
	if r.code != 0 || r.stdout != string(data) {
		t.Fatalf("cat: code %d, got %d bytes (equal=%v), stderr %q", r.code, len(r.stdout), r.stdout == string(data), r.stderr)
	}
	if n := strings.Count(r.stderr, "kex: algorithm:"); n < 3 {
		t.Errorf("%d key exchanges for %d bytes with RekeyLimit=1M", n, len(data))
	}
	// EOF reaches the remote command: wc ends and reports the count.
	r = runCmd(t, p.command(t, "127.0.0.1", "wc", "-c"), data[:100000])
	if r.code != 0 || strings.TrimSpace(r.stdout) != "100000" {
		t.Fatalf("wc -c: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestKnownHosts(t *testing.T) {
	keygen := testpeer.Require(t, "ssh-keygen")
	p := startPeer(t, testpeer.SSHDOptions{HostKeyTypes: []string{"ssh-ed25519"}})

	// Unknown host with strict checking.
	r := runCmd(t, p.command(t, "127.0.0.1", "true"), nil)
	if r.code != 255 || !strings.Contains(r.stderr, "No ED25519 host key is known for "+p.hostName()) ||
		!strings.Contains(r.stderr, "Host key verification failed.") {
		t.Fatalf("unknown host: code %d stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(p.knownHosts); err == nil {
		t.Fatal("strict checking wrote known_hosts")
	}

	// accept-new records the key where ssh-keygen -F finds it.
	r = runCmd(t, p.command(t, "-o", "StrictHostKeyChecking=accept-new", "127.0.0.1", "echo", "ok"), nil)
	if r.code != 0 || r.stdout != "ok\n" || !strings.Contains(r.stderr, "Permanently added '"+p.hostName()+"' (ED25519)") {
		t.Fatalf("accept-new: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	out, err := exec.Command(keygen, "-F", p.hostName(), "-f", p.knownHosts).CombinedOutput()
	if err != nil || !strings.Contains(string(out), p.srv.HostKeys["ssh-ed25519"]) {
		t.Fatalf("ssh-keygen -F: %v\n%s", err, out)
	}
	r = runCmd(t, p.command(t, "127.0.0.1", "echo", "again"), nil)
	if r.code != 0 || r.stdout != "again\n" || r.stderr != "" {
		t.Fatalf("known host: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}

	// Hashed by ssh-keygen -H.
	if out, err := exec.Command(keygen, "-H", "-f", p.knownHosts).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -H: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(p.knownHosts); !strings.HasPrefix(string(b), "|1|") {
		t.Fatalf("not hashed: %s", b)
	}
	r = runCmd(t, p.command(t, "127.0.0.1", "echo", "hashed"), nil)
	if r.code != 0 || r.stdout != "hashed\n" {
		t.Fatalf("hashed entry: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}

	// A changed key is refused, even with accept-new; with
	// StrictHostKeyChecking=no it is reported and public key
	// authentication goes on.
	_, otherPub := testpeer.GenerateKey(t, "ed25519", 0)
	f := strings.Fields(otherPub)
	writeFile(t, p.knownHosts, "# first line\n"+p.hostName()+" "+f[0]+" "+f[1]+"\n")
	for _, mode := range []string{"yes", "accept-new"} {
		r = runCmd(t, p.command(t, "-o", "StrictHostKeyChecking="+mode, "127.0.0.1", "echo", "bad"), nil)
		if r.code != 255 || r.stdout != "" || !strings.Contains(r.stderr, "REMOTE HOST IDENTIFICATION HAS CHANGED") ||
			!strings.Contains(r.stderr, "Offending ED25519 key in "+p.knownHosts+":2") ||
			!strings.Contains(r.stderr, "Host key verification failed.") {
			t.Fatalf("changed key (%s): code %d stdout %q stderr %q", mode, r.code, r.stdout, r.stderr)
		}
	}
	r = runCmd(t, p.command(t, "-o", "StrictHostKeyChecking=no", "127.0.0.1", "echo", "went on"), nil)
	if r.code != 0 || r.stdout != "went on\n" || !strings.Contains(r.stderr, "REMOTE HOST IDENTIFICATION HAS CHANGED") ||
		!strings.Contains(r.stderr, "Password and keyboard-interactive authentication are disabled") {
		t.Fatalf("changed key (no): code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestHostKeyAlgorithmOrder(t *testing.T) {
	// Only the server's ECDSA key is known: ssh2 must ask for it first
	// rather than fail on the (preferred by default) Ed25519 key.
	p := startPeer(t, testpeer.SSHDOptions{HostKeyTypes: []string{"ssh-ed25519", "ecdsa-sha2-nistp384"}})
	writeFile(t, p.knownHosts, p.hostName()+" "+p.srv.HostKeys["ecdsa-sha2-nistp384"]+"\n")
	r := runCmd(t, p.command(t, "127.0.0.1", "echo", "ok"), nil)
	if r.code != 0 || r.stdout != "ok\n" {
		t.Fatalf("code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestAlgorithmOptions(t *testing.T) {
	// The server logs the negotiated algorithms at DEBUG1.
	p := startPeer(t, testpeer.SSHDOptions{Config: []string{"LogLevel DEBUG1"}})
	p.trustHost(t)
	r := runCmd(t, p.command(t, "-v", "-o", "Ciphers=aes128-ctr", "-o", "MACs hmac-sha2-256",
		"-o", "kexalgorithms=diffie-hellman-group16-sha512", "-o", "KexAlgorithms=curve25519-sha256",
		"-o", "HostKeyAlgorithms=rsa-sha2-256", "127.0.0.1", "echo", "ok"), nil)
	if r.code != 0 || r.stdout != "ok\n" {
		t.Fatalf("code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"client->server cipher: aes128-ctr MAC: hmac-sha2-256",
		"server->client cipher: aes128-ctr MAC: hmac-sha2-256",
		// The first -o wins.
		"kex: algorithm: diffie-hellman-group16-sha512",
		"kex: host key algorithm: rsa-sha2-256",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-v output lacks %q:\n%s", want, r.stderr)
		}
	}
	if log := p.srv.Log(); !strings.Contains(log, "kex: client->server cipher: aes128-ctr MAC: hmac-sha2-256") {
		t.Errorf("sshd did not negotiate aes128-ctr/hmac-sha2-256:\n%s", log)
	}
	for _, bad := range []string{"Ciphers=rot13", "MACs=-*", "NoSuchOption=1", "ConnectTimeout=x"} {
		r := runCmd(t, p.command(t, "-o", bad, "127.0.0.1", "true"), nil)
		if r.code != 255 || r.stderr == "" {
			t.Errorf("-o %s: code %d stderr %q", bad, r.code, r.stderr)
		}
	}
}

func TestConfigFile(t *testing.T) {
	p := startPeer(t, testpeer.SSHDOptions{})
	p.trustHost(t)
	cfg := filepath.Join(p.home, "cfg")
	writeFile(t, cfg, fmt.Sprintf(`# test config
Host other
  Port 1
Host myalias
  HostName 127.0.0.1
  Port %d
  User %s
  IdentityFile %q
  UserKnownHostsFile=%s
Host *
  StrictHostKeyChecking yes
  BatchMode yes
  User nobody-else
`, p.srv.Port, p.srv.User, p.key, p.knownHosts))
	r := runCmd(t, ssh2Command(t, p.home, "-F", cfg, "myalias", "echo", "$USER"), nil)
	if r.code != 0 || r.stdout != p.srv.User+"\n" {
		t.Fatalf("code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// -o comes before the file: the wrong port makes the connection fail.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	r = runCmd(t, ssh2Command(t, p.home, "-F", cfg, "-o", "Port="+strconv.Itoa(port), "myalias", "true"), nil)
	want := fmt.Sprintf("ssh2: connect to host 127.0.0.1 port %d: Connection refused", port)
	if r.code != 255 || !strings.Contains(r.stderr, want) {
		t.Fatalf("-o Port: code %d stderr %q, want %q", r.code, r.stderr, want)
	}
	// A missing -F file is an error.
	r = runCmd(t, ssh2Command(t, p.home, "-F", filepath.Join(p.home, "nope"), "myalias", "true"), nil)
	if r.code != 255 {
		t.Fatalf("missing config: code %d", r.code)
	}
}

func TestPTY(t *testing.T) {
	p := startPeer(t, testpeer.SSHDOptions{})
	p.trustHost(t)
	r := runCmd(t, p.command(t, "-tt", "127.0.0.1", "tty"), nil)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "/dev/pts/") || !strings.HasSuffix(r.stdout, "\r\n") {
		t.Fatalf("-tt tty: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "Connection to 127.0.0.1 closed.") {
		t.Errorf("stderr %q", r.stderr)
	}
	// -t without a terminal on stdin, and -T: no PTY.
	for _, flag := range []string{"-t", "-T"} {
		r = runCmd(t, p.command(t, flag, "127.0.0.1", "tty"), nil)
		if r.code != 1 || r.stdout != "not a tty\n" {
			t.Errorf("%s tty: code %d stdout %q stderr %q", flag, r.code, r.stdout, r.stderr)
		}
	}
}

func TestAuthFailures(t *testing.T) {
	p := startPeer(t, testpeer.SSHDOptions{})
	p.trustHost(t)
	// No identity in batch mode: refused without prompting.
	r := runCmd(t, ssh2Command(t, p.home, "-F", "none", "-o", "BatchMode=yes", "-o", "IdentityFile=none",
		"-o", "UserKnownHostsFile="+p.knownHosts, "-p", strconv.Itoa(p.srv.Port), p.srv.User+"@127.0.0.1", "true"), nil)
	want := p.srv.User + "@127.0.0.1: Permission denied (publickey,password,keyboard-interactive)."
	if r.code != 255 || !strings.Contains(r.stderr, want) {
		t.Fatalf("code %d stderr %q, want %q", r.code, r.stderr, want)
	}
	// An unknown key alone is refused; followed by the authorized key
	// (the base's -i), the second is used.
	other, _ := testpeer.GenerateKey(t, "ecdsa", 256)
	r = runCmd(t, ssh2Command(t, p.home, "-F", "none", "-o", "BatchMode=yes", "-i", other,
		"-o", "UserKnownHostsFile="+p.knownHosts, "-p", strconv.Itoa(p.srv.Port), p.srv.User+"@127.0.0.1", "true"), nil)
	if r.code != 255 || !strings.Contains(r.stderr, "Permission denied (") {
		t.Fatalf("unknown key: code %d stderr %q", r.code, r.stderr)
	}
	r = runCmd(t, p.command(t, "-i", other, "-o", "PreferredAuthentications=publickey", "127.0.0.1", "true"), nil)
	if r.code != 0 {
		t.Fatalf("two identities: code %d stderr %q", r.code, r.stderr)
	}
	// A missing -i file is reported and skipped.
	r = runCmd(t, p.command(t, "-i", filepath.Join(p.home, "missing"), "127.0.0.1", "true"), nil)
	if r.code != 0 || !strings.Contains(r.stderr, "Warning: Identity file "+filepath.Join(p.home, "missing")+" not accessible") {
		t.Fatalf("missing identity: code %d stderr %q", r.code, r.stderr)
	}
}

func TestPasswordAskpass(t *testing.T) {
	user, password := testpeer.RequireTestAccount(t)
	p := startPeer(t, testpeer.SSHDOptions{})
	p.trustHost(t)
	dir := t.TempDir()
	askpass := filepath.Join(dir, "askpass")
	writeFile(t, filepath.Join(dir, "pw"), password+"\n")
	writeFile(t, filepath.Join(dir, "wrong"), "not-"+password+"\n")
	writeFile(t, askpass, "#!/bin/sh\necho \"$1\" >> \"$(dirname \"$0\")/prompts\"\nexec cat \"$(dirname \"$0\")/$PWFILE\"\n")
	if err := os.Chmod(askpass, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"password", "keyboard-interactive"} {
		for _, pwfile := range []string{"pw", "wrong"} {
			cmd := ssh2Command(t, p.home, "-F", "none", "-o", "UserKnownHostsFile="+p.knownHosts,
				"-o", "StrictHostKeyChecking=yes", "-o", "IdentityFile=none", "-o", "PreferredAuthentications="+method,
				"-o", "NumberOfPasswordPrompts=2",
				"-p", strconv.Itoa(p.srv.Port), "-l", user, "127.0.0.1", "id", "-un")
			cmd.Env = append(cmd.Env, "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "PWFILE="+pwfile)
			r := runCmd(t, cmd, nil)
			if pwfile == "pw" && (r.code != 0 || r.stdout != user+"\n") {
				t.Errorf("%s: code %d stdout %q stderr %q", method, r.code, r.stdout, r.stderr)
			}
			if pwfile == "wrong" && (r.code != 255 || !strings.Contains(r.stderr, "Permission denied (")) {
				t.Errorf("%s with wrong password: code %d stdout %q stderr %q", method, r.code, r.stdout, r.stderr)
			}
		}
	}
	prompts, _ := os.ReadFile(filepath.Join(dir, "prompts"))
	if !strings.Contains(string(prompts), user+"@127.0.0.1's password: ") {
		t.Errorf("askpass prompts: %q", prompts)
	}
	// BatchMode never runs askpass.
	os.Remove(filepath.Join(dir, "prompts"))
	cmd := ssh2Command(t, p.home, "-F", "none", "-o", "UserKnownHostsFile="+p.knownHosts, "-o", "BatchMode=yes",
		"-o", "IdentityFile=none", "-p", strconv.Itoa(p.srv.Port), "-l", user, "127.0.0.1", "true")
	cmd.Env = append(cmd.Env, "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "PWFILE=pw")
	if r := runCmd(t, cmd, nil); r.code != 255 {
		t.Errorf("batch mode: code %d stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "prompts")); err == nil {
		t.Error("askpass ran in batch mode")
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"-Z", "host"}, {"-p"}, {"-p", "0", "h"}, {"-o", "Host=x", "h"}} {
		r := runCmd(t, ssh2Command(t, t.TempDir(), args...), nil)
		if r.code != 255 || !strings.Contains(r.stderr, "ssh2: ") {
			t.Errorf("%q: code %d stderr %q", args, r.code, r.stderr)
		}
	}
}

func TestEncryptedKeyPassphrase(t *testing.T) {
	keygen := testpeer.Require(t, "ssh-keygen")
	p := startPeer(t, testpeer.SSHDOptions{})
	p.trustHost(t)
	const pass = "correct horse"
	if out, err := exec.Command(keygen, "-p", "-f", p.key, "-P", "", "-N", pass).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -p: %v\n%s", err, out)
	}
	dir := t.TempDir()
	askpass := filepath.Join(dir, "askpass")
	writeFile(t, filepath.Join(dir, "pass"), pass+"\n")
	writeFile(t, askpass, "#!/bin/sh\necho \"$1\" >> \"$(dirname \"$0\")/prompts\"\nexec cat \"$(dirname \"$0\")/pass\"\n")
	if err := os.Chmod(askpass, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, batch := range []string{"no", "yes"} {
		cmd := p.command(t, "-o", "BatchMode="+batch, "-o", "PreferredAuthentications=publickey", "127.0.0.1", "echo", "in")
		cmd.Env = append(cmd.Env, "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force")
		r := runCmd(t, cmd, nil)
		if batch == "no" && (r.code != 0 || r.stdout != "in\n") {
			t.Errorf("with askpass: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
		}
		if batch == "yes" && (r.code != 255 || !strings.Contains(r.stderr, "Permission denied (")) {
			t.Errorf("batch mode: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
		}
	}
	prompts, _ := os.ReadFile(filepath.Join(dir, "prompts"))
	if want := "Enter passphrase for key '" + p.key + "': \n"; string(prompts) != want {
		t.Errorf("askpass prompts %q, want exactly one %q", prompts, want)
	}
}

// TestAskUnknownHost confirms an unknown host key through askpass, as
// StrictHostKeyChecking=ask (the default) does.
func TestAskUnknownHost(t *testing.T) {
	p := startPeer(t, testpeer.SSHDOptions{HostKeyTypes: []string{"ssh-ed25519"}})
	dir := t.TempDir()
	askpass := filepath.Join(dir, "askpass")
	writeFile(t, askpass, "#!/bin/sh\nprintf '%s|%s\\n' \"$1\" \"$SSH_ASKPASS_PROMPT\" >> \"$(dirname \"$0\")/prompts\"\necho \"$ANSWER\"\n")
	if err := os.Chmod(askpass, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, answer := range []string{"no", "yes"} {
		cmd := p.command(t, "-o", "StrictHostKeyChecking=ask", "-o", "BatchMode=no", "127.0.0.1", "echo", "ok")
		cmd.Env = append(cmd.Env, "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "ANSWER="+answer)
		r := runCmd(t, cmd, nil)
		if answer == "no" && (r.code != 255 || !strings.Contains(r.stderr, "Host key verification failed.")) {
			t.Errorf("answer no: code %d stderr %q", r.code, r.stderr)
		}
		if answer == "yes" && (r.code != 0 || r.stdout != "ok\n") {
			t.Errorf("answer yes: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
		}
	}
	prompts, _ := os.ReadFile(filepath.Join(dir, "prompts"))
	fp := strings.Fields(testpeerFingerprint(t, p.srv.HostKeys["ssh-ed25519"]))[0]
	if !strings.Contains(string(prompts), "ED25519 key fingerprint is "+fp) || !strings.Contains(string(prompts), "|confirm") {
		t.Errorf("prompts %q lack the fingerprint %s or the confirm hint", prompts, fp)
	}
	// The confirmed key was recorded: strict checking now passes.
	if r := runCmd(t, p.command(t, "127.0.0.1", "true"), nil); r.code != 0 {
		t.Errorf("after confirming: code %d stderr %q", r.code, r.stderr)
	}
}

// testpeerFingerprint returns ssh-keygen -l's SHA256 fingerprint of a
// public key line.
func testpeerFingerprint(t *testing.T, pub string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "k.pub")
	writeFile(t, f, pub+"\n")
	out, err := exec.Command(testpeer.Require(t, "ssh-keygen"), "-l", "-f", f).Output()
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(out))
	if len(fields) < 2 {
		t.Fatalf("ssh-keygen -l: %q", out)
	}
	return fields[1]
}
