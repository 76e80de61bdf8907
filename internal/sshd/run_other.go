//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package sshd

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/ssh2go/ssh2"
)

// ErrUnsupportedOS is returned by Job.Run where running programs for a
// session is not implemented.
var ErrUnsupportedOS = errors.New("sshd: running session programs is not supported on this system")

// Run reports that sessions cannot run programs on this system.
func (j *Job) Run(s *ssh2.Session) error {
	fmt.Fprintf(s.Stderr(), "%v\r\n", ErrUnsupportedOS)
	_ = s.Exit(1)
	return ErrUnsupportedOS
}

// SignalNumber maps an SSH signal name to the local signal; there is
// none on this system.
func SignalNumber(ssh2.Signal) syscall.Signal { return 0 }
