//go:build !windows

package agent

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// dialAgent connects to the agent's Unix socket at addr.
func dialAgent(ctx context.Context, addr string) (net.Conn, error) {
	if addr == "" {
		return nil, ErrNoAgent
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", addr)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	return conn, nil
}

// Listen creates a Unix socket for an agent in a new private directory
// (mode 0700) under the system temporary directory, with mode 0600, and
// returns the listener and the socket's path (the value for
// SSH_AUTH_SOCK). Closing the listener removes the socket and directory.
func Listen() (net.Listener, string, error) {
	dir, err := os.MkdirTemp("", "ssh2-agent-")
	if err != nil {
		return nil, "", fmt.Errorf("agent: %w", err)
	}
	path := filepath.Join(dir, "agent."+strconv.Itoa(os.Getpid()))
	l, err := ListenPath(path)
	if err != nil {
		os.Remove(dir)
		return nil, "", err
	}
	return &dirListener{Listener: l, dir: dir}, path, nil
}

// ListenPath listens on a Unix socket at path and makes it mode 0600.
// The directory holding it should be private to the user.
func ListenPath(path string) (net.Listener, error) {
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("agent: %w", err)
	}
	return l, nil
}

// dirListener removes its private directory when closed.
type dirListener struct {
	net.Listener
	dir string
}

// Close closes the listener (which unlinks the socket) and removes the
// directory.
func (l *dirListener) Close() error {
	err := l.Listener.Close()
	os.RemoveAll(l.dir)
	return err
}
