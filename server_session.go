package ssh2

import (
	"context"
	"io"
	"net"
	"sync"

	"github.com/ssh2go/ssh2/internal/mux"
	"github.com/ssh2go/ssh2/internal/wire"
)

// Limits on what a client can make a session hold.
const (
	maxSessionEnv    = 256 // env requests kept per session
	signalBacklog    = 16  // undelivered signals kept
	maxEnvEntryBytes = 64 << 10
)

// Pty is a client's pseudo-terminal request (RFC 4254 §6.2).
type Pty struct {
	Term                      string
	Columns, Rows             uint32
	WidthPixels, HeightPixels uint32
	Modes                     TerminalModes
}

// Window is a terminal size from a window-change request.
type Window struct {
	Columns, Rows             uint32
	WidthPixels, HeightPixels uint32
}

// SessionRequest is a request on a server-side session, shown to
// Server.SessionRequestCallback before the default handling.
type SessionRequest struct {
	// Type is the request name, e.g. "pty-req", "env", "exec".
	Type string
	// Payload is the request-specific data (RFC 4254 §6).
	Payload []byte
}

// Session is a server-side session channel. The handler reads the
// client's stdin from it, writes stdout to it and stderr to Stderr, and
// may end it with Exit or ExitSignal. Its methods are safe for concurrent
// use.
type Session struct {
	conn *ServerConn
	ch   *mux.Channel

	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	started   bool
	kind      string // "exec", "shell" or "subsystem"
	command   string
	subsystem string
	env       []string
	pty       *Pty
	winch     chan Window
	signals   chan Signal
	exited    bool
	handler   func(*Session) // accepted, to start after the reply
}

// acceptSession accepts a session channel and handles its requests on the
// connection's reading goroutine.
func (c *ServerConn) acceptSession(nc *mux.NewChannel) {
	s := &Session{conn: c, signals: make(chan Signal, signalBacklog), winch: make(chan Window, 1)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	ch, err := nc.AcceptConfig(mux.ChannelConfig{OnRequest: s.handleRequest})
	if err != nil {
		s.cancel()
		return
	}
	s.mu.Lock()
	s.ch = ch
	s.mu.Unlock()
}

// handleRequest runs on the reading goroutine and must not block.
func (s *Session) handleRequest(r *mux.ChannelRequest) {
	if cb := s.conn.srv.SessionRequestCallback; cb != nil {
		if !cb(s, &SessionRequest{Type: r.Type, Payload: r.Payload}) {
			r.Reply(false)
			return
		}
	}
	ok := s.apply(r)
	r.Reply(ok)
	// Start the handler only after the reply is on its way, so that
	// CHANNEL_SUCCESS precedes any output (RFC 4254 §6.5).
	s.mu.Lock()
	h := s.handler
	s.handler = nil
	s.mu.Unlock()
	if h != nil {
		go s.run(h)
	}
}

// apply performs the default handling of a request and reports success.
func (s *Session) apply(r *mux.ChannelRequest) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Type {
	case wire.RequestPty:
		var m wire.PtyRequest
		if m.Unmarshal(r.Payload) != nil || s.started || s.pty != nil {
			return false
		}
		modes, err := wire.ParseTerminalModes(m.Modes)
		if err != nil {
			return false
		}
		s.pty = &Pty{Term: m.Term, Columns: m.Columns, Rows: m.Rows, WidthPixels: m.WidthPixels, HeightPixels: m.HeightPixels, Modes: modes}
		return true
	case wire.RequestEnv:
		var m wire.EnvRequest
		if m.Unmarshal(r.Payload) != nil || s.started || len(s.env) >= maxSessionEnv ||
			len(m.Name)+len(m.Value) > maxEnvEntryBytes || !validEnvName(m.Name) {
			return false
		}
		s.env = append(s.env, m.Name+"="+m.Value)
		return true
	case wire.RequestExec:
		var m wire.ExecRequest
		if m.Unmarshal(r.Payload) != nil {
			return false
		}
		return s.startLocked("exec", m.Command, "", s.conn.srv.Handler)
	case wire.RequestShell:
		return s.startLocked("shell", "", "", s.conn.srv.Handler)
	case wire.RequestSubsystem:
		var m wire.SubsystemRequest
		if m.Unmarshal(r.Payload) != nil {
			return false
		}
		// Unknown subsystems are refused, as sshd does.
		return s.startLocked("subsystem", "", m.Name, s.conn.srv.SubsystemHandlers[m.Name])
	case wire.RequestWindowChange:
		var m wire.WindowChange
		if m.Unmarshal(r.Payload) != nil {
			return false
		}
		w := Window{Columns: m.Columns, Rows: m.Rows, WidthPixels: m.WidthPixels, HeightPixels: m.HeightPixels}
		if s.pty != nil {
			s.pty.Columns, s.pty.Rows = w.Columns, w.Rows
		}
		// Keep only the latest size: a slow handler must not block us.
		select {
		case <-s.winch:
		default:
		}
		s.winch <- w
		return true
	case wire.RequestSignal:
		var m wire.SignalRequest
		if m.Unmarshal(r.Payload) != nil {
			return false
		}
		select {
		case s.signals <- Signal(m.Signal):
			return true
		default:
			return false // the handler is not taking signals
		}
	}
	return false
}

func (s *Session) startLocked(kind, command, subsystem string, h func(*Session)) bool {
	if s.started || h == nil {
		return false
	}
	s.started = true
	s.kind, s.command, s.subsystem = kind, command, subsystem
	s.handler = h
	return true
}

// run executes the handler and ends the session the way sshd does: exit
// status (0 unless the handler sent one), EOF, CLOSE.
func (s *Session) run(h func(*Session)) {
	defer s.cancel()
	// Cancel the context as soon as the channel or connection ends, so a
	// handler blocked elsewhere can notice.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-s.ch.Done():
			s.cancel()
		case <-stop:
		}
	}()
	h(s)
	_ = s.Exit(0)
	_ = s.ch.Close()
}

func validEnvName(n string) bool {
	if n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; c == '=' || c == 0 {
			return false
		}
	}
	return true
}

// Read reads the client's stdin.
func (s *Session) Read(p []byte) (int, error) { return s.ch.Read(p) }

// Write writes to the client's stdout.
func (s *Session) Write(p []byte) (int, error) { return s.ch.Write(p) }

// Stderr returns the client's stderr stream.
func (s *Session) Stderr() io.Writer { return s.ch.Stderr() }

// CloseWrite sends EOF on stdout and stderr.
func (s *Session) CloseWrite() error { return s.ch.CloseWrite() }

// Exit sends the exit status and EOF; the session closes when the handler
// returns. Only the first Exit or ExitSignal counts.
func (s *Session) Exit(status int) error {
	return s.exit(wire.RequestExitStatus, (&wire.ExitStatus{Status: uint32(status)}).Append(nil))
}

// ExitSignal reports that the program was killed by sig.
func (s *Session) ExitSignal(sig Signal, coreDumped bool, message string) error {
	return s.exit(wire.RequestExitSignal, (&wire.ExitSignal{Signal: string(sig), CoreDumped: coreDumped, Message: message}).Append(nil))
}

func (s *Session) exit(name string, payload []byte) error {
	s.mu.Lock()
	if s.exited {
		s.mu.Unlock()
		return nil
	}
	s.exited = true
	s.mu.Unlock()
	_ = s.ch.CloseWrite()
	_, err := s.ch.SendRequest(context.Background(), name, false, payload)
	return err
}

// Context is cancelled when the session's handler returns, or earlier
// when the client closes the channel or the connection ends.
func (s *Session) Context() context.Context { return s.ctx }

// Conn returns the connection the session belongs to.
func (s *Session) Conn() *ServerConn { return s.conn }

// User is the authenticated user name.
func (s *Session) User() string { return s.conn.User() }

// RemoteAddr is the client's address.
func (s *Session) RemoteAddr() net.Addr { return s.conn.RemoteAddr() }

// LocalAddr is the server's address of the connection.
func (s *Session) LocalAddr() net.Addr { return s.conn.LocalAddr() }

// Kind is "exec", "shell" or "subsystem".
func (s *Session) Kind() string { s.mu.Lock(); defer s.mu.Unlock(); return s.kind }

// Command is the command of an exec request.
func (s *Session) Command() string { s.mu.Lock(); defer s.mu.Unlock(); return s.command }

// Subsystem is the name of a subsystem request.
func (s *Session) Subsystem() string { s.mu.Lock(); defer s.mu.Unlock(); return s.subsystem }

// Environ returns the accepted env requests as "NAME=value" strings.
func (s *Session) Environ() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.env...)
}

// Pty returns the client's PTY request, if it made one, with the latest
// window size.
func (s *Session) Pty() (Pty, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pty == nil {
		return Pty{}, false
	}
	return *s.pty, true
}

// WindowChanges delivers the client's terminal size changes; only the
// latest undelivered one is kept.
func (s *Session) WindowChanges() <-chan Window { return s.winch }

// Signals delivers the signals the client sends; when the handler does
// not keep up, later signals are refused.
func (s *Session) Signals() <-chan Signal { return s.signals }
