//go:build !unix

package main

import (
	"log/slog"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/sshd"
)

// subsystems serves no subsystem in process where sftp's directory
// handler is not available; -o Subsystem still works.
func subsystems(*sshd.User, *sshd.Options, string, *slog.Logger) map[string]func(*ssh2.Session) {
	return nil
}
