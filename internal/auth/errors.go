package auth

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ssh2go/ssh2/internal/wire"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrProtocol reports a peer that broke the authentication protocol:
	// a malformed or unexpected message, or a limit exceeded.
	ErrProtocol = errors.New("auth: protocol violation")
	// ErrTooManyAuthFailures reports that a client used up MaxAuthTries.
	ErrTooManyAuthFailures = errors.New("auth: too many authentication failures")
	// ErrPeerDisconnected reports an SSH_MSG_DISCONNECT from the peer.
	ErrPeerDisconnected = errors.New("auth: peer disconnected")
	// ErrTooManyAttempts reports that the client stopped after its own
	// bound on authentication requests.
	ErrTooManyAttempts = errors.New("auth: too many authentication requests")
	// ErrChallengeAborted is returned by a keyboard-interactive Challenge
	// when the client abandoned the exchange by sending a new request.
	ErrChallengeAborted = errors.New("auth: client abandoned keyboard-interactive")
	// ErrChallengeClosed is returned by a Challenge used after its
	// callback returned, or after an earlier round failed.
	ErrChallengeClosed = errors.New("auth: keyboard-interactive challenge is closed")
)

// DisconnectError is returned when authentication must end the
// connection. The caller sends SSH_MSG_DISCONNECT with Reason and Message
// (RFC 4253 §11.1) and closes the connection. Err, when set, is the
// sentinel describing the cause.
type DisconnectError struct {
	Reason  uint32
	Message string
	Err     error
}

// Error implements error.
func (e *DisconnectError) Error() string {
	return fmt.Sprintf("auth: disconnect (reason %d): %s", e.Reason, e.Message)
}

// Unwrap returns the cause.
func (e *DisconnectError) Unwrap() error { return e.Err }

// protocolError is a DisconnectError for a protocol violation by the peer.
func protocolError(msg string) error {
	return &DisconnectError{Reason: wire.DisconnectProtocolError, Message: msg, Err: ErrProtocol}
}

// unexpected reports an unexpected message number.
func unexpected(p []byte, state string) error {
	return protocolError(fmt.Sprintf("unexpected message %d %s", p[0], state))
}

// peerDisconnect turns an SSH_MSG_DISCONNECT from the peer into an error.
func peerDisconnect(p []byte) error {
	var m wire.Disconnect
	if err := m.Unmarshal(p); err != nil {
		return fmt.Errorf("%w (malformed message)", ErrPeerDisconnected)
	}
	return fmt.Errorf("%w: reason %d: %q", ErrPeerDisconnected, m.Reason, m.Message)
}

// AuthError is returned by RunClient when no configured method is left
// that the server would accept.
type AuthError struct {
	// Tried lists the methods for which requests were sent, in order,
	// without repeats.
	Tried []string
	// Remaining is the server's last list of methods that can continue.
	Remaining []string
	// PartialSuccess reports that at least one method succeeded partially.
	PartialSuccess bool
	// Errors holds problems that made the client skip a key or method
	// (a signer that failed, a request bound reached).
	Errors []error
}

// Error implements error.
func (e *AuthError) Error() string {
	var b strings.Builder
	b.WriteString("auth: unable to authenticate, attempted methods [")
	b.WriteString(strings.Join(e.Tried, " "))
	b.WriteString("], server allows [")
	b.WriteString(strings.Join(e.Remaining, " "))
	b.WriteString("]")
	if e.PartialSuccess {
		b.WriteString(" after partial success")
	}
	for _, err := range e.Errors {
		b.WriteString("; ")
		b.WriteString(err.Error())
	}
	return b.String()
}

// Unwrap returns the collected errors, for errors.Is and errors.As.
func (e *AuthError) Unwrap() []error { return e.Errors }
