//go:build unix

package main

import (
	"log/slog"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/sshd"
	"github.com/ssh2go/ssh2/sftp"
)

// subsystems returns the subsystems served in process, by name: "sftp",
// confined to root (the user's home when empty), unless -o Subsystem
// names an external sftp server, which then wins.
func subsystems(user *sshd.User, opts *sshd.Options, root string, logger *slog.Logger) map[string]func(*ssh2.Session) {
	if _, external := opts.Subsystem["sftp"]; external {
		return nil
	}
	if root == "" {
		root = user.Home
	}
	return map[string]func(*ssh2.Session){
		"sftp": func(s *ssh2.Session) {
			// The handler is made per session so a root removed and
			// recreated while the server runs is picked up.
			h, err := sftp.NewDirHandler(root)
			if err != nil {
				logger.Warn("sftp: cannot serve root", "root", root, "err", err)
				s.Exit(1)
				return
			}
			srv := &sftp.Server{Handler: h, Logger: logger}
			srv.ServeSession(s)
		},
	}
}
