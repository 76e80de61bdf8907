//go:build unix

package testpeer

import (
	"os/exec"
	"syscall"
)

// detach starts cmd in a new session without a controlling terminal, so a
// peer client that would prompt on /dev/tty fails at once instead of
// waiting for an answer that never comes.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
}
