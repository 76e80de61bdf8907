package knownhosts

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/keys"
)

// StrictMode is a StrictHostKeyChecking policy (ssh_config(5)): what a
// Checker does with a host no known_hosts line lists, and with a key
// that differs from the known ones. Revoked keys and host certificates
// that fail their checks are refused in every mode.
type StrictMode int

const (
	// StrictYes ("yes") refuses unknown hosts and changed keys.
	StrictYes StrictMode = iota
	// StrictAcceptNew ("accept-new") accepts the key of an unknown host
	// and records it; it refuses changed keys.
	StrictAcceptNew
	// StrictAsk ("ask", ssh's default) asks Checker.Confirm about an
	// unknown host and records the key if confirmed; it refuses changed
	// keys.
	StrictAsk
	// StrictNo ("no") accepts and records the key of an unknown host,
	// and accepts a changed key too, reporting it in Verdict.Changed:
	// the caller should then refuse password authentication, as ssh
	// does, since the server may be an impostor.
	StrictNo
)

// ParseStrictMode reads a StrictHostKeyChecking value as ssh does:
// yes (or true), accept-new, ask, no (or false, off), in any case.
func ParseStrictMode(s string) (StrictMode, error) {
	switch strings.ToLower(s) {
	case "yes", "true":
		return StrictYes, nil
	case "accept-new":
		return StrictAcceptNew, nil
	case "ask":
		return StrictAsk, nil
	case "no", "false", "off":
		return StrictNo, nil
	}
	return 0, fmt.Errorf("knownhosts: unknown StrictHostKeyChecking value %q", s)
}

// String returns the mode as ssh_config writes it.
func (m StrictMode) String() string {
	switch m {
	case StrictYes:
		return "yes"
	case StrictAcceptNew:
		return "accept-new"
	case StrictAsk:
		return "ask"
	case StrictNo:
		return "no"
	}
	return fmt.Sprintf("StrictMode(%d)", int(m))
}

// Checker verifies host keys against known_hosts files under a
// StrictHostKeyChecking policy, as OpenSSH's ssh does. Keys it accepts
// for unknown hosts are appended to File and added to DB, so later
// connections find them. It is safe for concurrent use as long as DB is
// changed only through it.
type Checker struct {
	// DB holds the known keys. Required.
	DB *DB
	// Mode is the policy; the zero value is StrictYes.
	Mode StrictMode
	// File is the known_hosts file new keys are appended to, normally
	// the user's (ssh's first UserKnownHostsFile); "" records nothing.
	File string
	// Hash writes new entries with hashed host names, as ssh does with
	// HashKnownHosts.
	Hash bool
	// Confirm is asked, under StrictAsk, whether to trust key for an
	// unknown host; an error is returned by Check. Nil refuses.
	Confirm func(host string, key keys.PublicKey) (bool, error)
	// OnAccept, if set, is told by HostKeyCallback about each key it
	// accepts that was not known already (Verdict.New or
	// Verdict.Changed set).
	OnAccept func(host string, v Verdict)

	mu sync.RWMutex
}

// Verdict describes how Check accepted a key.
type Verdict struct {
	// New is set when the host was unknown and its key was accepted, by
	// the mode or by Confirm.
	New bool
	// Recorded is set when the new key was appended to File.
	// AppendErr is why it could not be; the key is accepted all the
	// same, as ssh does.
	Recorded  bool
	AppendErr error
	// Changed is set under StrictNo when the key differs from the known
	// ones; it lists them.
	Changed *KeyError
}

// NewChecker reads files (see Load) and returns a Checker applying mode,
// which records new keys in the first file.
func NewChecker(mode StrictMode, files ...string) (*Checker, error) {
	db, err := Load(files...)
	if err != nil {
		return nil, err
	}
	c := &Checker{DB: db, Mode: mode}
	if len(files) > 0 {
		c.File = files[0]
	}
	return c, nil
}

// Check verifies key for host, a normalized name (see Normalize). It
// returns DB.Check's error when the key is refused: *KeyError for an
// unknown host or a changed key, *RevokedError, *CertError. An unknown
// host's key is accepted under StrictAcceptNew, StrictNo, and StrictAsk
// when Confirm agrees, and recorded; for a host certificate that no
// @cert-authority line vouches for, the certified key is recorded.
func (c *Checker) Check(host string, key keys.PublicKey) (Verdict, error) {
	c.mu.RLock()
	err := c.DB.Check(host, key)
	c.mu.RUnlock()
	var ke *KeyError
	if err == nil || !errors.As(err, &ke) {
		return Verdict{}, err
	}
	if len(ke.Want) > 0 {
		if c.Mode == StrictNo {
			return Verdict{Changed: ke}, nil
		}
		return Verdict{}, err
	}
	switch c.Mode {
	case StrictAcceptNew, StrictNo:
	case StrictAsk:
		if c.Confirm == nil {
			return Verdict{}, err
		}
		ok, cerr := c.Confirm(host, ke.Key)
		if cerr != nil {
			return Verdict{}, cerr
		}
		if !ok {
			return Verdict{}, err
		}
	default:
		return Verdict{}, err
	}
	v := Verdict{New: true}
	if c.File != "" {
		v.AppendErr = c.add(host, ke.Key)
		v.Recorded = v.AppendErr == nil
	}
	return v, nil
}

// add appends key for host to File and to DB.
func (c *Checker) add(host string, key keys.PublicKey) error {
	lines, err := entryLines([]string{host}, key, c.Hash)
	if err != nil {
		return err
	}
	if err := appendLines(c.File, lines); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range lines {
		if e, ok, err := parseLine([]byte(l)); ok && err == nil {
			e.Filename = c.File
			c.DB.Entries = append(c.DB.Entries, e)
		}
	}
	return nil
}

// HostKeyCallback returns a callback applying Check to the hostname
// argument (the address given to Dial), normalized; the remote address
// is not consulted, like ssh's default CheckHostIP=no. Keys accepted
// without being known are reported to OnAccept.
func (c *Checker) HostKeyCallback() ssh2.HostKeyCallback {
	return func(hostname string, _ net.Addr, key ssh2.PublicKey) error {
		host := Normalize(hostname)
		v, err := c.Check(host, key)
		if err == nil && c.OnAccept != nil && (v.New || v.Changed != nil) {
			c.OnAccept(host, v)
		}
		return err
	}
}
