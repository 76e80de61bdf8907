package auth

import (
	"github.com/ssh2go/ssh2/keys"
)

// verdict is the kind of a Decision.
type verdict int

const (
	verdictReject verdict = iota // the zero Decision rejects
	verdictAccept
	verdictPartial
	verdictChangePassword
)

// Decision is a server callback's answer to one authentication attempt.
// The zero value rejects. Build one with Accept, AcceptWith, Partial,
// Reject or RequirePasswordChange.
type Decision struct {
	verdict verdict
	next    []string
	perms   *Permissions
	prompt  string
}

// Accept grants access.
func Accept() Decision { return Decision{verdict: verdictAccept} }

// AcceptWith grants access and attaches p to the Result. Only the call
// that grants access can attach permissions.
func AcceptWith(p *Permissions) Decision { return Decision{verdict: verdictAccept, perms: p} }

// Reject refuses the attempt; it counts towards MaxAuthTries.
func Reject() Decision { return Decision{} }

// Partial accepts this method as one factor and requires the client to
// continue with one of the methods named in next (RFC 4252 §5.1
// partial success). Names the server has no callback for are dropped; if
// none is left the attempt is rejected.
func Partial(next ...string) Decision {
	return Decision{verdict: verdictPartial, next: append([]string(nil), next...)}
}

// RequirePasswordChange answers a password attempt by asking the client
// for a new password (SSH_MSG_USERAUTH_PASSWD_CHANGEREQ). The client's
// next password request then carries both passwords, in a new call of the
// password callback with Change set. It counts as a failure, and from any
// other callback it rejects.
func RequirePasswordChange(prompt string) Decision {
	return Decision{verdict: verdictChangePassword, prompt: prompt}
}

// Permissions is what an application attaches to a granted login for the
// code that serves the connection afterwards.
type Permissions struct {
	// CriticalOptions holds restrictions the code serving the connection
	// must enforce, named as in OpenSSH certificates: "force-command"
	// (the only command to run, whatever the client asks for) and
	// "source-address". A login granted by a user certificate carries the
	// certificate's critical options here.
	CriticalOptions map[string]string
	// Extensions holds name/value pairs, as from authorized_keys options
	// or a certificate's extensions ("permit-pty", "permit-port-forwarding", ...).
	Extensions map[string]string
	// Value is any application data.
	Value any
}

// ForceCommand returns the "force-command" critical option: the command
// the server must run instead of whatever the client requested. It is
// safe to call on a nil *Permissions.
func (p *Permissions) ForceCommand() (command string, ok bool) {
	if p == nil {
		return "", false
	}
	command, ok = p.CriticalOptions["force-command"]
	return command, ok
}

// HasExtension reports whether the extension name is present, such as
// "permit-pty" from a user certificate. It is safe to call on a nil
// *Permissions.
func (p *Permissions) HasExtension(name string) bool {
	if p == nil {
		return false
	}
	_, ok := p.Extensions[name]
	return ok
}

// Step is one method that succeeded, fully or partially.
type Step struct {
	Method string
	// PublicKey is the key whose signature was verified, for publickey.
	PublicKey keys.PublicKey
	// Algorithm is the signature algorithm used, for publickey.
	Algorithm string
}

// Result describes a successful authentication.
type Result struct {
	User string
	// Steps are the methods that succeeded, in order; the last one
	// granted access and the others were partial successes.
	Steps []Step
	// PublicKey is the key of the last publickey step, whose signature
	// was verified; nil when no publickey step was used.
	PublicKey keys.PublicKey
	// Permissions are those attached by the call that granted access.
	Permissions *Permissions
}

// Methods returns the method names of r.Steps.
func (r *Result) Methods() []string {
	m := make([]string, len(r.Steps))
	for i, s := range r.Steps {
		m[i] = s.Method
	}
	return m
}
