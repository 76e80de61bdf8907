package agent

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
)

// Cygwin and MSYS2 emulate Unix sockets with a TCP port on 127.0.0.1 and
// a file holding "!<socket >PORT s XXXXXXXX-XXXXXXXX-XXXXXXXX-XXXXXXXX".
// A client connects to the port, sends the 16-byte secret (the four hex
// words, each as a little-endian uint32) and reads it back, then swaps a
// 12-byte pid/uid/gid record with the server.
const cygwinSocketPrefix = "!<socket >"

// cygwinSocket is a parsed Cygwin socket file.
type cygwinSocket struct {
	port   int
	secret [16]byte
}

// parseCygwinSocket parses the contents of a Cygwin/MSYS socket file.
func parseCygwinSocket(b []byte) (*cygwinSocket, error) {
	s, ok := strings.CutPrefix(string(bytes.TrimRight(b, "\x00\r\n")), cygwinSocketPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: not a Cygwin socket file", ErrMalformed)
	}
	f := strings.Fields(s)
	if len(f) != 3 || f[1] != "s" {
		return nil, fmt.Errorf("%w: Cygwin socket file", ErrMalformed)
	}
	port, err := strconv.Atoi(f[0])
	if err != nil || port <= 0 || port > 65535 {
		return nil, fmt.Errorf("%w: Cygwin socket port", ErrMalformed)
	}
	words := strings.Split(f[2], "-")
	if len(words) != 4 {
		return nil, fmt.Errorf("%w: Cygwin socket secret", ErrMalformed)
	}
	c := &cygwinSocket{port: port}
	for i, w := range words {
		v, err := strconv.ParseUint(w, 16, 32)
		if err != nil || len(w) != 8 {
			return nil, fmt.Errorf("%w: Cygwin socket secret", ErrMalformed)
		}
		binary.LittleEndian.PutUint32(c.secret[4*i:], uint32(v))
	}
	return c, nil
}

// DialCygwin connects to an agent listening on a Cygwin or MSYS2 emulated
// Unix socket, given the path of its socket file. It has been checked
// against the byte layout the Cygwin sources describe, not against a live
// Cygwin agent.
func DialCygwin(ctx context.Context, path string) (net.Conn, error) {
	const maxSocketFile = 256
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	if len(b) > maxSocketFile {
		return nil, fmt.Errorf("%w: Cygwin socket file too long", ErrMalformed)
	}
	cs, err := parseCygwinSocket(b)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(cs.port)))
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	if err := cygwinHandshake(conn, cs, os.Getpid()); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// cygwinHandshake sends the secret, checks the echo and swaps the
// credentials record.
func cygwinHandshake(rw io.ReadWriter, cs *cygwinSocket, pid int) error {
	if _, err := rw.Write(cs.secret[:]); err != nil {
		return fmt.Errorf("agent: cygwin handshake: %w", err)
	}
	var echo [16]byte
	if _, err := io.ReadFull(rw, echo[:]); err != nil {
		return fmt.Errorf("agent: cygwin handshake: %w", err)
	}
	if echo != cs.secret {
		return fmt.Errorf("%w: cygwin socket secret mismatch", ErrMalformed)
	}
	var cred [12]byte
	binary.LittleEndian.PutUint32(cred[0:], uint32(pid))
	binary.LittleEndian.PutUint32(cred[4:], uint32(os.Getuid()))
	binary.LittleEndian.PutUint32(cred[8:], uint32(os.Getgid()))
	if _, err := rw.Write(cred[:]); err != nil {
		return fmt.Errorf("agent: cygwin handshake: %w", err)
	}
	if _, err := io.ReadFull(rw, cred[:]); err != nil {
		return fmt.Errorf("agent: cygwin handshake: %w", err)
	}
	return nil
}
