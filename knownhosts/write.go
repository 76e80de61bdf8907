package knownhosts

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ssh2go/ssh2/keys"
)

// Line returns a known_hosts line (without newline) for key under the
// given addresses, each normalized (see Normalize).
func Line(addresses []string, key keys.PublicKey) string {
	names := make([]string, len(addresses))
	for i, a := range addresses {
		names[i] = Normalize(a)
	}
	return strings.Join(names, ",") + " " + strings.TrimSpace(string(keys.MarshalAuthorizedKey(key)))
}

// Append adds key for hosts (addresses, normalized) to file, creating
// the file (mode 0600) and its directory (0700) when missing. With
// hashed, each host gets its own line with a hashed name, as ssh does
// with HashKnownHosts; otherwise one line lists them all. The lines are
// written with one O_APPEND write, so concurrent appenders do not
// interleave.
func Append(file string, hosts []string, key keys.PublicKey, hashed bool) error {
	lines, err := entryLines(hosts, key, hashed)
	if err != nil {
		return err
	}
	return appendLines(file, lines)
}

// entryLines returns the known_hosts lines Append writes.
func entryLines(hosts []string, key keys.PublicKey, hashed bool) ([]string, error) {
	if len(hosts) == 0 {
		return nil, fmt.Errorf("knownhosts: no host to add")
	}
	for _, h := range hosts {
		if h == "" || strings.ContainsAny(h, " \t\r\n,") {
			return nil, fmt.Errorf("knownhosts: invalid host name %q", h)
		}
	}
	if !hashed {
		return []string{Line(hosts, key)}, nil
	}
	k := strings.TrimSpace(string(keys.MarshalAuthorizedKey(key)))
	lines := make([]string, len(hosts))
	for i, h := range hosts {
		lines[i] = HashHostname(Normalize(h)) + " " + k
	}
	return lines, nil
}

// appendLines appends lines to file in one write, creating the file and
// its directory when missing.
func appendLines(file string, lines []string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return fmt.Errorf("knownhosts: %w", err)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("knownhosts: %w", err)
	}
	// A file whose last line lacks its newline would glue our entry to it.
	prefix := ""
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		var last [1]byte
		if r, err := os.Open(file); err == nil {
			if _, err := r.ReadAt(last[:], st.Size()-1); err == nil && last[0] != '\n' {
				prefix = "\n"
			}
			r.Close()
		}
	}
	_, werr := f.WriteString(prefix + strings.Join(lines, "\n") + "\n")
	cerr := f.Close()
	if werr != nil {
		return fmt.Errorf("knownhosts: %w", werr)
	}
	if cerr != nil {
		return fmt.Errorf("knownhosts: %w", cerr)
	}
	return nil
}
