//go:build unix

package main

import (
	"fmt"
	"log/slog"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/sshd"
	"github.com/ssh2go/ssh2/sftp"
)

// subsystems returns the subsystems served in process, by name: "sftp",
// confined to root (the user's home when empty), unless -o Subsystem
// names an external sftp server, which then wins. As in sshd_config, the
// command "internal-sftp" names the built-in server itself; of its flags,
// -R (read-only) is honoured and the logging ones (-e, -f, -l) are
// accepted, while any other makes the server refuse every sftp session
// rather than run without what the flag asks for.
func subsystems(user *sshd.User, opts *sshd.Options, root string, logger *slog.Logger) map[string]func(*ssh2.Session) {
	var dirOpts []sftp.DirOption
	var refuse error
	if cmd, configured := opts.Subsystem["sftp"]; configured {
		args, internal := internalSFTPArgs(cmd)
		if !internal {
			return nil
		}
		dirOpts, refuse = internalSFTPOptions(args)
		if refuse != nil {
			logger.Error("sftp sessions will be refused", "subsystem", cmd, "err", refuse)
		}
	}
	if root == "" {
		root = user.Home
	}
	return map[string]func(*ssh2.Session){
		"sftp": func(s *ssh2.Session) {
			if refuse != nil {
				fmt.Fprintf(s.Stderr(), "sftp: %v\r\n", refuse)
				_ = s.Exit(1)
				return
			}
			serveSFTP(s, root, dirOpts, logger)
		},
	}
}

// serveSFTP serves one sftp session from a handler of its own, so that a
// root removed and recreated while the server runs is picked up. The
// handler is released (its root and any files left open are closed)
// before the session reports its exit, so a client that has seen the
// session end sees no descriptor of it left behind.
func serveSFTP(s *ssh2.Session, root string, opts []sftp.DirOption, logger *slog.Logger) {
	h, err := sftp.NewDirHandler(root, opts...)
	if err != nil {
		logger.Warn("sftp: cannot serve root", "root", root, "err", err)
		_ = s.Exit(1)
		return
	}
	srv := &sftp.Server{Handler: h, Logger: logger}
	err = srv.ServePipe(s.Context(), s, s)
	if rerr := h.Release(); rerr != nil {
		logger.Warn("sftp: releasing the handler", "root", root, "err", rerr)
	}
	if err != nil {
		logger.Debug("sftp session ended", "user", s.User(), "err", err)
		_ = s.Exit(1)
		return
	}
	_ = s.Exit(0)
}

// internalSFTPOptions maps internal-sftp's flags (sftp-server(8)) to
// handler options: -R is read-only; -e, -f and -l only concern logging
// and are accepted; the others (-d, -p, -P, -u) are not supported.
func internalSFTPOptions(args []string) ([]sftp.DirOption, error) {
	var opts []sftp.DirOption
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' {
			return nil, fmt.Errorf("internal-sftp: unexpected argument %q", a)
		}
	flags:
		for j := 1; j < len(a); j++ {
			switch a[j] {
			case 'R':
				opts = append(opts, sftp.ReadOnly())
			case 'e':
			case 'f', 'l': // the value is the rest of the word, or the next
				if j == len(a)-1 {
					if i++; i == len(args) {
						return nil, fmt.Errorf("internal-sftp: -%c needs a value", a[j])
					}
				}
				break flags
			default:
				return nil, fmt.Errorf("internal-sftp: option -%c is not supported", a[j])
			}
		}
	}
	return opts, nil
}
