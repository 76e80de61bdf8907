//go:build !unix

package testpeer

import "os/exec"

// detach does nothing where there are no controlling terminals to lose.
func detach(cmd *exec.Cmd) {}
