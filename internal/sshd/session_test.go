package sshd

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/keys"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testEnv is an in-process server using this package's pieces, as
// cmd/ssh2d assembles them, on a loopback port.
type testEnv struct {
	addr    string
	hostKey keys.PublicKey
	user    *User
	key     keys.Signer
	akPath  string
}

func startServer(t *testing.T, opts []string, passwords map[string]string) *testEnv {
	t.Helper()
	u, err := CurrentUser()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	hk, created, err := LoadOrCreateHostKey(filepath.Join(dir, "sub", "hostkey"))
	if err != nil || !created {
		t.Fatalf("LoadOrCreateHostKey: %v, created %v", err, created)
	}
	key, line := newKey(t)
	ak := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(ak, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := NewOptions()
	for _, a := range opts {
		if err := o.Set(a); err != nil {
			t.Fatal(err)
		}
	}
	cfg := &ssh2.ServerConfig{HostKeys: []ssh2.Signer{hk}}
	o.Apply(cfg)
	(&Authenticator{User: u.Name, AuthorizedKeys: &AuthorizedKeys{Path: ak}, Passwords: passwords}).Configure(cfg, o)
	srv := &ssh2.Server{Config: cfg}
	(&Handler{User: u, Options: o}).Install(srv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, ssh2.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return &testEnv{addr: ln.Addr().String(), hostKey: hk.PublicKey(), user: u, key: key, akPath: ak}
}

func (e *testEnv) dial(t *testing.T, user string, auth ...ssh2.AuthMethod) (*ssh2.Client, error) {
	t.Helper()
	if user == "" {
		user = e.user.Name
	}
	if auth == nil {
		auth = []ssh2.AuthMethod{ssh2.PublicKeys(e.key)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := ssh2.Dial(ctx, "tcp", e.addr, &ssh2.ClientConfig{User: user, Auth: auth, HostKeyCallback: ssh2.FixedHostKey(e.hostKey)})
	if err == nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, err
}

func (e *testEnv) mustDial(t *testing.T) *ssh2.Client {
	t.Helper()
	c, err := e.dial(t, "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// run executes cmd with stdin and returns stdout, stderr and Wait's
// error.
func run(t *testing.T, c *ssh2.Client, cmd string, stdin []byte, opts *ssh2.ExecOptions) (stdout, stderr []byte, err error) {
	t.Helper()
	ch, err := c.Exec(context.Background(), cmd, opts)
	if err != nil {
		t.Fatalf("Exec(%q): %v", cmd, err)
	}
	defer ch.Close()
	go func() {
		ch.Write(stdin)
		ch.CloseWrite()
	}()
	var errBuf bytes.Buffer
	errDone := make(chan struct{})
	go func() { io.Copy(&errBuf, ch.Stderr()); close(errDone) }()
	out, rerr := io.ReadAll(ch)
	<-errDone
	if rerr != nil {
		t.Fatalf("reading %q: %v", cmd, rerr)
	}
	return out, errBuf.Bytes(), ch.Wait()
}

func TestExecStatusStdoutStderr(t *testing.T) {
	e := startServer(t, nil, nil)
	c := e.mustDial(t)
	out, errOut, err := run(t, c, "echo out; echo err >&2; exit 3", nil, nil)
	var ee *ssh2.ExitError
	if !errors.As(err, &ee) || ee.Status != 3 || ee.Signal != "" {
		t.Errorf("Wait = %v; want exit status 3", err)
	}
	if string(out) != "out\n" || string(errOut) != "err\n" {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
	if out, _, err := run(t, c, "true", nil, nil); err != nil || len(out) != 0 {
		t.Errorf("true: %q, %v", out, err)
	}
}

// TestExecOutputFlushedBeforeExit checks that a command's last output
// arrives in full before its exit status.
func TestExecOutputFlushedBeforeExit(t *testing.T) {
	e := startServer(t, nil, nil)
	c := e.mustDial(t)
	out, _, err := run(t, c, "head -c 3000000 /dev/zero; printf END; exit 5", nil, nil)
	var ee *ssh2.ExitError
	if !errors.As(err, &ee) || ee.Status != 5 {
		t.Errorf("Wait = %v; want status 5", err)
	}
	want := append(make([]byte, 3000000), "END"...)
	if !bytes.Equal(out, want) {
		t.Errorf("got %d bytes, want %d ending in END", len(out), len(want))
	}
}

func TestExecStdinCat(t *testing.T) {
	e := startServer(t, nil, nil)
	c := e.mustDial(t)
	in := make([]byte, 2<<20)
	for i := range in {
		in[i] = byte(i*7 + i>>8)
	}
	out, _, err := run(t, c, "cat", in, nil)
	if err != nil || !bytes.Equal(out, in) {
		t.Errorf("cat: %d bytes back (want %d), %v", len(out), len(in), err)
	}
}

func TestEnvironmentOfSession(t *testing.T) {
	e := startServer(t, []string{"AcceptEnv=SSH2D_TEST_*"}, nil)
	c := e.mustDial(t)
	out, _, err := run(t, c, `printf '%s|' "$USER" "$LOGNAME" "$HOME" "$SHELL" "$LANG" "$LC_TIME" "$SSH2D_TEST_X" "$NOT_ACCEPTED" "${SSH_TTY-unset}" "$SSH_CONNECTION" "$SSH_CLIENT"; pwd`, nil,
		&ssh2.ExecOptions{Env: map[string]string{"LANG": "C.UTF-8", "LC_TIME": "C", "SSH2D_TEST_X": "x y", "NOT_ACCEPTED": "no", "USER": "mallory"}})
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(strings.TrimSuffix(string(out), "\n"), "|")
	if len(f) != 12 {
		t.Fatalf("output %q", out)
	}
	u := e.user
	want := []string{u.Name, u.Name, u.Home, u.Shell, "C.UTF-8", "C", "x y", "", "unset"}
	for i, w := range want {
		if f[i] != w {
			t.Errorf("field %d = %q, want %q (output %q)", i, f[i], w, out)
		}
	}
	_, port, _ := net.SplitHostPort(e.addr)
	if !regexp.MustCompile(`^127\.0\.0\.1 \d+ 127\.0\.0\.1 ` + port + `$`).MatchString(f[9]) {
		t.Errorf("SSH_CONNECTION = %q", f[9])
	}
	if !regexp.MustCompile(`^127\.0\.0\.1 \d+ ` + port + `$`).MatchString(f[10]) {
		t.Errorf("SSH_CLIENT = %q", f[10])
	}
	if f[11] != u.Home {
		t.Errorf("working directory %q, want %q", f[11], u.Home)
	}
}

func TestSignalDelivery(t *testing.T) {
	e := startServer(t, nil, nil)
	c := e.mustDial(t)

	// An untrapped signal kills the program: exit-signal TERM.
	ch, err := c.Exec(context.Background(), "echo ready; exec sleep 1000", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(ch)
	if line, err := r.ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
	if err := ch.Signal(ssh2.SIGTERM); err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, r)
	var ee *ssh2.ExitError
	if err := ch.Wait(); !errors.As(err, &ee) || ee.Signal != "TERM" || ee.Status != -1 {
		t.Errorf("Wait = %v; want exit signal TERM", err)
	}
	ch.Close()

	// A trapped signal reaches the shell, which exits as it chooses; the
	// signal goes to the whole process group (the sleep too). The trap
	// also kills the sleep: a USR1 that lands just before the sleep is
	// forked would otherwise leave it holding stdout open, and the
	// session rightly waits for every writer of its output.
	ch, err = c.Exec(context.Background(), `trap 'echo got USR1; kill $! 2>/dev/null; exit 7' USR1; echo ready; while :; do sleep 1000 & wait $!; done`, nil)
	if err != nil {
		t.Fatal(err)
	}
	r = bufio.NewReader(ch)
	if line, err := r.ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
	if err := ch.Signal(ssh2.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	if string(rest) != "got USR1\n" {
		t.Errorf("after USR1: %q", rest)
	}
	if err := ch.Wait(); !errors.As(err, &ee) || ee.Status != 7 {
		t.Errorf("Wait = %v; want status 7", err)
	}
	ch.Close()

	// A program that kills itself: the signal is reported by name.
	_, _, err = run(t, c, "kill -SEGV $$", nil, nil)
	if !errors.As(err, &ee) || ee.Signal != "SEGV" {
		t.Errorf("Wait = %v; want exit signal SEGV", err)
	}
}

// readUntil reads from r until the accumulated output matches re.
func readUntil(t *testing.T, r io.Reader, re *regexp.Regexp) string {
	t.Helper()
	var acc []byte
	buf := make([]byte, 4096)
	for !re.Match(acc) {
		n, err := r.Read(buf)
		acc = append(acc, buf[:n]...)
		if err != nil {
			t.Fatalf("waiting for %v: %v; got %q", re, err, acc)
		}
	}
	return string(acc)
}

func TestPtySession(t *testing.T) {
	e := startServer(t, nil, nil)
	c := e.mustDial(t)
	opts := &ssh2.ExecOptions{Pty: &ssh2.PtyOptions{Term: "xterm-test", Columns: 100, Rows: 40,
		Modes: ssh2.TerminalModes{53: 0}}} // ECHO off
	out, _, err := run(t, c, `tty; stty size; echo "$TERM $SSH_TTY"; stty -a | grep -o -- '-echo ' | head -n1`, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\r\n"), "\r\n")
	if len(lines) != 4 || !regexp.MustCompile(`^/dev/pts/\d+$`).MatchString(lines[0]) || lines[1] != "40 100" ||
		lines[2] != "xterm-test "+lines[0] || lines[3] != "-echo " {
		t.Errorf("PTY output %q", out)
	}

	// Window changes reach the terminal (SIGWINCH to the program).
	ch, err := c.Exec(context.Background(), `trap 'stty size; exit 0' WINCH; echo ready; while :; do sleep 1000 & wait $!; done`, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	readUntil(t, ch, regexp.MustCompile(`ready\r\n`))
	if err := ch.WindowChange(132, 50, 0, 0); err != nil {
		t.Fatal(err)
	}
	readUntil(t, ch, regexp.MustCompile(`50 132\r\n`))
	if err := ch.Wait(); err != nil {
		t.Errorf("Wait = %v", err)
	}
}

func TestShellRequest(t *testing.T) {
	e := startServer(t, nil, nil)
	c := e.mustDial(t)
	ch, err := c.Shell(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	go func() {
		io.WriteString(ch, "echo \"$0\"; exit 4\n")
		ch.CloseWrite()
	}()
	out, _ := io.ReadAll(ch)
	if want := "-" + filepath.Base(e.user.Shell) + "\n"; !strings.HasSuffix(string(out), want) {
		t.Errorf("login shell's $0: output %q, want suffix %q", out, want)
	}
	var ee *ssh2.ExitError
	if err := ch.Wait(); !errors.As(err, &ee) || ee.Status != 4 {
		t.Errorf("Wait = %v", err)
	}
}

func TestForcedCommandAndNoPty(t *testing.T) {
	e := startServer(t, nil, nil)
	_, line := newKey(t)
	_ = line
	key, kline := newKey(t)
	if err := os.WriteFile(e.akPath, []byte(`command="echo forced:$SSH_ORIGINAL_COMMAND",no-pty `+kline+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := e.dial(t, "", ssh2.PublicKeys(key))
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, c, "echo not this", nil, nil)
	if err != nil || string(out) != "forced:echo not this\n" {
		t.Errorf("forced command: %q, %v", out, err)
	}
	s, err := c.NewSession(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.RequestPty(context.Background(), &ssh2.PtyOptions{}); err == nil {
		t.Error("PTY granted to a no-pty key")
	}
}

func TestSubsystems(t *testing.T) {
	e := startServer(t, []string{"Subsystem=echo2 echo subsystem-ran"}, nil)
	c := e.mustDial(t)
	if _, err := c.Subsystem(context.Background(), "sftp"); err == nil {
		t.Error("unconfigured subsystem started")
	}
	ch, err := c.Subsystem(context.Background(), "echo2")
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	out, _ := io.ReadAll(ch)
	if string(out) != "subsystem-ran\n" || ch.Wait() != nil {
		t.Errorf("subsystem output %q", out)
	}
}

func TestAuthentication(t *testing.T) {
	e := startServer(t, nil, nil)
	other, _ := newKey(t)
	if _, err := e.dial(t, "", ssh2.PublicKeys(other)); err == nil {
		t.Error("unlisted key accepted")
	}
	if _, err := e.dial(t, "ssh2d-no-such-user", ssh2.PublicKeys(e.key)); err == nil {
		t.Error("listed key accepted for another user name")
	}
	if _, err := e.dial(t, "", ssh2.Password("x")); err == nil {
		t.Error("password accepted without -password")
	}

	e = startServer(t, nil, map[string]string{e.user.Name: "s3cret", "other": "s3cret"})
	if _, err := e.dial(t, "", ssh2.Password("s3cret")); err != nil {
		t.Errorf("password: %v", err)
	}
	if _, err := e.dial(t, "", ssh2.Password("wrong")); err == nil {
		t.Error("wrong password accepted")
	}
	if _, err := e.dial(t, "other", ssh2.Password("s3cret")); err == nil {
		t.Error("password accepted for a user other than the server's")
	}
	var prompts []ssh2.Prompt
	ki := func(answer string) ssh2.AuthMethod {
		return ssh2.KeyboardInteractive(func(name, instruction string, p []ssh2.Prompt) ([]string, error) {
			prompts = append(prompts, p...)
			a := make([]string, len(p))
			for i := range a {
				a[i] = answer
			}
			return a, nil
		})
	}
	if _, err := e.dial(t, "", ki("s3cret")); err != nil {
		t.Errorf("keyboard-interactive: %v", err)
	}
	if len(prompts) != 1 || prompts[0].Text != "Password: " || prompts[0].Echo {
		t.Errorf("prompts %+v", prompts)
	}
	if _, err := e.dial(t, "", ki("wrong")); err == nil {
		t.Error("wrong keyboard-interactive answer accepted")
	}

	e = startServer(t, []string{"PasswordAuthentication=no", "KbdInteractiveAuthentication=no"}, map[string]string{e.user.Name: "s3cret"})
	if _, err := e.dial(t, "", ssh2.Password("s3cret")); err == nil {
		t.Error("password accepted with PasswordAuthentication=no")
	}
}

func TestBanner(t *testing.T) {
	path := filepath.Join(t.TempDir(), "banner")
	if err := os.WriteFile(path, []byte("Authorized use only.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := startServer(t, []string{"Banner=" + path}, nil)
	var got []string
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := ssh2.Dial(ctx, "tcp", e.addr, &ssh2.ClientConfig{
		User: e.user.Name, Auth: []ssh2.AuthMethod{ssh2.PublicKeys(e.key)}, HostKeyCallback: ssh2.FixedHostKey(e.hostKey),
		BannerCallback: func(m string) error { got = append(got, m); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if len(got) != 1 || got[0] != "Authorized use only.\n" {
		t.Errorf("banners %q", got)
	}
}

// TestConnectionLossHangsUp checks that a program still running when the
// client's connection ends gets SIGHUP, with and without a PTY.
func TestConnectionLossHangsUp(t *testing.T) {
	e := startServer(t, nil, nil)
	for _, withPty := range []bool{false, true} {
		fifo := filepath.Join(t.TempDir(), "fifo")
		if err := syscallMkfifo(fifo); err != nil {
			t.Fatal(err)
		}
		c := e.mustDial(t)
		var opts *ssh2.ExecOptions
		if withPty {
			opts = &ssh2.ExecOptions{Pty: &ssh2.PtyOptions{}}
		}
		ch, err := c.Exec(context.Background(), `trap 'echo hup > `+fifo+`; exit 1' HUP; echo ready; while :; do sleep 1000 & wait $!; done`, opts)
		if err != nil {
			t.Fatal(err)
		}
		readUntil(t, ch, regexp.MustCompile(`ready\r?\n`))
		c.Close()
		got := make(chan string, 1)
		go func() {
			b, err := os.ReadFile(fifo) // blocks until the trap writes
			if err != nil {
				got <- err.Error()
				return
			}
			got <- string(b)
		}()
		select {
		case s := <-got:
			if s != "hup\n" {
				t.Errorf("pty %v: fifo got %q", withPty, s)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("pty %v: the program was not hung up", withPty)
		}
	}
}
