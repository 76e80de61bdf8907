package kex

import (
	"errors"
	"fmt"

	"github.com/ssh2go/ssh2/internal/wire"
)

// Errors a key exchange returns. Malformed messages wrap wire.ErrMalformed.
// All are usable with errors.Is; the transport turns them into a DISCONNECT.
var (
	// ErrUnexpectedMessage reports a peer message other than the one the
	// method expects next.
	ErrUnexpectedMessage = errors.New("kex: unexpected message")
	// ErrInvalidPublicValue reports a peer ephemeral public value that is
	// out of range, of the wrong length, not on the curve, or that yields a
	// degenerate shared secret.
	ErrInvalidPublicValue = errors.New("kex: invalid public value from peer")
	// ErrInvalidGroup reports a group-exchange group the client will not use.
	ErrInvalidGroup = errors.New("kex: unacceptable group-exchange group")
	// ErrNoGroup reports a group-exchange request the server cannot satisfy.
	ErrNoGroup = errors.New("kex: no group satisfies the group-exchange request")
	// ErrConfig reports unusable method settings (not the peer's fault).
	ErrConfig = errors.New("kex: invalid configuration")
)

func malformed(what string) error {
	return fmt.Errorf("kex: malformed %s: %w", what, wire.ErrMalformed)
}

func invalidPublic(what string) error {
	return fmt.Errorf("%w: %s", ErrInvalidPublicValue, what)
}

// readMessage reads the next packet and requires it to be message want.
// It returns a decoder over the body after the message number.
func readMessage(c Conn, want byte, name string) (wire.Decoder, error) {
	p, err := c.ReadPacket()
	if err != nil {
		return wire.Decoder{}, err
	}
	if len(p) == 0 {
		return wire.Decoder{}, malformed("empty packet")
	}
	if p[0] != want {
		return wire.Decoder{}, fmt.Errorf("%w: got message %d, want %d (%s)", ErrUnexpectedMessage, p[0], want, name)
	}
	return wire.NewDecoder(p[1:]), nil
}

// clone copies b so it outlives the packet buffer it came from.
func clone(b []byte) []byte { return append([]byte(nil), b...) }
