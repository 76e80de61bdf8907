package ssh2

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ssh2go/ssh2/internal/mux"
	"github.com/ssh2go/ssh2/internal/wire"
)

// OpenChannelError reports that the peer refused to open a channel.
type OpenChannelError = mux.OpenChannelError

// TerminalModes are the encoded terminal modes of a PTY request
// (RFC 4254 §8), by opcode.
type TerminalModes = wire.TerminalModes

// Signal names a POSIX signal without the "SIG" prefix (RFC 4254 §6.10).
type Signal string

// Signals defined by RFC 4254 §6.10.
const (
	SIGABRT Signal = "ABRT"
	SIGALRM Signal = "ALRM"
	SIGFPE  Signal = "FPE"
	SIGHUP  Signal = "HUP"
	SIGILL  Signal = "ILL"
	SIGINT  Signal = "INT"
	SIGKILL Signal = "KILL"
	SIGPIPE Signal = "PIPE"
	SIGQUIT Signal = "QUIT"
	SIGSEGV Signal = "SEGV"
	SIGTERM Signal = "TERM"
	SIGUSR1 Signal = "USR1"
	SIGUSR2 Signal = "USR2"
)

// PtyOptions describe a pseudo-terminal to request (RFC 4254 §6.2).
type PtyOptions struct {
	// Term is the TERM value, e.g. "xterm-256color"; "vt100" if empty.
	Term string
	// Columns and Rows are the size in characters (80×24 if zero);
	// WidthPixels and HeightPixels are optional.
	Columns, Rows             uint32
	WidthPixels, HeightPixels uint32
	// Modes are terminal modes to set; nil sends none.
	Modes TerminalModes
}

// ExecOptions are the optional settings of Client.Exec and Client.Shell.
type ExecOptions struct {
	// Env is sent as "env" requests before the command; servers often
	// accept only some names (OpenSSH: AcceptEnv), and a refusal is not
	// an error.
	Env map[string]string
	// Pty, if set, requests a pseudo-terminal first.
	Pty *PtyOptions
	// DiscardStderr drops the command's stderr so that a caller that
	// never reads Stderr cannot stall the channel.
	DiscardStderr bool
}

// Channel is a client's session channel (or any channel opened with
// Client.OpenChannel): an io.ReadWriteCloser for the remote program's
// stdin and stdout, with Stderr, CloseWrite (EOF), Signal, WindowChange
// and Wait for the exit status. Its methods are safe for concurrent use.
type Channel struct {
	ch *mux.Channel

	mu       sync.Mutex
	exit     *ExitError
	exitSeen bool
	started  bool
}

func newClientChannel() *Channel { return &Channel{} }

// handleRequest receives the server's requests on the session, on the
// connection's reading goroutine.
func (c *Channel) handleRequest(r *mux.ChannelRequest) {
	switch r.Type {
	case wire.RequestExitStatus:
		var m wire.ExitStatus
		if m.Unmarshal(r.Payload) == nil {
			c.mu.Lock()
			c.exitSeen = true
			if m.Status != 0 {
				c.exit = &ExitError{Status: int(m.Status)}
			}
			c.mu.Unlock()
		}
		r.Reply(false)
	case wire.RequestExitSignal:
		var m wire.ExitSignal
		if m.Unmarshal(r.Payload) == nil {
			c.mu.Lock()
			c.exitSeen = true
			c.exit = &ExitError{Status: -1, Signal: m.Signal, CoreDumped: m.CoreDumped, Message: m.Message}
			c.mu.Unlock()
		}
		r.Reply(false)
	default:
		// keepalive@openssh.com and the like expect a failure reply.
		r.Reply(false)
	}
}

// Read reads the remote program's stdout.
func (c *Channel) Read(p []byte) (int, error) { return c.ch.Read(p) }

// ReadAtLeast reads stdout into p until it holds at least min bytes, with
// the results of io.ReadAtLeast, waking only once enough has arrived
// rather than for every packet: cheaper for a caller that knows the size
// of the message it waits for.
func (c *Channel) ReadAtLeast(p []byte, min int) (int, error) { return c.ch.ReadAtLeast(p, min) }

// Write writes to the remote program's stdin. It blocks while the
// server's window is full.
func (c *Channel) Write(p []byte) (int, error) { return c.ch.Write(p) }

// Stderr returns the remote program's stderr (extended data type 1).
func (c *Channel) Stderr() io.Reader { return c.ch.Stderr() }

// CloseWrite sends EOF: the remote program reads end of input. Output can
// still be read.
func (c *Channel) CloseWrite() error { return c.ch.CloseWrite() }

// Close closes the channel in both directions.
func (c *Channel) Close() error { return c.ch.Close() }

// SetDeadline sets read and write deadlines, as net.Conn does.
func (c *Channel) SetDeadline(t time.Time) error { return c.ch.SetDeadline(t) }

// SetReadDeadline sets the deadline for Read and Stderr reads.
func (c *Channel) SetReadDeadline(t time.Time) error { return c.ch.SetReadDeadline(t) }

// SetWriteDeadline sets the deadline for Write.
func (c *Channel) SetWriteDeadline(t time.Time) error { return c.ch.SetWriteDeadline(t) }

// SendRequest sends a channel request (RFC 4254 §5.4) and, with
// wantReply, waits for the answer.
func (c *Channel) SendRequest(ctx context.Context, name string, wantReply bool, payload []byte) (bool, error) {
	return c.ch.SendRequest(ctx, name, wantReply, payload)
}

// request sends a want-reply request and turns a refusal into an error.
func (c *Channel) request(ctx context.Context, name string, payload []byte) error {
	ok, err := c.ch.SendRequest(ctx, name, true, payload)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("ssh2: server refused %q request", name)
	}
	return nil
}

// RequestPty asks for a pseudo-terminal (RFC 4254 §6.2).
func (c *Channel) RequestPty(ctx context.Context, p *PtyOptions) error {
	m := wire.PtyRequest{Term: p.Term, Columns: p.Columns, Rows: p.Rows, WidthPixels: p.WidthPixels, HeightPixels: p.HeightPixels}
	if m.Term == "" {
		m.Term = "vt100"
	}
	if m.Columns == 0 || m.Rows == 0 {
		m.Columns, m.Rows = 80, 24
	}
	m.Modes = p.Modes.Append(nil)
	return c.request(ctx, wire.RequestPty, m.Append(nil))
}

// Setenv asks the server to set an environment variable (RFC 4254 §6.4).
func (c *Channel) Setenv(ctx context.Context, name, value string) error {
	return c.request(ctx, wire.RequestEnv, envPayload(name, value))
}

// Start runs cmd on the server (an "exec" request).
func (c *Channel) Start(ctx context.Context, cmd string) error {
	return c.start(ctx, wire.RequestExec, (&wire.ExecRequest{Command: cmd}).Append(nil))
}

// Shell starts the user's login shell.
func (c *Channel) Shell(ctx context.Context) error { return c.start(ctx, wire.RequestShell, nil) }

// RequestSubsystem starts a subsystem such as "sftp".
func (c *Channel) RequestSubsystem(ctx context.Context, name string) error {
	return c.start(ctx, wire.RequestSubsystem, (&wire.SubsystemRequest{Name: name}).Append(nil))
}

func (c *Channel) start(ctx context.Context, name string, payload []byte) error {
	c.mu.Lock()
	if c.started {
		c.mu.Unlock()
		return fmt.Errorf("ssh2: session already started")
	}
	c.started = true
	c.mu.Unlock()
	return c.request(ctx, name, payload)
}

// WindowChange tells the server the terminal's new size (RFC 4254 §6.7).
func (c *Channel) WindowChange(columns, rows, widthPixels, heightPixels uint32) error {
	m := wire.WindowChange{Columns: columns, Rows: rows, WidthPixels: widthPixels, HeightPixels: heightPixels}
	_, err := c.ch.SendRequest(context.Background(), wire.RequestWindowChange, false, m.Append(nil))
	return err
}

// Signal delivers a signal to the remote program (RFC 4254 §6.9).
func (c *Channel) Signal(sig Signal) error {
	_, err := c.ch.SendRequest(context.Background(), wire.RequestSignal, false, (&wire.SignalRequest{Signal: string(sig)}).Append(nil))
	return err
}

// Wait waits until the server closes the channel and reports how the
// remote program ended: nil for exit status 0, an *ExitError for another
// status or a signal, ErrExitMissing if the server sent neither, or the
// connection's error if it failed first.
func (c *Channel) Wait() error {
	<-c.ch.Done()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.exit != nil {
		return c.exit
	}
	if c.exitSeen {
		return nil
	}
	if err := c.ch.Err(); err != nil {
		return err
	}
	return ErrExitMissing
}

func envPayload(name, value string) []byte {
	return (&wire.EnvRequest{Name: name, Value: value}).Append(nil)
}
