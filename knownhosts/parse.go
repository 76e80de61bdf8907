// Package knownhosts reads and writes OpenSSH known_hosts files
// (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT") and verifies server host keys
// against them.
//
// A file holds one entry a line: an optional marker (@cert-authority or
// @revoked), a comma-separated list of host patterns or a single hashed
// name (|1|salt|hash), the key type, the base64 key blob and an optional
// comment. Patterns may use the wildcards '*' and '?' and may be negated
// with '!'; a host on a port other than 22 is written "[host]:port".
//
// Host certificates (PROTOCOL.certkeys) are verified against
// @cert-authority lines: type, principal (the host name), validity and CA
// signature; @revoked applies to the certificate, its key and its CA. See
// DB.Check, and DB.PreferredHostKeyAlgorithms to make a client ask for
// certificates from hosts with a known CA.
//
// Every line is untrusted input: malformed or overlong lines and keys of
// unsupported types are skipped, never fatal, and reported in
// DB.Skipped.
package knownhosts

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/ssh2go/ssh2/keys"
)

// MaxLineLen bounds the length of one known_hosts line. Longer lines are
// skipped. The largest supported public key (16 KiB blob) fits with room
// for a long pattern list.
const MaxLineLen = 64 << 10

// Marker is the optional first field of a known_hosts line.
type Marker int

const (
	// MarkerNone is an ordinary host key line.
	MarkerNone Marker = iota
	// MarkerCertAuthority (@cert-authority) marks a certificate authority
	// key trusted to sign host certificates for the matching hosts.
	MarkerCertAuthority
	// MarkerRevoked (@revoked) marks a key that must never be accepted
	// for the matching hosts.
	MarkerRevoked
)

// String returns the marker as written in a file, or "" for MarkerNone.
func (m Marker) String() string {
	switch m {
	case MarkerCertAuthority:
		return "@cert-authority"
	case MarkerRevoked:
		return "@revoked"
	}
	return ""
}

// Entry is one parsed known_hosts line.
type Entry struct {
	// Marker is the line's marker, if any.
	Marker Marker
	// Hosts is the host field exactly as written: a comma-separated
	// pattern list or a hashed name.
	Hosts string
	// Key is the public key.
	Key keys.PublicKey
	// Comment is the rest of the line after the key, trimmed.
	Comment string
	// Filename and Line locate the entry (Line counts from 1; it is 0
	// for an entry a Checker appended).
	Filename string
	Line     int

	patterns []string // lower-cased patterns, for a plain entry
	salt     []byte   // for a hashed entry
	hash     []byte   // HMAC-SHA1(salt, name), for a hashed entry
}

// Hashed reports whether the host field is a hashed name (|1|salt|hash).
func (e *Entry) Hashed() bool { return e.salt != nil }

// MatchHost reports whether the entry's host field matches host, which
// must be normalized already (see Normalize): a hashed name must hash to
// the same value; for a pattern list, some pattern must match and no
// negated pattern may match.
func (e *Entry) MatchHost(host string) bool {
	return e.matchHost(newMatcher(host))
}

// matcher holds what matching one host against many entries reuses.
type matcher struct {
	host       string
	bytes      []byte
	h          hash.Hash
	ipad, opad [64]byte
	inner, sum [sha1Size]byte
}

func newMatcher(host string) *matcher {
	return &matcher{host: host, bytes: []byte(host), h: sha1.New()}
}

func (e *Entry) matchHost(m *matcher) bool {
	if e.salt != nil {
		return hashMatches(m, e.salt, e.hash)
	}
	return matchPatternList(e.patterns, m.host)
}

// SkippedLine describes a line that was not used and why.
type SkippedLine struct {
	Filename string
	Line     int
	Err      error
}

// ErrMalformedLine is wrapped by the reasons of skipped lines.
var ErrMalformedLine = errors.New("knownhosts: malformed line")

// Parse reads known_hosts entries from r. filename is recorded in each
// entry and skip report. Lines that cannot be used are skipped and
// reported; only a read error from r is returned as an error.
func Parse(r io.Reader, filename string) ([]Entry, []SkippedLine, error) {
	br := bufio.NewReaderSize(r, 4096)
	var (
		entries []Entry
		skipped []SkippedLine
		lineNo  int
		buf     []byte
	)
	for {
		lineNo++
		line, tooLong, err := readLine(br, buf[:0])
		buf = line
		if len(line) > 0 || tooLong {
			if tooLong {
				skipped = append(skipped, SkippedLine{filename, lineNo, fmt.Errorf("%w: longer than %d bytes", ErrMalformedLine, MaxLineLen)})
			} else if e, ok, perr := parseLine(line); perr != nil {
				skipped = append(skipped, SkippedLine{filename, lineNo, perr})
			} else if ok {
				e.Filename, e.Line = filename, lineNo
				entries = append(entries, e)
			}
		}
		if err == io.EOF {
			return entries, skipped, nil
		}
		if err != nil {
			return entries, skipped, err
		}
	}
}

// readLine reads one line without its end into buf. A line longer than
// MaxLineLen is consumed and reported with tooLong set.
func readLine(br *bufio.Reader, buf []byte) (line []byte, tooLong bool, err error) {
	for {
		frag, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(frag) > MaxLineLen+1 {
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, frag...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), tooLong, err
	}
}

// parseLine parses one line; ok is false for blank lines and comments.
func parseLine(line []byte) (e Entry, ok bool, err error) {
	s := strings.TrimSpace(string(line))
	if s == "" || s[0] == '#' {
		return Entry{}, false, nil
	}
	fields := strings.Fields(s)
	if strings.HasPrefix(fields[0], "@") {
		switch fields[0] {
		case "@cert-authority":
			e.Marker = MarkerCertAuthority
		case "@revoked":
			e.Marker = MarkerRevoked
		default:
			return e, false, fmt.Errorf("%w: unknown marker %q", ErrMalformedLine, fields[0])
		}
		fields = fields[1:]
	}
	if len(fields) < 3 {
		return e, false, fmt.Errorf("%w: missing fields", ErrMalformedLine)
	}
	e.Hosts = fields[0]
	if strings.HasPrefix(e.Hosts, "|") {
		e.salt, e.hash, err = parseHashed(e.Hosts)
		if err != nil {
			return e, false, err
		}
	} else {
		for _, p := range strings.Split(e.Hosts, ",") {
			if p == "" || p == "!" {
				return e, false, fmt.Errorf("%w: empty host pattern", ErrMalformedLine)
			}
			e.patterns = append(e.patterns, strings.ToLower(p))
		}
	}
	blob, err := base64.StdEncoding.DecodeString(fields[2])
	if err != nil {
		return e, false, fmt.Errorf("%w: key is not base64: %v", ErrMalformedLine, err)
	}
	e.Key, err = keys.ParsePublicKey(blob)
	if err != nil {
		return e, false, fmt.Errorf("knownhosts: key: %w", err)
	}
	if e.Key.Type() != fields[1] {
		return e, false, fmt.Errorf("%w: key type %q does not match the key's %q", ErrMalformedLine, fields[1], e.Key.Type())
	}
	if len(fields) > 3 {
		e.Comment = strings.Join(fields[3:], " ")
	}
	return e, true, nil
}

// parseHashed splits "|1|base64salt|base64hash".
func parseHashed(h string) (salt, hash []byte, err error) {
	parts := strings.Split(h, "|")
	if len(parts) != 4 || parts[0] != "" || parts[1] != "1" {
		return nil, nil, fmt.Errorf("%w: bad hashed host name", ErrMalformedLine)
	}
	salt, err1 := base64.StdEncoding.DecodeString(parts[2])
	hash, err2 := base64.StdEncoding.DecodeString(parts[3])
	if err1 != nil || err2 != nil || len(salt) != sha1Size || len(hash) != sha1Size {
		return nil, nil, fmt.Errorf("%w: bad hashed host name", ErrMalformedLine)
	}
	return salt, hash, nil
}
