package sshd

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
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
// in AuthorizedKeys, a certificate signed by one of UserCAs, or its entry
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
			cfg.PublicKeyCallback = a.userCertCallback(a.UserCAs, plain)
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

func (a *Authenticator) publicKey(ctx context.Context, r *ssh2.PublicKeyRequest) ssh2.Decision {
	if r.User != a.User {
		return ssh2.Reject()
	}
	e, err := a.AuthorizedKeys.Lookup(r.Key)
	if err != nil && !os.IsNotExist(err) {
		a.log(ctx, "authorized_keys", "error", err)
	}
	if e == nil {
		if r.Verified {
			a.log(ctx, "publickey rejected", "user", r.User)
		}
		return ssh2.Reject()
	}
	if !r.Verified {
		return ssh2.Accept() // only answers the query (PK_OK)
	}
	p := &ssh2.Permissions{CriticalOptions: map[string]string{}, Extensions: map[string]string{}}
	if e.Command != "" {
		p.CriticalOptions["force-command"] = e.Command
	}
	if e.NoPTY {
		p.Extensions[ExtNoPTY] = ""
	}
	a.log(ctx, "accepted publickey", "user", r.User, "algorithm", r.Algorithm, "comment", e.Comment)
	return ssh2.AcceptWith(p)
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
