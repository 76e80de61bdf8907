package ssh2

import (
	"context"
	"net"

	"github.com/ssh2go/ssh2/internal/auth"
)

// Decision is an authentication callback's verdict: Accept, AcceptWith,
// Reject, Partial (multi-factor: more methods required) or
// RequirePasswordChange. Decisions are values, so nothing granted for one
// attempt can leak into another.
type Decision = auth.Decision

// Permissions carry application data from the authentication decision
// that granted access to the session handlers (ServerConn.Permissions).
type Permissions = auth.Permissions

// AuthAttempt describes the client's current authentication attempt.
type AuthAttempt = auth.Attempt

// AuthStep is one authentication method that succeeded.
type AuthStep = auth.Step

// PasswordRequest is a password attempt, possibly with a new password.
type PasswordRequest = auth.PasswordRequest

// PublicKeyRequest is a public key offered, or proven by signature
// (Verified), for authentication.
type PublicKeyRequest = auth.PublicKeyRequest

// KeyboardInteractiveRequest is a keyboard-interactive attempt.
type KeyboardInteractiveRequest = auth.KeyboardInteractiveRequest

// Challenge asks the client keyboard-interactive questions and returns
// the answers.
type Challenge = auth.Challenge

// Accept grants access.
func Accept() Decision { return auth.Accept() }

// AcceptWith grants access and attaches permissions for the session layer.
func AcceptWith(p *Permissions) Decision { return auth.AcceptWith(p) }

// Reject refuses the attempt.
func Reject() Decision { return auth.Reject() }

// Partial accepts this method but requires one of next as well
// (RFC 4252 §5.1 partial success).
func Partial(next ...string) Decision { return auth.Partial(next...) }

// RequirePasswordChange asks the client for a new password (RFC 4252 §8).
func RequirePasswordChange(prompt string) Decision { return auth.RequirePasswordChange(prompt) }

// ConnInfo describes a connection to authentication callbacks, which find
// it in their context with ConnInfoFromContext.
type ConnInfo struct {
	RemoteAddr, LocalAddr net.Addr
	ClientVersion         string
	SessionID             []byte
}

type connInfoKey struct{}

// ConnInfoFromContext returns the connection an authentication callback
// is deciding about.
func ConnInfoFromContext(ctx context.Context) (*ConnInfo, bool) {
	ci, ok := ctx.Value(connInfoKey{}).(*ConnInfo)
	return ci, ok
}
