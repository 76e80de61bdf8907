package mux

import (
	"errors"
	"fmt"
	"net"

	"github.com/ssh2go/ssh2/internal/wire"
)

// ErrClosed is returned by operations on a channel that this side closed,
// that the peer closed (for writes), or whose connection is gone when no
// better error is known. It matches net.ErrClosed with errors.Is, so a
// Channel behaves like a closed net.Conn.
var ErrClosed = fmt.Errorf("mux: channel closed: %w", net.ErrClosed)

// errWriteAfterEOF is returned by writes after CloseWrite.
var errWriteAfterEOF = fmt.Errorf("mux: write after CloseWrite: %w", ErrClosed)

// ErrUnknownMessage is returned by HandlePacket for a message number in the
// connection protocol's range that RFC 4254 does not assign (83–89). It is
// not a protocol violation: the caller answers SSH_MSG_UNIMPLEMENTED.
var ErrUnknownMessage = errors.New("mux: unknown connection protocol message")

// ErrTooManyChannels is returned by OpenChannel when Config.MaxChannels
// channels are already in use.
var ErrTooManyChannels = errors.New("mux: too many channels")

// ErrAlreadyAnswered is returned when a NewChannel is accepted or rejected,
// or a request replied to, a second time.
var ErrAlreadyAnswered = errors.New("mux: already answered")

// ProtocolError reports a message from the peer that breaks RFC 4254: the
// caller disconnects with Reason (an SSH_DISCONNECT_* code).
type ProtocolError struct {
	Reason uint32
	Msg    string
}

func (e *ProtocolError) Error() string { return "mux: protocol error: " + e.Msg }

func protoErr(format string, args ...any) error {
	return &ProtocolError{Reason: wire.DisconnectProtocolError, Msg: fmt.Sprintf(format, args...)}
}

// OpenChannelError is the peer's refusal of a channel we asked to open
// (SSH_MSG_CHANNEL_OPEN_FAILURE, RFC 4254 §5.1).
type OpenChannelError struct {
	Reason  uint32 // wire.OpenAdministrativelyProhibited etc.
	Message string // the peer's description, made printable
}

func (e *OpenChannelError) Error() string {
	return fmt.Sprintf("mux: channel open refused: %s: %s", OpenFailureReason(e.Reason), e.Message)
}

// OpenFailureReason names a channel open failure reason code.
func OpenFailureReason(r uint32) string {
	switch r {
	case wire.OpenAdministrativelyProhibited:
		return "administratively prohibited"
	case wire.OpenConnectFailed:
		return "connect failed"
	case wire.OpenUnknownChannelType:
		return "unknown channel type"
	case wire.OpenResourceShortage:
		return "resource shortage"
	}
	return fmt.Sprintf("reason %d", r)
}
