package sshd

import (
	"os"
	"os/exec"
	"path/filepath"
)

// Job is what one session runs: a command through the user's shell
// ("shell -c command"), or with Login an interactive login shell (argv[0]
// "-shell"), in the user's home directory.
type Job struct {
	User *User
	// Command is passed to "shell -c"; ignored with Login.
	Command string
	// Login runs the user's shell as a login shell instead.
	Login bool
	// Extra environment entries, set last (e.g. SSH_ORIGINAL_COMMAND).
	Extra []string
}

// command builds the process without its I/O and attributes.
func (j *Job) command() *exec.Cmd {
	shell := j.User.Shell
	base := filepath.Base(shell)
	c := &exec.Cmd{Path: shell}
	if j.Login {
		c.Args = []string{"-" + base}
	} else {
		c.Args = []string{base, "-c", j.Command}
	}
	c.Dir = "/"
	if fi, err := os.Stat(j.User.Home); err == nil && fi.IsDir() {
		c.Dir = j.User.Home
	}
	return c
}
