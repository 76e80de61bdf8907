//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sshd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/ssh2go/ssh2"
)

// drainIdle is how long a PTY's output is waited for after the program
// exited while something else still holds the terminal open.
const drainIdle = 500 * time.Millisecond

// copyBufSize is the chunk size of output copies (one full SSH packet).
const copyBufSize = 32 << 10

// Run starts the job for s, with a PTY if the client requested one,
// forwards stdin, output, window changes and signals, and when the
// program has ended and its output is flushed sends its exit status or
// exit signal. It returns when the session's work is done; an error
// tells why the program could not run.
func (j *Job) Run(s *ssh2.Session) error {
	env := SessionEnv{User: j.User, Remote: s.RemoteAddr(), Local: s.LocalAddr(), Accepted: s.Environ(), Extra: j.Extra}
	cmd := j.command()
	// The channel reports a lost connection like an EOF, so watch the
	// connection itself. This goroutine ends with the connection.
	gone := make(chan struct{})
	go func() { _ = s.Conn().Wait(); close(gone) }()
	if p, ok := s.Pty(); ok {
		return j.runPty(s, cmd, env, p, gone)
	}
	return j.runPipes(s, cmd, env, gone)
}

// onConnectionLoss runs hangup if the connection ends before the
// returned stop function is called.
func onConnectionLoss(gone <-chan struct{}, hangup func()) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-gone:
			hangup()
		case <-done:
		}
	}()
	return func() { close(done); <-finished }
}

// process is a started program's process group.
type process struct {
	pid    int
	exited atomic.Bool
}

// signal sends sig to the process group while the leader has not been
// reaped (so the id cannot belong to someone else).
func (p *process) signal(sig syscall.Signal) {
	if !p.exited.Load() {
		_ = unix.Kill(-p.pid, sig)
	}
}

// forwardSignals delivers the client's signal requests until stop is
// called.
func (p *process) forwardSignals(s *ssh2.Session, winch func(ssh2.Window)) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case sig := <-s.Signals():
				if n := SignalNumber(sig); n != 0 {
					p.signal(n)
				}
			case w := <-s.WindowChanges():
				if winch != nil {
					winch(w)
				}
			case <-done:
				return
			}
		}
	}()
	return func() { close(done); <-finished }
}

// SignalNumber maps an SSH signal name ("TERM") to the local signal, or
// 0 when there is none.
func SignalNumber(name ssh2.Signal) syscall.Signal {
	if name == "" || strings.HasPrefix(string(name), "SIG") {
		return 0
	}
	return unix.SignalNum("SIG" + string(name))
}

// SignalName maps a local signal to its SSH name ("TERM").
func SignalName(sig syscall.Signal) ssh2.Signal {
	if n := unix.SignalName(sig); n != "" {
		return ssh2.Signal(strings.TrimPrefix(n, "SIG"))
	}
	return ssh2.Signal(fmt.Sprintf("SIG%d", int(sig)))
}

// reportExit sends how the program ended.
func reportExit(s *ssh2.Session, state *os.ProcessState) error {
	ws, ok := state.Sys().(syscall.WaitStatus)
	if ok && ws.Signaled() {
		return s.ExitSignal(SignalName(ws.Signal()), ws.CoreDump(), "")
	}
	return s.Exit(state.ExitCode())
}

// startFailed tells the client why its program could not start, as
// sshd's child does, and ends the session with status 1.
func startFailed(s *ssh2.Session, cmd *exec.Cmd, err error) error {
	fmt.Fprintf(s.Stderr(), "%s: %v\r\n", cmd.Path, err)
	_ = s.Exit(1)
	return err
}

// closer closes a file once, from whichever goroutine gets there first.
type closer struct {
	once sync.Once
	f    *os.File
}

func (c *closer) close() { c.once.Do(func() { c.f.Close() }) }

func (j *Job) runPipes(s *ssh2.Session, cmd *exec.Cmd, env SessionEnv, gone <-chan struct{}) error {
	var files []*os.File
	pipe := func() (r, w *os.File) {
		r, w, err := os.Pipe()
		if err == nil {
			files = append(files, r, w)
		}
		return r, w
	}
	inR, inW := pipe()
	outR, outW := pipe()
	errR, errW := pipe()
	if len(files) != 6 {
		for _, f := range files {
			f.Close()
		}
		return startFailed(s, cmd, errors.New("cannot create pipes"))
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	cmd.Env = Environment(env)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err := cmd.Start()
	inR.Close()
	outW.Close()
	errW.Close()
	in, out, errOut := &closer{f: inW}, &closer{f: outR}, &closer{f: errR}
	if err != nil {
		in.close()
		out.close()
		errOut.close()
		return startFailed(s, cmd, err)
	}
	p := &process{pid: cmd.Process.Pid}

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); copyOutput(s, out) }()
	go func() { defer wg.Done(); copyOutput(s.Stderr(), errOut) }()
	go func() {
		// stdin: EOF closes the program's input; losing the channel
		// hangs the program up and stops waiting for its output.
		_, err := io.Copy(inW, readerOnly{s})
		in.close()
		if err != nil && !errors.Is(err, syscall.EPIPE) {
			p.signal(syscall.SIGHUP)
			out.close()
			errOut.close()
		}
	}()
	stop := p.forwardSignals(s, nil)
	// Unlike sshd, which leaves such programs to SIGPIPE, a lost
	// connection hangs the program up and stops waiting for its output.
	unwatch := onConnectionLoss(gone, func() {
		p.signal(syscall.SIGHUP)
		out.close()
		errOut.close()
	})
	werr := cmd.Wait()
	p.exited.Store(true)
	stop()
	wg.Wait() // all output, also from children still holding the pipes
	unwatch()
	out.close()
	errOut.close()
	in.close()
	if cmd.ProcessState == nil {
		_ = s.Exit(1)
		return werr
	}
	return reportExit(s, cmd.ProcessState)
}

// readerOnly hides the session's other methods from io.Copy.
type readerOnly struct{ r io.Reader }

func (r readerOnly) Read(p []byte) (int, error) { return r.r.Read(p) }

// copyOutput copies the program's output to the client until EOF; when
// the client is gone it closes the pipe so the program gets SIGPIPE.
func copyOutput(w io.Writer, c *closer) {
	buf := make([]byte, copyBufSize)
	for {
		n, err := c.f.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				c.close()
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func winsize(cols, rows, wpx, hpx uint32) *pty.Winsize {
	c16 := func(v uint32) uint16 { return uint16(min(v, 0xffff)) }
	return &pty.Winsize{Cols: c16(cols), Rows: c16(rows), X: c16(wpx), Y: c16(hpx)}
}

func (j *Job) runPty(s *ssh2.Session, cmd *exec.Cmd, env SessionEnv, p ssh2.Pty, gone <-chan struct{}) error {
	ptmx, tty, err := pty.Open()
	if err != nil {
		return startFailed(s, cmd, fmt.Errorf("allocating a PTY: %w", err))
	}
	_ = pty.Setsize(tty, winsize(p.Columns, p.Rows, p.WidthPixels, p.HeightPixels))
	_ = setTerminalModes(int(tty.Fd()), p.Modes)
	master, err := pollable(ptmx)
	if err != nil {
		tty.Close()
		return startFailed(s, cmd, fmt.Errorf("allocating a PTY: %w", err))
	}
	env.TTY, env.Term = tty.Name(), p.Term
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.Env = Environment(env)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	err = cmd.Start()
	tty.Close()
	m := &closer{f: master}
	if err != nil {
		m.close()
		return startFailed(s, cmd, err)
	}
	proc := &process{pid: cmd.Process.Pid}

	outDone := make(chan struct{})
	go func() {
		defer close(outDone)
		buf := make([]byte, copyBufSize)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				if _, werr := s.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return // EIO once no process holds the terminal
			}
			if proc.exited.Load() {
				_ = master.SetReadDeadline(time.Now().Add(drainIdle))
			}
		}
	}()
	go func() {
		// A terminal has no half-close: the client's EOF is ignored,
		// as sshd does; losing the channel hangs the terminal up.
		buf := make([]byte, copyBufSize)
		for {
			n, err := s.Read(buf)
			if n > 0 {
				if _, werr := master.Write(buf[:n]); werr != nil {
					return
				}
			}
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				proc.signal(syscall.SIGHUP)
				m.close()
				return
			}
		}
	}()
	stop := proc.forwardSignals(s, func(w ssh2.Window) { setWinsize(master, w) })
	// A lost connection hangs the terminal up, as sshd does.
	unwatch := onConnectionLoss(gone, func() {
		proc.signal(syscall.SIGHUP)
		m.close()
	})
	werr := cmd.Wait()
	proc.exited.Store(true)
	_ = master.SetReadDeadline(time.Now().Add(drainIdle))
	stop()
	<-outDone
	unwatch()
	m.close()
	if cmd.ProcessState == nil {
		_ = s.Exit(1)
		return werr
	}
	return reportExit(s, cmd.ProcessState)
}

// pollable replaces the PTY master with a non-blocking, close-on-exec
// duplicate in Go's poller, so that reads honour deadlines and Close
// interrupts them (pty.Open hands out a blocking file).
func pollable(f *os.File) (*os.File, error) {
	defer f.Close()
	var nfd int
	var derr error
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	if err := rc.Control(func(fd uintptr) {
		nfd, derr = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return nil, err
	}
	if derr != nil {
		return nil, derr
	}
	if err := unix.SetNonblock(nfd, true); err != nil {
		unix.Close(nfd)
		return nil, err
	}
	return os.NewFile(uintptr(nfd), f.Name()), nil
}

// setWinsize applies a window change through the master's descriptor
// without taking it out of the poller (pty.Setsize would call Fd).
func setWinsize(master *os.File, w ssh2.Window) {
	rc, err := master.SyscallConn()
	if err != nil {
		return
	}
	ws := winsize(w.Columns, w.Rows, w.WidthPixels, w.HeightPixels)
	_ = rc.Control(func(fd uintptr) {
		_ = unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, &unix.Winsize{Row: ws.Rows, Col: ws.Cols, Xpixel: ws.X, Ypixel: ws.Y})
	})
}
