package sshd

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"log/slog"
	"maps"
	"net"
	"net/netip"
	"os"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/keys"
)

// ExtNoPTY is the permission extension an Authenticator attaches to a
// login whose PTY requests must be refused. A forced command (an
// authorized_keys command="..." or a certificate's force-command) is the
// critical option Permissions.ForceCommand reads.
const ExtNoPTY = "no-pty"

// Authenticator decides logins: only User may log in, with a key listed
// in AuthorizedKeys (or a certificate whose CA is listed there with
// cert-authority), a certificate signed by one of UserCAs, or its entry
// in Passwords (password and keyboard-interactive).
type Authenticator struct {
	// User is the only user name accepted.
	User string
	// AuthorizedKeys, if set, enables publickey authentication.
	AuthorizedKeys *AuthorizedKeys
	// UserCAs, if set, are trusted to sign user certificates naming User
	// as a principal (TrustedUserCAKeys).
	UserCAs []keys.PublicKey
	// Passwords maps user names to passwords; a non-empty map enables
	// password and keyboard-interactive authentication.
	Passwords map[string]string
	// Logger receives one line per decision; nil discards.
	Logger *slog.Logger
}

// Configure sets cfg's authentication callbacks as o allows.
func (a *Authenticator) Configure(cfg *ssh2.ServerConfig, o *Options) {
	if o.PubkeyAuthentication {
		var plain func(context.Context, *ssh2.PublicKeyRequest) ssh2.Decision
		if a.AuthorizedKeys != nil {
			plain = a.publicKey
		}
		if len(a.UserCAs) > 0 {
			cfg.PublicKeyCallback = a.withUserCAs(plain)
		} else if plain != nil {
			cfg.PublicKeyCallback = plain
		}
	}
	if len(a.Passwords) > 0 {
		if o.PasswordAuthentication {
			cfg.PasswordCallback = a.password
		}
		if o.KbdInteractiveAuthentication {
			cfg.KeyboardInteractiveCallback = a.keyboardInteractive
		}
	}
	if o.Banner != "" {
		path := o.Banner
		cfg.BannerCallback = func(context.Context, string) string {
			b, err := readBounded(path)
			if err != nil {
				return ""
			}
			return string(b)
		}
	}
}

func (a *Authenticator) log(ctx context.Context, msg string, args ...any) {
	if a.Logger == nil {
		return
	}
	if ci, ok := ssh2.ConnInfoFromContext(ctx); ok {
		args = append(args, "remote", ci.RemoteAddr.String())
	}
	a.Logger.Info(msg, args...)
}

// withUserCAs decides user certificates signed by UserCAs, as
// TrustedUserCAKeys does, and other keys with plain (nil refuses them).
// As in sshd, a certificate those CAs do not accept may still be
// accepted by a cert-authority line of authorized_keys.
func (a *Authenticator) withUserCAs(plain func(context.Context, *ssh2.PublicKeyRequest) ssh2.Decision) func(context.Context, *ssh2.PublicKeyRequest) ssh2.Decision {
	trusted := a.userCertCallback(a.UserCAs, plain)
	if plain == nil {
		return trusted
	}
	uca := &ssh2.UserCertAuthority{Authorities: a.UserCAs}
	return func(ctx context.Context, r *ssh2.PublicKeyRequest) ssh2.Decision {
		if _, isCert := r.Key.(*keys.Certificate); isCert && r.User == a.User {
			if _, err := uca.Check(ctx, r); err != nil {
				if e := a.lookup(ctx, r); e != nil {
					return a.acceptEntry(ctx, r, e)
				}
			}
		}
		return trusted(ctx, r)
	}
}

func (a *Authenticator) publicKey(ctx context.Context, r *ssh2.PublicKeyRequest) ssh2.Decision {
	if r.User != a.User {
		return ssh2.Reject()
	}
	e := a.lookup(ctx, r)
	if e == nil {
		if r.Verified {
			a.log(ctx, "publickey rejected", "user", r.User)
		}
		return ssh2.Reject()
	}
	return a.acceptEntry(ctx, r, e)
}

// lookup finds the authorized_keys entry accepting r's key from the
// connection's client, logging why lines listing it were refused.
func (a *Authenticator) lookup(ctx context.Context, r *ssh2.PublicKeyRequest) *KeyEntry {
	e, err := a.AuthorizedKeys.Lookup(r.Key, Login{User: r.User, Addr: remoteAddr(ctx)})
	switch {
	case errors.Is(err, ErrKeyRefused):
		a.log(ctx, "authorized_keys refused key", "user", r.User, "reason", err)
	case err != nil && !os.IsNotExist(err):
		a.log(ctx, "authorized_keys", "error", err)
	}
	return e
}

// acceptEntry accepts r as e allows, with its forced command and PTY
// restriction in the login's permissions.
func (a *Authenticator) acceptEntry(ctx context.Context, r *ssh2.PublicKeyRequest, e *KeyEntry) ssh2.Decision {
	if !r.Verified {
		return ssh2.Accept() // only answers the query (PK_OK)
	}
	p := &ssh2.Permissions{CriticalOptions: map[string]string{}, Extensions: map[string]string{}}
	if e.HasCommand {
		p.CriticalOptions["force-command"] = e.Command
	}
	if e.Certificate != nil {
		maps.Copy(p.Extensions, e.Certificate.Extensions)
	}
	if e.NoPTY {
		p.Extensions[ExtNoPTY] = ""
	}
	args := []any{"user", r.User, "algorithm", r.Algorithm, "comment", e.Comment}
	if e.Certificate != nil {
		args = append(args, "id", e.Certificate.KeyID, "serial", e.Certificate.Serial,
			"ca", keys.FingerprintSHA256(e.Certificate.SignatureKey))
	}
	a.log(ctx, "accepted publickey", args...)
	return ssh2.AcceptWith(p)
}

// remoteAddr returns the client's IP address from the connection an
// authentication callback runs for, or the zero Addr when unknown.
func remoteAddr(ctx context.Context) netip.Addr {
	ci, ok := ssh2.ConnInfoFromContext(ctx)
	if !ok || ci.RemoteAddr == nil {
		return netip.Addr{}
	}
	if t, ok := ci.RemoteAddr.(*net.TCPAddr); ok {
		ip, _ := netip.AddrFromSlice(t.IP)
		return ip.WithZone(t.Zone).Unmap()
	}
	ap, err := netip.ParseAddrPort(ci.RemoteAddr.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// checkPassword compares in constant time (digests, so that the length
// does not show either).
func (a *Authenticator) checkPassword(user, password string) bool {
	want, ok := a.Passwords[user]
	wd := sha256.Sum256([]byte(want))
	gd := sha256.Sum256([]byte(password))
	eq := subtle.ConstantTimeCompare(wd[:], gd[:]) == 1
	return eq && ok && user == a.User
}

func (a *Authenticator) password(ctx context.Context, r *ssh2.PasswordRequest) ssh2.Decision {
	if r.Change || !a.checkPassword(r.User, r.Password) {
		a.log(ctx, "password rejected", "user", r.User)
		return ssh2.Reject()
	}
	a.log(ctx, "accepted password", "user", r.User)
	return ssh2.Accept()
}

// keyboardInteractive asks one "Password: " question, for any user name
// so that the prompt does not reveal which users exist.
func (a *Authenticator) keyboardInteractive(ctx context.Context, r *ssh2.KeyboardInteractiveRequest, ask ssh2.Challenge) ssh2.Decision {
	answers, err := ask("", "", []ssh2.Prompt{{Text: "Password: ", Echo: false}})
	if err != nil || len(answers) != 1 || !a.checkPassword(r.User, answers[0]) {
		a.log(ctx, "keyboard-interactive rejected", "user", r.User)
		return ssh2.Reject()
	}
	a.log(ctx, "accepted keyboard-interactive", "user", r.User)
	return ssh2.Accept()
}
