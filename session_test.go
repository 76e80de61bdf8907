package ssh2

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
)

// echoHandler runs a tiny "shell": the exec command selects the behaviour.
func echoHandler(s *Session) {
	cmd := s.Command()
	switch {
	case cmd == "cat":
		io.Copy(s, s)
	case cmd == "sha256":
		h := sha256.New()
		io.Copy(h, s)
		fmt.Fprintf(s, "%x", h.Sum(nil))
	case strings.HasPrefix(cmd, "exit "):
		var n int
		fmt.Sscanf(cmd, "exit %d", &n)
		fmt.Fprint(s.Stderr(), "bye")
		s.Exit(n)
	case cmd == "kill":
		s.ExitSignal(SIGTERM, true, "terminated")
	case cmd == "env":
		fmt.Fprint(s, strings.Join(s.Environ(), "\n"))
	case cmd == "pty":
		p, ok := s.Pty()
		fmt.Fprintf(s, "%v %s %dx%d %d", ok, p.Term, p.Columns, p.Rows, p.Modes[53]) // 53 = ECHO
		w := <-s.WindowChanges()
		fmt.Fprintf(s, " %dx%d", w.Columns, w.Rows)
	case cmd == "signal":
		fmt.Fprint(s, "ready")
		sig := <-s.Signals()
		fmt.Fprintf(s, " got %s", sig)
	case s.Kind() == "subsystem":
		fmt.Fprintf(s, "subsystem %s", s.Subsystem())
	case s.Kind() == "shell":
		fmt.Fprint(s, "shell for "+s.User())
	}
}

func newEchoServer(t *testing.T) string {
	return testServer(t, &Server{Config: passwordConfig(), Handler: echoHandler,
		SubsystemHandlers: map[string]func(*Session){"demo": echoHandler}})
}

func TestExecExitStatusAndStderr(t *testing.T) {
	c := mustDial(t, newEchoServer(t))
	for _, code := range []int{0, 1, 3, 255} {
		ch, err := c.Exec(context.Background(), fmt.Sprintf("exit %d", code), nil)
		if err != nil {
			t.Fatal(err)
		}
		stderr, _ := io.ReadAll(ch.Stderr())
		stdout, _ := io.ReadAll(ch)
		err = ch.Wait()
		if string(stderr) != "bye" || len(stdout) != 0 {
			t.Fatalf("stdout %q stderr %q", stdout, stderr)
		}
		var ee *ExitError
		if code == 0 && err != nil || code != 0 && (!errors.As(err, &ee) || ee.Status != code) {
			t.Fatalf("exit %d: Wait = %v", code, err)
		}
		ch.Close()
	}
}

func TestExitSignal(t *testing.T) {
	c := mustDial(t, newEchoServer(t))
	ch, err := c.Exec(context.Background(), "kill", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	var ee *ExitError
	if err := ch.Wait(); !errors.As(err, &ee) || ee.Signal != "TERM" || !ee.CoreDumped || ee.Message != "terminated" {
		t.Fatalf("Wait = %#v", err)
	}
}

// TestBulkEachDirection moves 64 MiB (8 MiB with -short) each way through
// "cat" and checks every byte, while both sides re-key repeatedly.
func TestBulkEachDirection(t *testing.T) {
	size := 64 << 20
	if testing.Short() {
		size = 8 << 20
	}
	// OnHandshake runs on the connection's reader goroutine.
	var rekeys atomic.Int32
	cfg := passwordConfig()
	cfg.RekeyLimit = 4 << 20 // several re-keys started by the server
	addr := testServer(t, &Server{Config: cfg, Handler: echoHandler})
	c, err := Dial(context.Background(), "tcp", addr, &ClientConfig{
		Config:          Config{RekeyLimit: 3 << 20, OnHandshake: func(Algorithms) { rekeys.Add(1) }},
		User:            "alice",
		Auth:            []AuthMethod{Password("secret")},
		HostKeyCallback: InsecureIgnoreHostKey(),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ch, err := c.Exec(context.Background(), "cat", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	src := make([]byte, size)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range src {
		src[i] = byte(rng.Uint32())
	}
	errc := make(chan error, 1)
	go func() {
		// Odd write sizes exercise packet splitting.
		b := src
		for len(b) > 0 {
			n := min(len(b), 1+rng.IntN(100_000))
			if _, err := ch.Write(b[:n]); err != nil {
				errc <- err
				return
			}
			b = b[n:]
		}
		errc <- ch.CloseWrite()
	}()
	got, err := io.ReadAll(ch)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, src) {
		t.Fatalf("received %d bytes, want %d, equal prefix %d", len(got), len(src), commonPrefix(got, src))
	}
	if err := ch.Wait(); err != nil {
		t.Fatal(err)
	}
	if n := rekeys.Load(); n < 3 {
		t.Fatalf("only %d key exchanges during the transfer", n)
	}
}

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func TestRequestKeyExchangeMidTransfer(t *testing.T) {
	c := mustDial(t, newEchoServer(t))
	ch, err := c.Exec(context.Background(), "sha256", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB
	want := sha256.Sum256(data)
	half := len(data) / 2
	if _, err := ch.Write(data[:half]); err != nil {
		t.Fatal(err)
	}
	if err := c.RequestKeyExchange(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.Write(data[half:]); err != nil {
		t.Fatal(err)
	}
	ch.CloseWrite()
	got, _ := io.ReadAll(ch)
	if string(got) != fmt.Sprintf("%x", want) {
		t.Fatalf("digest %s", got)
	}
}

func TestEnvPtyWindowChange(t *testing.T) {
	c := mustDial(t, newEchoServer(t))
	ch, err := c.Exec(context.Background(), "env", &ExecOptions{Env: map[string]string{"LANG": "C.UTF-8", "FOO": "bar"}})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(ch)
	ch.Close()
	if string(out) != "FOO=bar\nLANG=C.UTF-8" {
		t.Fatalf("env = %q", out)
	}
	ch, err = c.Exec(context.Background(), "pty", &ExecOptions{Pty: &PtyOptions{Term: "xterm", Columns: 100, Rows: 40, Modes: TerminalModes{53: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	buf := make([]byte, 64)
	n, err := ch.Read(buf)
	if err != nil || string(buf[:n]) != "true xterm 100x40 1" {
		t.Fatalf("pty = %q, %v", buf[:n], err)
	}
	if err := ch.WindowChange(120, 50, 0, 0); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(ch)
	if string(rest) != " 120x50" {
		t.Fatalf("window change = %q", rest)
	}
}

func TestSignalShellSubsystem(t *testing.T) {
	c := mustDial(t, newEchoServer(t))
	ch, err := c.Exec(context.Background(), "signal", nil)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(ch, buf); err != nil || string(buf) != "ready" {
		t.Fatalf("%q %v", buf, err)
	}
	ch.Signal(SIGUSR1)
	rest, _ := io.ReadAll(ch)
	ch.Close()
	if string(rest) != " got USR1" {
		t.Fatalf("signal: %q", rest)
	}
	sh, err := c.Shell(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(sh)
	sh.Close()
	if string(out) != "shell for alice" {
		t.Fatalf("shell: %q", out)
	}
	sub, err := c.Subsystem(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	out, _ = io.ReadAll(sub)
	sub.Close()
	if string(out) != "subsystem demo" {
		t.Fatalf("subsystem: %q", out)
	}
	if _, err := c.Subsystem(context.Background(), "unknown"); err == nil {
		t.Fatal("unknown subsystem accepted")
	}
}

func TestSessionContextEndsWithConnection(t *testing.T) {
	started := make(chan struct{})
	ended := make(chan struct{})
	addr := testServer(t, &Server{Config: passwordConfig(), Handler: func(s *Session) {
		close(started)
		<-s.Context().Done() // the handler never reads or writes
		close(ended)
	}})
	c, err := dialPassword(t, addr, "secret")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(context.Background(), "block", nil); err != nil {
		t.Fatal(err)
	}
	<-started
	c.Close()
	<-ended
}

func TestOutput(t *testing.T) {
	c := mustDial(t, newEchoServer(t))
	out, err := c.Output(context.Background(), "env")
	if err != nil || len(out) != 0 {
		t.Fatalf("Output = %q, %v", out, err)
	}
}

// An unknown connection-protocol message number gets UNIMPLEMENTED, not a
// disconnect (RFC 4253 §11.4): the connection goes on working.
func TestUnknownMessageKeepsConnection(t *testing.T) {
	c := mustDial(t, newEchoServer(t))
	if err := c.t.WritePacket([]byte{85, 1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	out, err := c.Output(context.Background(), "env")
	if err != nil || len(out) != 0 {
		t.Fatalf("after unknown message: %q, %v", out, err)
	}
}
