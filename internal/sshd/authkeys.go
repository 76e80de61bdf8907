package sshd

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ssh2go/ssh2/keys"
)

// MaxAuthorizedKeysSize bounds the authorized_keys file read.
const MaxAuthorizedKeysSize = 4 << 20

// ErrUnsupportedKeyOption is wrapped when an authorized_keys line carries
// a restriction this server cannot enforce; such a key never matches.
var ErrUnsupportedKeyOption = errors.New("sshd: unsupported authorized_keys option")

// KeyEntry is the authorized_keys line that matched a key.
type KeyEntry struct {
	Comment string
	// Command is a forced command (command="..."), or "".
	Command string
	// NoPTY refuses PTY requests (no-pty, or restrict without pty).
	NoPTY bool
}

// AuthorizedKeys checks keys against an authorized_keys file, read anew
// at each lookup as sshd does, so edits apply to the next login.
type AuthorizedKeys struct {
	Path string
}

// Lookup returns the first entry of the file that lists key and whose
// options can all be honoured. Lines that do not parse are skipped. It
// returns (nil, nil) when no entry matches.
func (a *AuthorizedKeys) Lookup(key keys.PublicKey) (*KeyEntry, error) {
	f, err := os.Open(a.Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxAuthorizedKeysSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxAuthorizedKeysSize {
		return nil, fmt.Errorf("sshd: %s is larger than %d bytes", a.Path, MaxAuthorizedKeysSize)
	}
	return FindKey(data, key), nil
}

// FindKey returns the first usable entry of authorized_keys data that
// lists key, or nil.
func FindKey(data []byte, key keys.PublicKey) *KeyEntry {
	rest := data
	for len(rest) > 0 {
		pub, comment, options, next, err := keys.ParseAuthorizedKey(rest)
		rest = next
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || !keys.Equal(pub, key) {
			continue
		}
		e, err := entryFromOptions(options)
		if err != nil {
			continue
		}
		e.Comment = comment
		return e
	}
	return nil
}

// entryFromOptions interprets authorized_keys options (sshd(8)
// "AUTHORIZED_KEYS FILE FORMAT"). Options that only grant or deny
// features this server never offers (forwarding, X11, user rc) are
// accepted; restrictions it cannot enforce make the line unusable.
func entryFromOptions(options []string) (*KeyEntry, error) {
	e := &KeyEntry{}
	ptyAllowed := false
	for _, opt := range options {
		name, value, err := keys.ParseOption(opt)
		if err != nil {
			return nil, err
		}
		switch lower(name) {
		case "command":
			e.Command = value
		case "no-pty":
			e.NoPTY = true
		case "restrict":
			e.NoPTY = true
		case "pty":
			ptyAllowed = true
		case "no-port-forwarding", "no-agent-forwarding", "no-x11-forwarding", "no-user-rc",
			"port-forwarding", "agent-forwarding", "x11-forwarding", "user-rc",
			"permitopen", "permitlisten", "no-touch-required", "environment", "tunnel":
			// Nothing to enforce: none of these features is offered.
		default:
			// from=, expiry-time=, cert-authority, principals=,
			// verify-required and unknown options.
			return nil, fmt.Errorf("%w: %s", ErrUnsupportedKeyOption, name)
		}
	}
	if ptyAllowed {
		e.NoPTY = false
	}
	return e, nil
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
