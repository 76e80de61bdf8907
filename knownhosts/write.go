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
	if len(hosts) == 0 {
		return fmt.Errorf("knownhosts: no host to add")
	}
	for _, h := range hosts {
		if h == "" || strings.ContainsAny(h, " \t\r\n,") {
			return fmt.Errorf("knownhosts: invalid host name %q", h)
		}
	}
	var b strings.Builder
	if hashed {
		k := strings.TrimSpace(string(keys.MarshalAuthorizedKey(key)))
		for _, h := range hosts {
			b.WriteString(HashHostname(Normalize(h)) + " " + k + "\n")
		}
	} else {
		b.WriteString(Line(hosts, key) + "\n")
	}
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
	_, werr := f.WriteString(prefix + b.String())
	cerr := f.Close()
	if werr != nil {
		return fmt.Errorf("knownhosts: %w", werr)
	}
	if cerr != nil {
		return fmt.Errorf("knownhosts: %w", cerr)
	}
	return nil
}
