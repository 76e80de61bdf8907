package sshd

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// DefaultPath is the PATH sshd gives sessions (its compiled-in
// _PATH_STDPATH on Debian).
const DefaultPath = "/usr/local/bin:/usr/bin:/bin:/usr/games"

// SessionEnv describes a session for Environment.
type SessionEnv struct {
	User *User
	// Remote and Local are the connection's addresses.
	Remote, Local net.Addr
	// TTY is the PTY's slave device path, or "" without a PTY.
	TTY string
	// Term is the TERM of the PTY request, or "".
	Term string
	// Accepted are the client's accepted env requests, "NAME=value".
	Accepted []string
	// Extra are further "NAME=value" entries set last, such as
	// SSH_ORIGINAL_COMMAND.
	Extra []string
}

// Environment returns the environment sshd gives a session: USER,
// LOGNAME, HOME, SHELL, PATH, MAIL, SSH_CLIENT, SSH_CONNECTION, SSH_TTY
// and TERM when there is a PTY, and TZ when the server has it; then the
// accepted env requests, which (as in sshd) cannot replace those; then
// e.Extra, which can.
func Environment(e SessionEnv) []string {
	u := e.User
	env := []string{
		"USER=" + u.Name,
		"LOGNAME=" + u.Name,
		"HOME=" + u.Home,
		"SHELL=" + u.Shell,
		"PATH=" + DefaultPath,
		"MAIL=" + filepath.Join("/var/mail", u.Name),
	}
	rip, rport := hostPort(e.Remote)
	lip, lport := hostPort(e.Local)
	env = append(env,
		"SSH_CLIENT="+rip+" "+rport+" "+lport,
		"SSH_CONNECTION="+rip+" "+rport+" "+lip+" "+lport,
	)
	if e.TTY != "" {
		env = append(env, "SSH_TTY="+e.TTY)
	}
	if e.Term != "" {
		env = append(env, "TERM="+e.Term)
	}
	if tz, ok := os.LookupEnv("TZ"); ok {
		env = append(env, "TZ="+tz)
	}
	return setEnv(setEnv(env, e.Accepted, false), e.Extra, true)
}

// setEnv adds entries to env; an entry whose name is already present
// replaces it only when override is set.
func setEnv(env, add []string, override bool) []string {
	for _, kv := range add {
		name := envName(kv)
		found := false
		for i, old := range env {
			if envName(old) == name {
				found = true
				if override {
					env[i] = kv
				}
				break
			}
		}
		if !found {
			env = append(env, kv)
		}
	}
	return env
}

func envName(kv string) string {
	for i := 0; i < len(kv); i++ {
		if kv[i] == '=' {
			return kv[:i]
		}
	}
	return kv
}

// hostPort splits an address as sshd prints it in SSH_CONNECTION.
func hostPort(a net.Addr) (host, port string) {
	if a == nil {
		return "UNKNOWN", "0"
	}
	if t, ok := a.(*net.TCPAddr); ok {
		ip := t.IP
		if v4 := ip.To4(); v4 != nil {
			ip = v4
		}
		return ip.String(), strconv.Itoa(t.Port)
	}
	h, p, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String(), "0"
	}
	return h, p
}
