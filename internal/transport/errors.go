package transport

import (
	"errors"
	"fmt"
)

// DisconnectError is returned when the peer sent SSH_MSG_DISCONNECT
// (RFC 4253 §11.1), or when we disconnected for the stated reason.
type DisconnectError struct {
	Reason  uint32
	Message string
	// Local is true when we sent the DISCONNECT, false when the peer did.
	Local bool
}

func (e *DisconnectError) Error() string {
	who := "peer"
	if e.Local {
		who = "we"
	}
	return fmt.Sprintf("ssh: %s disconnected: %s (reason %d: %s)", who, e.Message, e.Reason, reasonText(e.Reason))
}

// protocolError is a violation found while reading; the transport sends a
// DISCONNECT with the reason before returning it as a *DisconnectError.
type protocolError struct {
	reason uint32
	msg    string
}

func (e *protocolError) Error() string { return "ssh: protocol error: " + e.msg }

// ErrClosed is returned by operations on a closed transport.
var ErrClosed = errors.New("ssh: connection closed")

// ErrPingUnsupported is returned by Ping when the peer did not announce
// the ping@openssh.com extension.
var ErrPingUnsupported = errors.New("ssh: peer does not support ping@openssh.com")

func reasonText(r uint32) string {
	names := [...]string{
		1: "host not allowed to connect", 2: "protocol error", 3: "key exchange failed",
		4: "reserved", 5: "MAC error", 6: "compression error", 7: "service not available",
		8: "protocol version not supported", 9: "host key not verifiable", 10: "connection lost",
		11: "by application", 12: "too many connections", 13: "auth cancelled by user",
		14: "no more auth methods available", 15: "illegal user name",
	}
	if int(r) < len(names) && names[r] != "" {
		return names[r]
	}
	return "unknown"
}
