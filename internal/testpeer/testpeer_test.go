package testpeer

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// run runs cmd and returns stdout, stderr and the exit code (-1 when the
// process did not exit normally).
func run(t *testing.T, cmd *exec.Cmd) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		code = 0
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("run %v: %v", cmd.Args, err)
	}
	// ssh writes its log lines with CRLF line ends.
	return o.String(), strings.ReplaceAll(e.String(), "\r\n", "\n"), code
}

func TestGenerateKey(t *testing.T) {
	for _, tc := range []struct {
		typ    string
		bits   int
		prefix string
	}{
		{"ed25519", 0, "ssh-ed25519 "},
		{"ecdsa", 384, "ecdsa-sha2-nistp384 "},
		{"rsa", 2048, "ssh-rsa "},
	} {
		priv, pub := GenerateKey(t, tc.typ, tc.bits)
		if !strings.HasPrefix(pub, tc.prefix) {
			t.Errorf("%s: public line %q, want prefix %q", tc.typ, pub, tc.prefix)
		}
		b, err := os.ReadFile(priv)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n")) {
			t.Errorf("%s: private key file does not start with the OpenSSH armor", tc.typ)
		}
	}
}

func TestSSHDPublicKeyExec(t *testing.T) {
	key, pub := GenerateKey(t, "ed25519", 0)
	s := StartSSHD(t, SSHDOptions{AuthorizedKeys: []string{pub}})
	base := ClientOptions{Port: s.Port, IdentityFile: key, KnownHosts: s.KnownHosts()}

	opts := base
	opts.Command = []string{"echo", "hello"}
	out, errOut, code := run(t, SSHClientCommand(t, opts))
	if code != 0 || out != "hello\n" {
		t.Fatalf("echo hello: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	opts = base
	opts.Command = []string{"exit 3"}
	if _, errOut, code := run(t, SSHClientCommand(t, opts)); code != 3 {
		t.Fatalf("exit 3: exit code %d, stderr %q", code, errOut)
	}

	// stdin reaches the remote command byte for byte.
	opts = base
	opts.Command = []string{"cat"}
	cmd := SSHClientCommand(t, opts)
	in := []byte("line one\n\x00\xff binary\r\nend")
	cmd.Stdin = bytes.NewReader(in)
	out, errOut, code = run(t, cmd)
	if code != 0 || out != string(in) {
		t.Fatalf("cat: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestSSHDRejects(t *testing.T) {
	key, pub := GenerateKey(t, "ed25519", 0)
	other, _ := GenerateKey(t, "ed25519", 0)
	s := StartSSHD(t, SSHDOptions{AuthorizedKeys: []string{pub}})

	// A key that is not authorized.
	opts := ClientOptions{Port: s.Port, IdentityFile: other, KnownHosts: s.KnownHosts(),
		Command: []string{"true"}}
	if _, errOut, code := run(t, SSHClientCommand(t, opts)); code != 255 ||
		!strings.Contains(errOut, "Permission denied") {
		t.Fatalf("unauthorized key: exit %d, stderr %q", code, errOut)
	}

	// A known_hosts file that lists a different host key.
	_, wrong := GenerateKey(t, "ed25519", 0)
	f := strings.Fields(wrong)
	opts = ClientOptions{Port: s.Port, IdentityFile: key,
		KnownHosts: []string{"[127.0.0.1]:" + strconv.Itoa(s.Port) + " " + f[0] + " " + f[1]},
		Options:    []string{"HostKeyAlgorithms=ssh-ed25519"},
		Command:    []string{"true"}}
	if _, errOut, code := run(t, SSHClientCommand(t, opts)); code != 255 ||
		!strings.Contains(errOut, "HOST IDENTIFICATION HAS CHANGED") {
		t.Fatalf("wrong host key: exit %d, stderr %q", code, errOut)
	}

	// AuthorizeKey takes effect for the next connection.
	s.AuthorizeKey(t, strings.TrimSpace(mustRead(t, other+".pub")))
	opts = ClientOptions{Port: s.Port, IdentityFile: other, KnownHosts: s.KnownHosts(),
		Command: []string{"echo", "ok"}}
	if out, errOut, code := run(t, SSHClientCommand(t, opts)); code != 0 || out != "ok\n" {
		t.Fatalf("after AuthorizeKey: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	// After Stop nothing listens on the port any more.
	s.Stop()
	if c, err := net.Dial("tcp", s.Addr); err == nil {
		c.Close()
		t.Fatalf("%s still accepts connections after Stop", s.Addr)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSSHDHostKeys connects once per host key type, pinning the host key
// algorithm and checking it against known_hosts.
func TestSSHDHostKeys(t *testing.T) {
	key, pub := GenerateKey(t, "ecdsa", 256)
	s := StartSSHD(t, SSHDOptions{AuthorizedKeys: []string{pub}})
	if len(s.HostKeyFiles) != len(HostKeyTypes) || len(s.KnownHosts()) != len(HostKeyTypes) {
		t.Fatalf("%d host key files, %d known_hosts lines; want %d",
			len(s.HostKeyFiles), len(s.KnownHosts()), len(HostKeyTypes))
	}
	for _, kt := range HostKeyTypes {
		alg := kt
		if kt == "ssh-rsa" {
			alg = "rsa-sha2-512"
		}
		opts := ClientOptions{Port: s.Port, IdentityFile: key, KnownHosts: s.KnownHosts(),
			Options: []string{"HostKeyAlgorithms=" + alg}, Verbose: true,
			Command: []string{"echo", kt}}
		out, errOut, code := run(t, SSHClientCommand(t, opts))
		if code != 0 || out != kt+"\n" {
			t.Fatalf("%s: exit %d, stdout %q, stderr %s", kt, code, out, errOut)
		}
		if want := "kex: host key algorithm: " + alg + "\n"; !strings.Contains(errOut, want) {
			t.Errorf("%s: client log lacks %q", kt, want)
		}
	}
}

// TestSSHDAlgorithms checks that server Config lines and client Options
// decide the negotiated algorithms.
func TestSSHDAlgorithms(t *testing.T) {
	key, pub := GenerateKey(t, "ed25519", 0)
	s := StartSSHD(t, SSHDOptions{
		AuthorizedKeys: []string{pub},
		HostKeyTypes:   []string{"ssh-ed25519"},
		Config: []string{
			"KexAlgorithms curve25519-sha256,diffie-hellman-group14-sha256",
			"Ciphers aes128-ctr,chacha20-poly1305@openssh.com",
			"MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512",
		},
	})
	for _, tc := range []struct{ kex, cipher, mac string }{
		{"diffie-hellman-group14-sha256", "aes128-ctr", "hmac-sha2-512"},
		{"curve25519-sha256", "aes128-ctr", "hmac-sha2-256-etm@openssh.com"},
	} {
		opts := ClientOptions{Port: s.Port, IdentityFile: key, KnownHosts: s.KnownHosts(),
			Options: []string{"KexAlgorithms=" + tc.kex, "Ciphers=" + tc.cipher, "MACs=" + tc.mac},
			Verbose: true, Command: []string{"echo", "x"}}
		out, errOut, code := run(t, SSHClientCommand(t, opts))
		if code != 0 || out != "x\n" {
			t.Fatalf("%v: exit %d, stdout %q, stderr %s", tc, code, out, errOut)
		}
		for _, want := range []string{
			"kex: algorithm: " + tc.kex + "\n",
			"kex: server->client cipher: " + tc.cipher + " MAC: " + tc.mac + " compression: none",
			"kex: client->server cipher: " + tc.cipher + " MAC: " + tc.mac + " compression: none",
		} {
			if !strings.Contains(errOut, want) {
				t.Errorf("%v: client log lacks %q", tc, want)
			}
		}
	}

	// An algorithm the server does not allow fails the key exchange.
	opts := ClientOptions{Port: s.Port, IdentityFile: key, KnownHosts: s.KnownHosts(),
		Options: []string{"Ciphers=aes256-gcm@openssh.com"}, Command: []string{"true"}}
	if _, errOut, code := run(t, SSHClientCommand(t, opts)); code != 255 ||
		!strings.Contains(errOut, "no matching cipher found") {
		t.Fatalf("disallowed cipher: exit %d, stderr %q", code, errOut)
	}
}

func TestSSHDPassword(t *testing.T) {
	user, password := RequireTestAccount(t)
	s := StartSSHD(t, SSHDOptions{HostKeyTypes: []string{"ssh-ed25519"}})
	for _, method := range []string{"password", "keyboard-interactive"} {
		opts := ClientOptions{Port: s.Port, User: user, Password: password,
			KnownHosts: s.KnownHosts(),
			Options:    []string{"PreferredAuthentications=" + method},
			Command:    []string{"id", "-un"}}
		out, errOut, code := run(t, SSHClientCommand(t, opts))
		if code != 0 || out != user+"\n" {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", method, code, out, errOut)
		}
		opts.Password = password + "x"
		if _, errOut, code := run(t, SSHClientCommand(t, opts)); code != 255 ||
			!strings.Contains(errOut, "Permission denied") {
			t.Fatalf("%s with a wrong password: exit %d, stderr %q", method, code, errOut)
		}
	}
	if !strings.Contains(s.Log(), "Accepted keyboard-interactive/pam for "+user) {
		t.Errorf("server log does not record a keyboard-interactive/pam login")
	}

	// Config overrides a default: with password authentication off the
	// server no longer offers it.
	s = StartSSHD(t, SSHDOptions{HostKeyTypes: []string{"ssh-ed25519"},
		Config: []string{"PasswordAuthentication no"}})
	opts := ClientOptions{Port: s.Port, User: user, Password: password,
		KnownHosts: s.KnownHosts(),
		Options:    []string{"PreferredAuthentications=password"},
		Command:    []string{"true"}}
	if _, errOut, code := run(t, SSHClientCommand(t, opts)); code != 255 ||
		!strings.Contains(errOut, "Permission denied (publickey,keyboard-interactive)") {
		t.Fatalf("PasswordAuthentication no: exit %d, stderr %q", code, errOut)
	}
}

// TestSSHDOtherUserPublicKey checks that another account can read the
// private authorized keys file.
func TestSSHDOtherUserPublicKey(t *testing.T) {
	user, _ := RequireTestAccount(t)
	key, pub := GenerateKey(t, "ed25519", 0)
	s := StartSSHD(t, SSHDOptions{AuthorizedKeys: []string{pub}, HostKeyTypes: []string{"ssh-ed25519"}})
	opts := ClientOptions{Port: s.Port, User: user, IdentityFile: key,
		KnownHosts: s.KnownHosts(), Command: []string{"id", "-un"}}
	out, errOut, code := run(t, SSHClientCommand(t, opts))
	if code != 0 || out != user+"\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestSSHDCleanup checks that the end of a test stops the server and the
// session processes it forked.
func TestSSHDCleanup(t *testing.T) {
	var pids []int
	var port int
	t.Run("session", func(t *testing.T) {
		key, pub := GenerateKey(t, "ed25519", 0)
		s := StartSSHD(t, SSHDOptions{AuthorizedKeys: []string{pub}, HostKeyTypes: []string{"ssh-ed25519"}})
		port = s.Port
		cmd := SSHClientCommand(t, ClientOptions{Port: s.Port, IdentityFile: key,
			KnownHosts: s.KnownHosts(), Command: []string{"echo started; exec sleep 600"}})
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Runs after the test context is cancelled, which kills ssh.
		t.Cleanup(func() { _ = cmd.Wait() })
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || line != "started\n" {
			t.Fatalf("read %q, %v", line, err)
		}
		pids = append(descendants(s.srv.cmd.Process.Pid), s.srv.cmd.Process.Pid)
		if len(pids) < 3 { // listener, per-connection monitor and child, sleep
			t.Fatalf("only %d sshd processes: %v", len(pids), pids)
		}
	})
	for _, pid := range pids {
		if procAlive(pid) {
			t.Errorf("process %d (%s) still runs after the test", pid, processName(pid))
		}
	}
	if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
		c.Close()
		t.Errorf("port %d still accepts connections", port)
	}
}

func processName(pid int) string {
	b, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	return strings.ReplaceAll(string(b), "\x00", " ")
}

// TestSSHDSFTPSubsystem sends SSH_FXP_INIT to the internal-sftp subsystem
// and checks the SSH_FXP_VERSION reply.
func TestSSHDSFTPSubsystem(t *testing.T) {
	key, pub := GenerateKey(t, "ed25519", 0)
	s := StartSSHD(t, SSHDOptions{AuthorizedKeys: []string{pub}, HostKeyTypes: []string{"ssh-ed25519"}})
	cmd := SSHClientCommand(t, ClientOptions{Port: s.Port, IdentityFile: key,
		KnownHosts: s.KnownHosts(), Args: []string{"-s"}, Command: []string{"sftp"}})
	// The server quits on end of input without answering what came
	// before it, so stdin stays open until the reply is in.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := stdin.Write([]byte{0, 0, 0, 5, 1, 0, 0, 0, 3}); err != nil { // length 5, INIT, version 3
		t.Fatal(err)
	}
	head := make([]byte, 9)
	_, readErr := io.ReadFull(stdout, head)
	stdin.Close()
	rest, _ := io.ReadAll(stdout)
	if err := cmd.Wait(); err != nil || readErr != nil {
		t.Fatalf("wait: %v, read: %v, stderr %q", err, readErr, errOut.String())
	}
	n := int(head[0])<<24 | int(head[1])<<16 | int(head[2])<<8 | int(head[3])
	if n != 5+len(rest) || head[4] != 2 || string(head[5:9]) != "\x00\x00\x00\x03" {
		t.Fatalf("reply %q%q is not one SSH_FXP_VERSION 3 packet", head, rest)
	}
}
