package sshd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
)

// User is the account whose commands the server runs. ssh2d does not
// switch users: every session runs as the account running the server.
type User struct {
	Name  string
	Home  string
	Shell string
}

// CurrentUser describes the account running the process. The shell comes
// from the account's passwd entry, then $SHELL, then /bin/sh.
func CurrentUser() (*User, error) {
	u, err := user.Current()
	if err != nil {
		return nil, fmt.Errorf("sshd: current user: %w", err)
	}
	home := u.HomeDir
	if home == "" {
		home = os.Getenv("HOME")
	}
	if home == "" {
		home = "/"
	}
	shell := passwdShell("/etc/passwd", u.Username)
	if shell == "" {
		shell = os.Getenv("SHELL")
	}
	if shell == "" {
		shell = "/bin/sh"
	}
	return &User{Name: u.Username, Home: home, Shell: shell}, nil
}

// passwdShell returns the login shell of name in a passwd(5) file, or
// "" when the file or the entry is missing.
func passwdShell(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	shell, _ := lookupShell(f, name)
	return shell
}

// maxPasswdLine bounds one passwd line; longer lines end the scan.
const maxPasswdLine = 64 << 10

// lookupShell scans passwd(5) lines for name's entry and returns its
// seventh field.
func lookupShell(r io.Reader, name string) (string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxPasswdLine)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, ":")
		if len(f) != 7 || f[0] != name {
			continue
		}
		return f[6], nil
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", errors.New("sshd: no passwd entry for " + name)
}
