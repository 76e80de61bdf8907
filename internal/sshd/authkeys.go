package sshd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"time"

	"github.com/ssh2go/ssh2/keys"
)

// MaxAuthorizedKeysSize bounds the authorized_keys file read.
const MaxAuthorizedKeysSize = 4 << 20

// Why an authorized_keys line that lists the key offered is not used.
// Lookup and FindKey wrap them in ErrKeyRefused.
var (
	// ErrKeyRefused is wrapped when lines list the key offered but none
	// of them may be used for this login; the error also wraps the
	// reason of the first such line.
	ErrKeyRefused = errors.New("sshd: key refused by authorized_keys")
	// ErrUnsupportedKeyOption: the line carries an option this server
	// cannot enforce (verify-required), or one it does not know.
	ErrUnsupportedKeyOption = errors.New("sshd: unsupported authorized_keys option")
	// ErrKeyExpired: the line's expiry-time has passed.
	ErrKeyExpired = errors.New("sshd: key past its expiry-time")
	// ErrKeyFrom: the client's address is not allowed by from=.
	ErrKeyFrom = errors.New("sshd: client address not allowed by from=")
	// ErrKeyCertAuthority: a cert-authority key offered as a plain key,
	// or a certificate whose CA is listed without cert-authority.
	ErrKeyCertAuthority = errors.New("sshd: cert-authority mismatch")
	// ErrForcedCommandConflict: command= and the certificate's
	// force-command name different commands.
	ErrForcedCommandConflict = errors.New("sshd: command= and the certificate's force-command differ")
)

// KeyEntry is the authorized_keys line that accepted a key.
type KeyEntry struct {
	Comment string
	// Options are the line's options; Options.Environment is not
	// applied, as with sshd's default PermitUserEnvironment=no.
	Options *keys.AuthorizedKeyOptions
	// Command is a forced command, valid when HasCommand is set: the
	// line's command= or the certificate's force-command. It may be "".
	Command    string
	HasCommand bool
	// NoPTY refuses PTY requests (no-pty, restrict without pty, or a
	// certificate without permit-pty).
	NoPTY bool
	// Certificate is the user certificate accepted through a
	// cert-authority line, or nil for a plain key.
	Certificate *keys.Certificate
}

// Login describes the login a key is offered for.
type Login struct {
	// User is the user name, which a certificate must list as a
	// principal unless the line has principals=.
	User string
	// Addr is the client's address, for from= and a certificate's
	// source-address. When it is not valid such lines never match.
	Addr netip.Addr
	// Now is the time for expiry-time and certificate validity; zero
	// means time.Now().
	Now time.Time
}

func (l Login) now() time.Time {
	if l.Now.IsZero() {
		return time.Now()
	}
	return l.Now
}

// AuthorizedKeys checks keys against an authorized_keys file, read anew
// at each lookup as sshd does, so edits apply to the next login.
type AuthorizedKeys struct {
	Path string
}

// Lookup returns the first entry of the file that accepts key for l (see
// FindKey). It returns (nil, nil) when no line lists the key, and (nil,
// err) with err wrapping ErrKeyRefused when lines list it but none may
// be used, or the error reading the file.
func (a *AuthorizedKeys) Lookup(key keys.PublicKey, l Login) (*KeyEntry, error) {
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
	return FindKey(data, key, l)
}

// FindKey returns the first line of authorized_keys data that accepts
// key for the login l, as sshd(8) decides:
//
//   - a plain key must be listed on a line without cert-authority;
//   - a user certificate must have its CA key listed on a line with
//     cert-authority, and be valid: signed by that CA, within its
//     validity window, listing the user as a principal (or one of the
//     line's principals=), with its source-address allowing l.Addr and
//     no critical option other than force-command and source-address;
//   - the line's expiry-time must not have passed, and from= must allow
//     l.Addr (host name patterns are matched against the address, as
//     with sshd's default UseDNS=no);
//   - the line's options must all parse, and verify-required is refused
//     since FIDO user verification is not checked.
//
// Lines that do not parse are skipped. When no line accepts the key, the
// error is nil if no line lists it, and otherwise wraps ErrKeyRefused and
// the first refused line's reason.
func FindKey(data []byte, key keys.PublicKey, l Login) (*KeyEntry, error) {
	cert, _ := key.(*keys.Certificate)
	var refused error
	rest, lines := data, 0
	for len(rest) > 0 {
		pub, comment, options, next, err := keys.ParseAuthorizedKey(rest)
		read := rest[:len(rest)-len(next)]
		line := lines + bytes.Count(bytes.TrimSuffix(read, []byte{'\n'}), []byte{'\n'}) + 1
		lines += bytes.Count(read, []byte{'\n'})
		rest = next
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			continue
		}
		if !keys.Equal(pub, key) && (cert == nil || !keys.Equal(pub, cert.SignatureKey)) {
			continue
		}
		e, err := newEntry(pub, options, cert, l)
		if err != nil {
			if refused == nil {
				refused = fmt.Errorf("%w: line %d: %w", ErrKeyRefused, line, err)
			}
			continue
		}
		e.Comment = comment
		return e, nil
	}
	return nil, refused
}

// newEntry decides one line listing pub, with options, for a plain key
// (cert nil) or for cert, whose CA key is pub.
func newEntry(pub keys.PublicKey, options []string, cert *keys.Certificate, l Login) (*KeyEntry, error) {
	o, err := keys.ParseAuthorizedKeyOptions(options)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupportedKeyOption, err)
	}
	if o.VerifyRequired {
		return nil, fmt.Errorf("%w: verify-required", ErrUnsupportedKeyOption)
	}
	if o.CertAuthority != (cert != nil) {
		return nil, ErrKeyCertAuthority
	}
	if o.Expired(l.now()) {
		return nil, fmt.Errorf("%w (%s)", ErrKeyExpired, o.ExpiryTime.Format(time.RFC3339))
	}
	if !o.AllowsFrom(l.Addr, "") {
		return nil, fmt.Errorf("%w: %s", ErrKeyFrom, l.Addr)
	}
	e := &KeyEntry{Options: o, Command: o.Command, HasCommand: o.HasCommand, NoPTY: o.NoPTY}
	if cert != nil {
		if err := e.addCertificate(pub, cert, l); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// addCertificate checks cert, signed by the cert-authority key ca, for l
// and merges its restrictions into e, as sshd merges a certificate's
// options with the line's: both forced commands must agree, and a PTY
// needs permit-pty too.
//
// Unlike sshd, a certificate without principals is refused: a CA line
// vouches for named users only.
func (e *KeyEntry) addCertificate(ca keys.PublicKey, cert *keys.Certificate, l Login) error {
	principal := l.User
	if allowed := e.Options.Principals; allowed != nil {
		i := slices.IndexFunc(cert.ValidPrincipals, func(p string) bool { return slices.Contains(allowed, p) })
		if i < 0 {
			return fmt.Errorf("%w: none of principals=%q", keys.ErrCertPrincipal, allowed)
		}
		principal = cert.ValidPrincipals[i]
	}
	if _, has := cert.CriticalOptions["source-address"]; has && !l.Addr.IsValid() {
		return fmt.Errorf("%w: client address unknown", keys.ErrCertSourceAddress)
	}
	checker := keys.CertChecker{
		IsAuthority: func(k keys.PublicKey, certType uint32) bool {
			return certType == keys.UserCert && keys.Equal(k, ca)
		},
		Now: l.now,
	}
	if err := checker.Check(cert, keys.UserCert, principal, l.Addr); err != nil {
		return err
	}
	if forced, ok := cert.CriticalOptions["force-command"]; ok {
		if e.HasCommand && e.Command != forced {
			return ErrForcedCommandConflict
		}
		e.Command, e.HasCommand = forced, true
	}
	if _, ok := cert.Extensions["permit-pty"]; !ok {
		e.NoPTY = true
	}
	e.Certificate = cert
	return nil
}
