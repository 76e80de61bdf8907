package agent

import "errors"

// Sentinel errors, usable with errors.Is.
var (
	// ErrMalformed reports an agent message that does not decode.
	ErrMalformed = errors.New("agent: malformed message")
	// ErrMessageTooLarge reports a message longer than MaxMessageSize.
	ErrMessageTooLarge = errors.New("agent: message too large")
	// ErrAgentFailure reports an SSH_AGENT_FAILURE reply: the agent
	// refused or could not perform the request.
	ErrAgentFailure = errors.New("agent: request refused by agent")
	// ErrUnexpectedReply reports a reply of a type the request does not
	// allow.
	ErrUnexpectedReply = errors.New("agent: unexpected reply")
	// ErrExtensionUnsupported reports an extension the agent does not
	// implement (it answered SSH_AGENT_FAILURE).
	ErrExtensionUnsupported = errors.New("agent: extension not supported")
	// ErrExtensionFailure reports an SSH_AGENT_EXTENSION_FAILURE reply: the
	// agent knows the extension but the request failed.
	ErrExtensionFailure = errors.New("agent: extension request failed")
	// ErrLocked reports an operation refused because the agent is locked.
	ErrLocked = errors.New("agent: agent is locked")
	// ErrNotLocked reports an unlock of an agent that is not locked.
	ErrNotLocked = errors.New("agent: agent is not locked")
	// ErrBadPassphrase reports an unlock with the wrong passphrase.
	ErrBadPassphrase = errors.New("agent: incorrect passphrase")
	// ErrKeyNotFound reports a key the agent does not hold.
	ErrKeyNotFound = errors.New("agent: key not found")
	// ErrConstraintUnsupported reports a key constraint the agent cannot
	// honour (for example confirmation without a confirm callback, or an
	// unknown constraint extension). The key is not added.
	ErrConstraintUnsupported = errors.New("agent: key constraint not supported")
	// ErrUnsupportedKey reports a private key type the agent protocol
	// encoding here does not handle.
	ErrUnsupportedKey = errors.New("agent: unsupported key type")
	// ErrCertificateMismatch reports a certificate added with a private
	// key it does not certify.
	ErrCertificateMismatch = errors.New("agent: certificate is not for this key")
	// ErrConfirmDenied reports a signature refused by the confirm callback.
	ErrConfirmDenied = errors.New("agent: use of key not confirmed")
	// ErrNoAgent reports that no agent address is configured
	// (SSH_AUTH_SOCK is unset).
	ErrNoAgent = errors.New("agent: SSH_AUTH_SOCK is not set")
	// ErrNotSupported reports a transport not available on this platform.
	ErrNotSupported = errors.New("agent: not supported on this platform")
)
