package ssh2

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// eventTimeout bounds waiting for something a test expects to happen
// soon; it is far above what any step takes, so it only ends a test that
// would otherwise hang.
const eventTimeout = 20 * time.Second

// stallListener is a listener whose connections a test can stall: from
// then on, whatever the server writes is dropped, as if the server (or
// the network) had stopped answering, while the server goes on reading.
type stallListener struct {
	net.Listener
	stalled atomic.Bool
}

func (l *stallListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &stallConn{Conn: nc, l: l}, nil
}

// stall makes the server stop answering on every connection.
func (l *stallListener) stall() { l.stalled.Store(true) }

type stallConn struct {
	net.Conn
	l *stallListener
}

func (c *stallConn) Write(p []byte) (int, error) {
	if c.l.stalled.Load() {
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// stallableServer serves srv like testServer, on a stallListener.
func stallableServer(t *testing.T, srv *Server) (string, *stallListener) {
	t.Helper()
	if srv.Config.HostKeys == nil {
		srv.Config.HostKeys = []Signer{newTestSigner(t)}
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &stallListener{Listener: inner}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; err != ErrServerClosed {
			t.Errorf("Serve returned %v", err)
		}
	})
	return inner.Addr().String(), ln
}

// logRecorder is a slog.Handler that hands every record to the test.
type logRecorder struct{ ch chan slog.Record }

func newLogRecorder() *logRecorder { return &logRecorder{ch: make(chan slog.Record, 4096)} }

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logRecorder) WithGroup(string) slog.Handler            { return h }
func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	select {
	case h.ch <- r.Clone():
	default: // never block the connection; the buffer outlasts any test
	}
	return nil
}

func (h *logRecorder) logger() *slog.Logger { return slog.New(h) }

// next waits for the next record with the message msg.
func (h *logRecorder) next(t *testing.T, msg string) slog.Record {
	t.Helper()
	timeout := time.After(eventTimeout)
	for {
		select {
		case r := <-h.ch:
			if r.Message == msg {
				return r
			}
		case <-timeout:
			t.Fatalf("no %q log record", msg)
		}
	}
}

// drain returns the records logged so far with the message msg.
func (h *logRecorder) drain(msg string) []slog.Record {
	var out []slog.Record
	for {
		select {
		case r := <-h.ch:
			if r.Message == msg {
				out = append(out, r)
			}
		default:
			return out
		}
	}
}

func attr(r slog.Record, key string) slog.Value {
	var v slog.Value
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			v = a.Value
			return false
		}
		return true
	})
	return v
}

// waitErr waits for a connection's Wait, bounded by eventTimeout.
func waitErr(t *testing.T, wait func() error) error {
	t.Helper()
	ch := make(chan error, 1)
	go func() { ch <- wait() }()
	select {
	case err := <-ch:
		return err
	case <-time.After(eventTimeout):
		t.Fatal("the connection did not end")
		return nil
	}
}

const keepaliveSent = "ssh2: sending keepalive"

func TestKeepaliveAnsweredKeepsConnection(t *testing.T) {
	addr := testServer(t, &Server{Config: passwordConfig()})
	logs := newLogRecorder()
	const countMax = 4
	cfg := &ClientConfig{
		User: "alice", Auth: []AuthMethod{Password("secret")}, HostKeyCallback: InsecureIgnoreHostKey(),
		KeepaliveInterval: 10 * time.Millisecond, KeepaliveCountMax: countMax,
	}
	cfg.Logger = logs.logger()
	c, err := Dial(context.Background(), "tcp", addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The idle connection is probed at every interval. The server answers
	// each probe, so the count of unanswered ones starts again and the
	// connection outlives many times countMax probes.
	for i := 0; i < 3*countMax; i++ {
		r := logs.next(t, keepaliveSent)
		if n := attr(r, "unanswered").Int64(); n < 1 || n > countMax {
			t.Fatalf("keepalive %d: unanswered = %d", i, n)
		}
	}
	if err := c.Ping(context.Background()); err != nil {
		t.Fatalf("after keepalives: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Wait(); err != nil {
		t.Fatalf("Wait after Close: %v", err)
	}
}

func TestKeepaliveTimeoutClosesConnection(t *testing.T) {
	ready := make(chan struct{})
	srv := &Server{Config: passwordConfig(), Handler: func(s *Session) {
		io.WriteString(s, "ready\n")
		close(ready)
		<-s.Context().Done() // until the connection is gone
	}}
	addr, ln := stallableServer(t, srv)
	logs := newLogRecorder()
	const countMax = 3
	cfg := &ClientConfig{
		User: "alice", Auth: []AuthMethod{Password("secret")}, HostKeyCallback: InsecureIgnoreHostKey(),
		KeepaliveInterval: 10 * time.Millisecond, KeepaliveCountMax: countMax,
	}
	cfg.Logger = logs.logger()
	c, err := Dial(context.Background(), "tcp", addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ch, err := c.Exec(context.Background(), "wait", nil)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	if _, err := io.ReadFull(ch, buf); err != nil || string(buf) != "ready\n" {
		t.Fatalf("read %q, %v", buf, err)
	}
	<-ready
	ln.stall()

	err = waitErr(t, c.Wait)
	if !errors.Is(err, ErrKeepaliveTimeout) || !strings.Contains(err.Error(), "3 keepalives") {
		t.Fatalf("Wait = %v, want ErrKeepaliveTimeout after 3 keepalives", err)
	}
	// The session learns why the connection ended.
	if err := ch.Wait(); !errors.Is(err, ErrKeepaliveTimeout) {
		t.Fatalf("channel Wait = %v", err)
	}
	// The last countMax probes went unanswered, one per interval, and
	// then the client gave up: no probe after that.
	probes := logs.drain(keepaliveSent)
	if len(probes) < countMax {
		t.Fatalf("%d keepalives logged, want at least %d", len(probes), countMax)
	}
	for i, r := range probes[len(probes)-countMax:] {
		if n := attr(r, "unanswered").Int64(); n != int64(i+1) {
			t.Fatalf("keepalive %d of the last %d: unanswered = %d", i+1, countMax, n)
		}
	}
}
