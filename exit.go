package ssh2

import (
	"errors"
	"fmt"
)

// ExitError is returned by Channel.Wait when the remote command exited
// with a non-zero status or was killed by a signal.
type ExitError struct {
	// Status is the exit status; -1 when the command died by a signal.
	Status int
	// Signal is the name of the signal that killed the command, without
	// "SIG" (e.g. "TERM"), or "".
	Signal     string
	CoreDumped bool
	// Message is the server's description of the signal exit, if any.
	Message string
}

func (e *ExitError) Error() string {
	if e.Signal == "" {
		return fmt.Sprintf("ssh2: remote command exited with status %d", e.Status)
	}
	s := "ssh2: remote command killed by signal " + e.Signal
	if e.CoreDumped {
		s += " (core dumped)"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// ErrExitMissing is returned by Channel.Wait when the server closed the
// session without reporting an exit status or signal.
var ErrExitMissing = errors.New("ssh2: session closed without exit status")
