package knownhosts

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"slices"
	"strings"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/keys"
)

// KnownKey is a key found in a known_hosts file, with where it was found.
type KnownKey struct {
	Key      keys.PublicKey
	Filename string
	Line     int
}

// String describes the key as "file:line: type SHA256:fingerprint".
func (k KnownKey) String() string {
	return fmt.Sprintf("%s:%d: %s %s", k.Filename, k.Line, k.Key.Type(), keys.FingerprintSHA256(k.Key))
}

// KeyError is returned by the host key callback when the server's key is
// not in the files. With Want empty the host is unknown; otherwise Want
// lists the keys known for the host, none of which matched: the host key
// has changed (or the host offered a type for which no key is known).
type KeyError struct {
	// Host is the normalized name that was looked up.
	Host string
	// Key is the key the host offered: for a host certificate that no
	// @cert-authority line vouches for, the certified key. Fingerprint
	// is its SHA256 fingerprint as ssh-keygen -l prints it.
	Key         keys.PublicKey
	Fingerprint string
	// Want are the keys known for the host, with where they are written.
	Want []KnownKey
}

// Error describes the refusal in the words of OpenSSH's ssh: for a
// changed key, "REMOTE HOST IDENTIFICATION HAS CHANGED", the offered
// key's fingerprint and the file:line of each known key.
func (e *KeyError) Error() string {
	offered := "a key"
	if e.Key != nil {
		offered = e.Key.Type() + " key " + e.Fingerprint
	}
	if len(e.Want) == 0 {
		return "knownhosts: host " + e.Host + " is unknown; it offered " + offered
	}
	var b strings.Builder
	b.WriteString("knownhosts: REMOTE HOST IDENTIFICATION HAS CHANGED for " + e.Host +
		": the remote host sent " + offered)
	for _, w := range e.Want {
		b.WriteString("; offending key in " + w.String())
	}
	return b.String()
}

// RevokedError is returned when the server's key is marked @revoked for
// the host.
type RevokedError struct {
	Host    string
	Revoked KnownKey
}

func (e *RevokedError) Error() string {
	return "knownhosts: host key for " + e.Host + " is revoked: " + e.Revoked.String()
}

// DB is the content of one or more known_hosts files.
type DB struct {
	// Entries holds every usable line, in file order.
	Entries []Entry
	// Skipped lists the lines that were ignored and why.
	Skipped []SkippedLine
}

// Load reads the given files. A file that does not exist is treated as
// empty, as OpenSSH does; other read errors are returned.
func Load(files ...string) (*DB, error) {
	db := &DB{}
	for _, name := range files {
		f, err := os.Open(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		e, s, err := Parse(f, name)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("knownhosts: %s: %w", name, err)
		}
		db.Entries = append(db.Entries, e...)
		db.Skipped = append(db.Skipped, s...)
	}
	return db, nil
}

// New reads the files (see Load) and returns a host key callback that
// accepts a key listed for the host. It returns *KeyError for an unknown
// host or a mismatching key and *RevokedError for a revoked one.
func New(files ...string) (ssh2.HostKeyCallback, error) {
	db, err := Load(files...)
	if err != nil {
		return nil, err
	}
	return db.HostKeyCallback(), nil
}

// HostKeyCallback returns a callback checking keys against db. The host
// is the hostname argument (the address given to Dial), normalized; the
// remote address is not consulted, like OpenSSH's default CheckHostIP=no.
func (db *DB) HostKeyCallback() ssh2.HostKeyCallback {
	return func(hostname string, _ net.Addr, key ssh2.PublicKey) error {
		return db.Check(Normalize(hostname), key)
	}
}

// Check verifies key for host, a normalized name (see Normalize).
// Certificate-authority lines are not used for plain keys. A host
// certificate (*keys.Certificate) is accepted when a @cert-authority line
// for the host names its CA and the certificate passes the checks of a
// host certificate (see CertError); when no such line names its CA, the
// certified key is checked as a plain key.
func (db *DB) Check(host string, key keys.PublicKey) error {
	if cert, ok := key.(*keys.Certificate); ok {
		return db.checkCert(host, cert)
	}
	var want []KnownKey
	m := newMatcher(host)
	for i := range db.Entries {
		e := &db.Entries[i]
		if e.Marker != MarkerRevoked || !keys.Equal(e.Key, key) || !e.matchHost(m) {
			continue
		}
		return &RevokedError{Host: host, Revoked: KnownKey{e.Key, e.Filename, e.Line}}
	}
	for i := range db.Entries {
		e := &db.Entries[i]
		if e.Marker != MarkerNone || !e.matchHost(m) {
			continue
		}
		if keys.Equal(e.Key, key) {
			return nil
		}
		want = append(want, KnownKey{e.Key, e.Filename, e.Line})
	}
	return &KeyError{Host: host, Key: key, Fingerprint: keys.FingerprintSHA256(key), Want: want}
}

// Lookup returns the keys known for host (normalized), leaving out
// revoked and certificate-authority lines.
func (db *DB) Lookup(host string) []KnownKey {
	var out []KnownKey
	m := newMatcher(host)
	for i := range db.Entries {
		e := &db.Entries[i]
		if e.Marker == MarkerNone && e.matchHost(m) {
			out = append(out, KnownKey{e.Key, e.Filename, e.Line})
		}
	}
	return out
}

// HostKeyAlgorithms lists the host key algorithms that can be verified
// with what is known for host (normalized), without repeats: first, when
// a @cert-authority line matches the host, the host certificate
// algorithms ("ssh-ed25519-cert-v01@openssh.com", ...); then the
// algorithms of the host's keys in file order, RSA keys giving
// rsa-sha2-512 and rsa-sha2-256. A client puts these first in its
// preference (see PreferredHostKeyAlgorithms) so that the server proves a
// key we can check, as OpenSSH does.
func (db *DB) HostKeyAlgorithms(host string) []string {
	var out []string
	add := func(a string) {
		for _, o := range out {
			if o == a {
				return
			}
		}
		out = append(out, a)
	}
	if db.HasCertAuthority(host) {
		for _, a := range certHostKeyAlgorithms {
			add(a)
		}
	}
	for _, k := range db.Lookup(host) {
		if k.Key.Type() == keys.TypeRSA {
			add(keys.SigRSASHA512)
			add(keys.SigRSASHA256)
			continue
		}
		add(k.Key.Type())
	}
	return out
}

// PreferredHostKeyAlgorithms returns a ClientConfig.HostKeyAlgorithms list
// for host (normalized): HostKeyAlgorithms(host) first, then the client's
// other default host key algorithms. It returns nil, meaning the defaults,
// when nothing is known about the host.
func (db *DB) PreferredHostKeyAlgorithms(host string) []string {
	known := db.HostKeyAlgorithms(host)
	if len(known) == 0 {
		return nil
	}
	out := known
	for _, a := range ssh2.DefaultAlgorithms(true).HostKey {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}
