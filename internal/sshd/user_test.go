package sshd

import (
	"net"
	"os"
	"strings"
	"testing"
)

func TestLookupShell(t *testing.T) {
	passwd := "# comment\nroot:x:0:0:root:/root:/bin/bash\nbad line\nalice:x:1000:1000:Alice,,,:/home/alice:/usr/bin/zsh\nshort:x:1:1\n"
	for name, want := range map[string]string{"root": "/bin/bash", "alice": "/usr/bin/zsh", "bob": "", "short": ""} {
		got, _ := lookupShell(strings.NewReader(passwd), name)
		if got != want {
			t.Errorf("lookupShell(%q) = %q, want %q", name, got, want)
		}
	}
	// A line beyond the scanner's bound ends the scan with an error.
	long := strings.Repeat("x", maxPasswdLine+10) + "\nroot:x:0:0::/root:/bin/sh\n"
	if _, err := lookupShell(strings.NewReader(long), "root"); err == nil {
		t.Error("overlong line accepted")
	}
}

func TestCurrentUser(t *testing.T) {
	u, err := CurrentUser()
	if err != nil {
		t.Fatal(err)
	}
	if u.Name == "" || u.Home == "" || !strings.HasPrefix(u.Shell, "/") {
		t.Errorf("CurrentUser = %+v", u)
	}
}

func TestEnvironment(t *testing.T) {
	t.Setenv("TZ", "UTC")
	u := &User{Name: "alice", Home: "/home/alice", Shell: "/bin/zsh"}
	env := Environment(SessionEnv{
		User:     u,
		Remote:   &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50000},
		Local:    &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2), Port: 2222},
		TTY:      "/dev/pts/7",
		Term:     "xterm",
		Accepted: []string{"LANG=C.UTF-8", "USER=mallory", "LC_ALL=C"},
		Extra:    []string{"SSH_ORIGINAL_COMMAND=ls", "LANG=fr_FR.UTF-8"},
	})
	want := map[string]string{
		"USER": "alice", "LOGNAME": "alice", "HOME": "/home/alice", "SHELL": "/bin/zsh",
		"PATH": DefaultPath, "MAIL": "/var/mail/alice",
		"SSH_CLIENT":     "127.0.0.1 50000 2222",
		"SSH_CONNECTION": "127.0.0.1 50000 127.0.0.2 2222",
		"SSH_TTY":        "/dev/pts/7", "TERM": "xterm", "TZ": "UTC",
		"LANG": "fr_FR.UTF-8", "LC_ALL": "C", "SSH_ORIGINAL_COMMAND": "ls",
	}
	got := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if _, dup := got[k]; dup {
			t.Errorf("%s set twice", k)
		}
		got[k] = v
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s=%q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("environment %v has extra entries", env)
	}
	// Without a PTY: no SSH_TTY, no TERM.
	os.Unsetenv("TZ")
	env = Environment(SessionEnv{User: u})
	for _, kv := range env {
		if strings.HasPrefix(kv, "SSH_TTY=") || strings.HasPrefix(kv, "TERM=") {
			t.Errorf("unexpected %s without a PTY", kv)
		}
	}
}

func FuzzLookupShell(f *testing.F) {
	f.Add([]byte("root:x:0:0:root:/root:/bin/bash\n"), "root")
	f.Add([]byte("::::::\n#\n"), "")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		_, _ = lookupShell(strings.NewReader(string(data)), name)
	})
}
