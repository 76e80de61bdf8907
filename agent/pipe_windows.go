//go:build windows

package agent

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/windows"
)

// OpenSSHPipe is the named pipe of the Windows OpenSSH agent service.
const OpenSSHPipe = `\\.\pipe\openssh-ssh-agent`

// dialAgent connects to the agent at addr: a named pipe (\\.\pipe\...),
// the Windows OpenSSH agent's pipe when addr is empty, a Cygwin/MSYS2
// socket file, or otherwise a Unix socket (Windows 10 and later).
func dialAgent(ctx context.Context, addr string) (net.Conn, error) {
	if addr == "" {
		addr = OpenSSHPipe
	}
	if strings.HasPrefix(addr, `\\.\pipe\`) {
		return DialPipe(addr)
	}
	if isCygwinSocketFile(addr) {
		return DialCygwin(ctx, addr)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", addr)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	return conn, nil
}

// DialPipe opens the named pipe name (for example OpenSSHPipe) for
// reading and writing.
func DialPipe(name string) (net.Conn, error) {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil,
		windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL|windows.SECURITY_SQOS_PRESENT|windows.SECURITY_IDENTIFICATION, 0)
	if err != nil {
		return nil, fmt.Errorf("agent: open %s: %w", name, err)
	}
	return &pipeConn{f: os.NewFile(uintptr(h), name), name: name}, nil
}

// pipeConn adapts a synchronous pipe handle to net.Conn. Deadlines are
// not supported.
type pipeConn struct {
	f    *os.File
	name string
}

func (c *pipeConn) Read(b []byte) (int, error)  { return c.f.Read(b) }
func (c *pipeConn) Write(b []byte) (int, error) { return c.f.Write(b) }
func (c *pipeConn) Close() error                { return c.f.Close() }
func (c *pipeConn) LocalAddr() net.Addr         { return pipeAddr(c.name) }
func (c *pipeConn) RemoteAddr() net.Addr        { return pipeAddr(c.name) }
func (c *pipeConn) SetDeadline(time.Time) error { return ErrNotSupported }
func (c *pipeConn) SetReadDeadline(time.Time) error {
	return ErrNotSupported
}
func (c *pipeConn) SetWriteDeadline(time.Time) error { return ErrNotSupported }

type pipeAddr string

func (a pipeAddr) Network() string { return "pipe" }
func (a pipeAddr) String() string  { return string(a) }

// Listen is not supported on Windows; serve a named pipe or socket of
// your own with Serve.
func Listen() (net.Listener, string, error) { return nil, "", ErrNotSupported }

// ListenPath listens on a Unix socket at path (Windows 10 and later).
func ListenPath(path string) (net.Listener, error) {
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	return l, nil
}
