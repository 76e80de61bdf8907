package transport

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// DefaultVersion is the identification string sent when none is configured.
const DefaultVersion = "SSH-2.0-ssh2go_1.0"

// Limits on the version exchange (RFC 4253 §4.2): a line is at most 255
// bytes with CR LF; a server may send other lines first. OpenSSH allows
// 1024 such lines; we allow fewer bytes in all.
const (
	maxVersionLine    = 255
	maxPreVersionSize = 64 * 1024
)

// ErrVersion reports an identification exchange that failed.
var ErrVersion = errors.New("ssh: bad protocol identification")

// checkVersion validates a version string we are asked to send.
func checkVersion(v string) error {
	if len(v) > maxVersionLine-2 || !(len(v) > 8 && (v[:8] == "SSH-2.0-")) {
		return fmt.Errorf("%w: local version %q must start with SSH-2.0- and fit 253 bytes", ErrVersion, v)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return fmt.Errorf("%w: local version has a non-printable byte", ErrVersion)
		}
	}
	return nil
}

// readVersion reads the peer's identification line, skipping lines that
// do not start with "SSH-" (servers only may send those; RFC 4253 §4.2).
// It returns the line without CR LF.
func readVersion(r *bufio.Reader, allowPreamble bool) ([]byte, error) {
	total := 0
	for {
		line, err := readLine(r, &total)
		if err != nil {
			return nil, err
		}
		if bytes.HasPrefix(line, []byte("SSH-")) {
			if !bytes.HasPrefix(line, []byte("SSH-2.0-")) && !bytes.HasPrefix(line, []byte("SSH-1.99-")) {
				return nil, fmt.Errorf("%w: unsupported protocol version %q", ErrVersion, truncate(line))
			}
			for _, c := range line {
				if c < 0x20 || c > 0x7e {
					return nil, fmt.Errorf("%w: non-printable byte in version", ErrVersion)
				}
			}
			return line, nil
		}
		if !allowPreamble {
			return nil, fmt.Errorf("%w: expected SSH-2.0 identification, got %q", ErrVersion, truncate(line))
		}
	}
}

// readLine reads one LF-terminated line of at most maxVersionLine bytes,
// counting into total, and strips the line ending.
func readLine(r *bufio.Reader, total *int) ([]byte, error) {
	var line []byte
	for {
		c, err := r.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("%w: reading identification: %w", ErrVersion, err)
		}
		*total++
		if *total > maxPreVersionSize {
			return nil, fmt.Errorf("%w: too much data before identification", ErrVersion)
		}
		if c == '\n' {
			return bytes.TrimSuffix(line, []byte("\r")), nil
		}
		if len(line) >= maxVersionLine {
			return nil, fmt.Errorf("%w: identification line too long", ErrVersion)
		}
		line = append(line, c)
	}
}

func truncate(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}
