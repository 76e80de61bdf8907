//go:build unix

package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/keys"
)

// Live tests of -o options whose effect only shows on a connection, run
// against an in-process server built from the library: it can stop
// answering on demand and records what the client tried.

// goServer is an in-process SSH server for ssh2 to connect to.
type goServer struct {
	port       int
	home       string
	knownHosts string

	stalled atomic.Bool // drop everything the server writes from now on

	mu       sync.Mutex
	pubkeys  []string // "algorithm verified" of each publickey request
	password int      // password attempts
}

// stall makes the server stop answering, as if it or the network had
// hung: it still reads, but nothing it writes reaches the client.
func (g *goServer) stall() { g.stalled.Store(true) }

func (g *goServer) publicKeyRequests() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.pubkeys)
}

func (g *goServer) passwordAttempts() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.password
}

// startGoServer serves handler. It accepts the public keys in accept and
// the password "secret" for any user.
func startGoServer(t *testing.T, handler func(g *goServer, s *ssh2.Session), accept ...string) *goServer {
	t.Helper()
	g := &goServer{home: t.TempDir()}
	var allowed []ssh2.PublicKey
	for _, line := range accept {
		k, _, _, _, err := keys.ParseAuthorizedKey([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		allowed = append(allowed, k)
	}
	hostKey, err := keys.GenerateEd25519(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh2.ServerConfig{
		HostKeys: []ssh2.Signer{hostKey},
		PublicKeyCallback: func(_ context.Context, r *ssh2.PublicKeyRequest) ssh2.Decision {
			g.mu.Lock()
			g.pubkeys = append(g.pubkeys, fmt.Sprintf("%s %v", r.Algorithm, r.Verified))
			g.mu.Unlock()
			for _, k := range allowed {
				if keys.Equal(k, r.Key) {
					return ssh2.Accept()
				}
			}
			return ssh2.Reject()
		},
		PasswordCallback: func(_ context.Context, r *ssh2.PasswordRequest) ssh2.Decision {
			g.mu.Lock()
			g.password++
			g.mu.Unlock()
			if r.Password == "secret" {
				return ssh2.Accept()
			}
			return ssh2.Reject()
		},
	}
	srv := &ssh2.Server{Config: cfg, Handler: func(s *ssh2.Session) { handler(g, s) }}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g.port = inner.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() { srv.Serve(stallListener{inner, g}); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })

	g.knownHosts = filepath.Join(g.home, "known_hosts")
	writeFile(t, g.knownHosts, fmt.Sprintf("[127.0.0.1]:%d %s", g.port, keys.MarshalAuthorizedKey(hostKey.PublicKey())))
	return g
}

type stallListener struct {
	net.Listener
	g *goServer
}

func (l stallListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return stallConn{nc, l.g}, nil
}

type stallConn struct {
	net.Conn
	g *goServer
}

func (c stallConn) Write(p []byte) (int, error) {
	if c.g.stalled.Load() {
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// command returns ssh2 for the server: no configuration files, strict
// checking against the server's key, then args, which end with the
// destination and command. Options in args come first, so they win.
func (g *goServer) command(t *testing.T, args ...string) *ssh2CommandBuilder {
	t.Helper()
	i := slices.Index(args, "127.0.0.1")
	if i < 0 {
		t.Fatal("command: no destination")
	}
	base := []string{"-F", "none",
		"-o", "UserKnownHostsFile=" + g.knownHosts,
		"-o", "GlobalKnownHostsFile=none",
		"-o", "StrictHostKeyChecking=yes",
		"-p", strconv.Itoa(g.port),
		"-l", "tester",
	}
	all := append(append(slices.Clone(args[:i]), base...), args[i:]...)
	return &ssh2CommandBuilder{t: t, home: g.home, args: all}
}

// ssh2CommandBuilder collects extra environment before running ssh2.
type ssh2CommandBuilder struct {
	t    *testing.T
	home string
	args []string
	env  []string
}

func (b *ssh2CommandBuilder) withEnv(kv ...string) *ssh2CommandBuilder {
	b.env = append(b.env, kv...)
	return b
}

func (b *ssh2CommandBuilder) run() result {
	b.t.Helper()
	cmd := boundedCommand(b.t, b.home, b.args...)
	cmd.Env = append(cmd.Env, b.env...)
	return runCmd(b.t, cmd, nil)
}

// runTimeout bounds one ssh2 run in these tests: far above what a run
// takes, it turns an ssh2 that would hang (an option not applied) into
// a failure rather than a stuck test.
const runTimeout = 30 * time.Second

// boundedCommand is ssh2Command killed after runTimeout.
func boundedCommand(t *testing.T, home string, args ...string) *exec.Cmd {
	base := ssh2Command(t, home, args...)
	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, base.Path, base.Args[1:]...)
	cmd.Env, cmd.SysProcAttr = base.Env, base.SysProcAttr
	return cmd
}

// hello is a handler that greets the user.
func hello(_ *goServer, s *ssh2.Session) { fmt.Fprintf(s, "hello %s\n", s.User()) }

func TestServerAliveTimeout(t *testing.T) {
	g := startGoServer(t, func(g *goServer, s *ssh2.Session) {
		io.WriteString(s, "ready\n")
		g.stall() // "ready" is on its way; nothing after it is
		<-s.Context().Done()
	})
	r := g.command(t, "-o", "ServerAliveInterval=1", "-o", "ServerAliveCountMax=2",
		"-o", "PreferredAuthentications=password", "-o", "BatchMode=no",
		"127.0.0.1", "wait").withEnv("SSH_ASKPASS="+askpassScript(t, "secret"), "SSH_ASKPASS_REQUIRE=force").run()
	if r.code != 255 || r.stdout != "ready\n" || !strings.Contains(r.stderr, "server not responding to keepalives") ||
		!strings.Contains(r.stderr, "2 keepalives") || strings.Contains(r.stderr, "ssh2: ssh2:") {
		t.Fatalf("code %d stdout %q stderr %q; want 255 and the keepalive timeout, prefixed once", r.code, r.stdout, r.stderr)
	}
	t.Logf("ssh2 reported: %q", r.stderr)
}

func TestConnectTimeout(t *testing.T) {
	// A listener that accepts connections and never says a word.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, nc)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
		for _, nc := range held {
			nc.Close()
		}
	})
	port := ln.Addr().(*net.TCPAddr).Port
	home := t.TempDir()
	r := runCmd(t, boundedCommand(t, home, "-F", "none", "-o", "ConnectTimeout=1", "-o", "BatchMode=yes",
		"-o", "UserKnownHostsFile="+filepath.Join(home, "known_hosts"), "-p", strconv.Itoa(port), "127.0.0.1", "true"), nil)
	want := fmt.Sprintf("ssh2: connect to host 127.0.0.1 port %d: Connection timed out during handshake", port)
	if r.code != 255 || !strings.Contains(r.stderr, want) {
		t.Fatalf("code %d stderr %q; want 255 and %q", r.code, r.stderr, want)
	}
}

func TestLogLevel(t *testing.T) {
	key, pub := testpeer.GenerateKey(t, "ed25519", 0)
	g := startGoServer(t, hello, pub)
	missing := filepath.Join(g.home, "missing")
	warning := "Warning: Identity file " + missing + " not accessible"
	const debugLine = "kex: algorithm:"
	for _, c := range []struct {
		level         string
		warned, debug bool
	}{
		{"", true, false},
		{"INFO", true, false},
		{"QUIET", false, false},
		{"ERROR", false, false},
		{"DEBUG", true, true},
		{"debug3", true, true},
	} {
		args := []string{"-i", missing, "-i", key, "-o", "BatchMode=yes"}
		if c.level != "" {
			args = append(args, "-o", "LogLevel="+c.level)
		}
		r := g.command(t, append(args, "127.0.0.1", "x")...).run()
		if r.code != 0 || r.stdout != "hello tester\n" {
			t.Fatalf("LogLevel=%s: code %d stdout %q stderr %q", c.level, r.code, r.stdout, r.stderr)
		}
		if got := strings.Contains(r.stderr, warning); got != c.warned {
			t.Errorf("LogLevel=%s: warning shown %v, want %v; stderr %q", c.level, got, c.warned, r.stderr)
		}
		if got := strings.Contains(r.stderr, debugLine); got != c.debug {
			t.Errorf("LogLevel=%s: debug lines shown %v, want %v; stderr %q", c.level, got, c.debug, r.stderr)
		}
		if !c.warned && !c.debug && r.stderr != "" {
			t.Errorf("LogLevel=%s: stderr %q, want nothing", c.level, r.stderr)
		}
	}
}

// askpassScript writes an SSH_ASKPASS program that records each prompt in
// a file "prompts" next to it and answers answer.
func askpassScript(t *testing.T, answer string) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "answer"), answer+"\n")
	p := filepath.Join(dir, "askpass")
	writeFile(t, p, "#!/bin/sh\necho \"$1\" >> \"$(dirname \"$0\")/prompts\"\nexec cat \"$(dirname \"$0\")/answer\"\n")
	if err := os.Chmod(p, 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPasswordAuthenticationNo(t *testing.T) {
	g := startGoServer(t, hello)
	askpass := askpassScript(t, "secret")
	prompts := filepath.Join(filepath.Dir(askpass), "prompts")
	run := func(setting string) result {
		return g.command(t, "-o", "PasswordAuthentication="+setting, "-o", "IdentityFile=none", "-o", "BatchMode=no",
			"127.0.0.1", "x").withEnv("SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force").run()
	}

	// Disabled: neither askpass nor the server hears of a password.
	r := run("no")
	if r.code != 255 || !strings.Contains(r.stderr, "tester@127.0.0.1: Permission denied (") {
		t.Fatalf("PasswordAuthentication=no: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(prompts); err == nil {
		b, _ := os.ReadFile(prompts)
		t.Fatalf("askpass ran with PasswordAuthentication=no: %q", b)
	}
	if n := g.passwordAttempts(); n != 0 {
		t.Fatalf("server saw %d password attempts with PasswordAuthentication=no", n)
	}

	// The control: enabled, the same command asks and logs in.
	r = run("yes")
	if r.code != 0 || r.stdout != "hello tester\n" {
		t.Fatalf("PasswordAuthentication=yes: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(prompts); !strings.Contains(string(b), "tester@127.0.0.1's password:") {
		t.Fatalf("askpass prompts %q", b)
	}
	if n := g.passwordAttempts(); n != 1 {
		t.Fatalf("server saw %d password attempts, want 1", n)
	}
}

func TestPubkeyAcceptedAlgorithms(t *testing.T) {
	edKey, _ := testpeer.GenerateKey(t, "ed25519", 0)
	ecKey, ecPub := testpeer.GenerateKey(t, "ecdsa", 256)
	rsaKey, rsaPub := testpeer.GenerateKey(t, "rsa", 2048)
	for _, c := range []struct {
		name     string
		ids      []string
		accepted string // the server accepts this key only
		option   string // PubkeyAcceptedAlgorithms, "" for the default
		want     []string
	}{
		{"default offers ed25519 first", []string{edKey, ecKey}, ecPub, "",
			[]string{"ssh-ed25519 false", "ecdsa-sha2-nistp256 false", "ecdsa-sha2-nistp256 true"}},
		{"ed25519 excluded", []string{edKey, ecKey}, ecPub, "ecdsa-sha2-nistp256",
			[]string{"ecdsa-sha2-nistp256 false", "ecdsa-sha2-nistp256 true"}},
		{"ed25519 removed from the defaults", []string{edKey, ecKey}, ecPub, "-ssh-ed25519",
			[]string{"ecdsa-sha2-nistp256 false", "ecdsa-sha2-nistp256 true"}},
		{"rsa default", []string{rsaKey}, rsaPub, "",
			[]string{"rsa-sha2-512 false", "rsa-sha2-512 true"}},
		{"rsa-sha2-256 only", []string{rsaKey}, rsaPub, "rsa-sha2-256",
			[]string{"rsa-sha2-256 false", "rsa-sha2-256 true"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := startGoServer(t, hello, c.accepted)
			args := []string{"-o", "BatchMode=yes", "-o", "PreferredAuthentications=publickey"}
			for _, id := range c.ids {
				args = append(args, "-i", id)
			}
			if c.option != "" {
				args = append(args, "-o", "PubkeyAcceptedAlgorithms="+c.option)
			}
			r := g.command(t, append(args, "127.0.0.1", "x")...).run()
			if r.code != 0 || r.stdout != "hello tester\n" {
				t.Fatalf("code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
			if got := g.publicKeyRequests(); !slices.Equal(got, c.want) {
				t.Fatalf("server saw publickey requests %q, want %q", got, c.want)
			}
		})
	}
}
