//go:build !unix

package main

import (
	"fmt"
	"log/slog"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/sshd"
)

// subsystems serves no subsystem in process where sftp's directory
// handler is not available: -o Subsystem with a program still works, and
// "internal-sftp" refuses its sessions instead of running a program of
// that name.
func subsystems(_ *sshd.User, opts *sshd.Options, _ string, logger *slog.Logger) map[string]func(*ssh2.Session) {
	if _, internal := internalSFTPArgs(opts.Subsystem["sftp"]); !internal {
		return nil
	}
	logger.Error("internal-sftp is not available on this system: sftp sessions will be refused")
	return map[string]func(*ssh2.Session){
		"sftp": func(s *ssh2.Session) {
			fmt.Fprintf(s.Stderr(), "sftp: internal-sftp is not available on this system\r\n")
			_ = s.Exit(1)
		},
	}
}
