package sshd

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/wire"
)

// Handler runs sessions the way sshd does for the account it runs as:
// exec and shell requests go through the user's shell in the user's
// home, with sshd's environment and, when requested, a PTY.
type Handler struct {
	// User is the account commands run as (the server's own).
	User *User
	// Options supply AcceptEnv and Subsystem.
	Options *Options
	// Subsystems are subsystems served in process, such as "sftp"; they
	// take precedence over Options.Subsystem commands.
	Subsystems map[string]func(s *ssh2.Session)
	// Logger receives one line per session; nil discards.
	Logger *slog.Logger
}

// Install makes h serve srv's sessions.
func (h *Handler) Install(srv *ssh2.Server) {
	srv.Handler = h.Serve
	srv.SessionRequestCallback = h.Allow
	// The library refuses subsystems it has no handler for: external
	// ones (-o Subsystem) run through Serve like commands.
	srv.SubsystemHandlers = map[string]func(*ssh2.Session){}
	for name := range h.Options.Subsystem {
		srv.SubsystemHandlers[name] = h.Serve
	}
	for name, f := range h.Subsystems {
		srv.SubsystemHandlers[name] = f
	}
}

// Allow decides session requests before the library's handling: env
// names must match AcceptEnv, PTYs are refused to keys marked no-pty,
// and only configured subsystems start.
func (h *Handler) Allow(s *ssh2.Session, r *ssh2.SessionRequest) bool {
	switch r.Type {
	case wire.RequestEnv:
		var m wire.EnvRequest
		if m.Unmarshal(r.Payload) != nil {
			return false
		}
		return h.Options.AcceptsEnv(m.Name)
	case wire.RequestPty:
		return !s.Conn().Permissions().HasExtension(ExtNoPTY)
	case wire.RequestSubsystem:
		var m wire.SubsystemRequest
		if m.Unmarshal(r.Payload) != nil {
			return false
		}
		if _, ok := h.Subsystems[m.Name]; ok {
			return true
		}
		_, ok := h.Options.Subsystem[m.Name]
		return ok
	}
	return true
}

// Serve runs one session's command and reports how it ended.
func (h *Handler) Serve(s *ssh2.Session) {
	job := Job{User: h.User, Login: false}
	switch s.Kind() {
	case "exec":
		job.Command = s.Command()
	case "shell":
		job.Login = true
	case "subsystem":
		cmd, ok := h.Options.Subsystem[s.Subsystem()]
		if !ok {
			fmt.Fprintf(s.Stderr(), "subsystem %q is not available\r\n", s.Subsystem())
			_ = s.Exit(1)
			return
		}
		job.Command = cmd
	}
	if forced, ok := s.Conn().Permissions().ForceCommand(); ok {
		if s.Kind() != "shell" {
			job.Extra = append(job.Extra, "SSH_ORIGINAL_COMMAND="+job.Command)
		}
		job.Command, job.Login = forced, false
	}
	if h.Logger != nil {
		h.Logger.Info("session", "user", s.User(), "remote", s.RemoteAddr().String(), "kind", s.Kind(), "command", truncate(job.Command, 200))
	}
	if err := job.Run(s); err != nil && h.Logger != nil {
		h.Logger.Info("session ended", "remote", s.RemoteAddr().String(), "error", err)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
