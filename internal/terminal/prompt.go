// Package terminal holds what the command-line tools share for talking to
// the user: asking for passwords and confirmations the way OpenSSH does,
// on the controlling terminal or through an SSH_ASKPASS program.
package terminal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/term"
)

// ErrNoPrompt is returned when neither a terminal nor an askpass program
// may be used to ask the user.
var ErrNoPrompt = errors.New("no terminal or askpass program to prompt with")

// ErrCancelled is returned when the askpass program failed or the user
// ended input without answering.
var ErrCancelled = errors.New("prompt cancelled")

// maxAnswer bounds what is read as one answer.
const maxAnswer = 4096

// DefaultAskpass is the askpass program used when SSH_ASKPASS is unset,
// as in OpenSSH's Debian build.
const DefaultAskpass = "/usr/bin/ssh-askpass"

// Prompter asks the user questions. The zero value uses the process
// environment and /dev/tty.
type Prompter struct {
	// Getenv reads environment variables; os.Getenv when nil.
	Getenv func(string) string
	// TTY is the terminal device to open; "/dev/tty" when empty.
	TTY string
}

func (p *Prompter) getenv(k string) string {
	if p.Getenv != nil {
		return p.Getenv(k)
	}
	return os.Getenv(k)
}

// plan decides, as OpenSSH's read_passphrase does, whether to run the
// askpass program: always with SSH_ASKPASS_REQUIRE=force; first with
// "prefer" when a display is set; otherwise only when no terminal can be
// opened and a display is set. "never" forbids it.
func (p *Prompter) plan() (useAskpass bool, tty *os.File) {
	allow := p.getenv("DISPLAY") != "" || p.getenv("WAYLAND_DISPLAY") != ""
	use := false
	switch strings.ToLower(p.getenv("SSH_ASKPASS_REQUIRE")) {
	case "force":
		use, allow = true, true
	case "prefer":
		use = allow
	case "never":
		allow = false
	}
	if use {
		return true, nil
	}
	name := p.TTY
	if name == "" {
		name = "/dev/tty"
	}
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil || !term.IsTerminal(int(f.Fd())) {
		if f != nil {
			f.Close()
		}
		return allow, nil
	}
	return false, f
}

// Password asks for a secret without echo.
func (p *Prompter) Password(prompt string) (string, error) {
	return p.ask(prompt, false, false)
}

// Ask asks a question; with echo the answer is shown as typed.
func (p *Prompter) Ask(prompt string, echo bool) (string, error) {
	return p.ask(prompt, echo, false)
}

// Confirm asks a yes/no style question (the askpass program is told so
// with SSH_ASKPASS_PROMPT=confirm) and returns the answer as typed.
func (p *Prompter) Confirm(prompt string) (string, error) {
	return p.ask(prompt, true, true)
}

func (p *Prompter) ask(prompt string, echo, confirm bool) (string, error) {
	useAskpass, tty := p.plan()
	if tty != nil {
		defer tty.Close()
		return readTTY(tty, prompt, echo)
	}
	if !useAskpass {
		return "", ErrNoPrompt
	}
	prog := p.getenv("SSH_ASKPASS")
	if prog == "" {
		prog = DefaultAskpass
	}
	return runAskpass(prog, prompt, confirm)
}

// readTTY prompts on the terminal and reads one line.
func readTTY(tty *os.File, prompt string, echo bool) (string, error) {
	if _, err := io.WriteString(tty, prompt); err != nil {
		return "", err
	}
	if !echo {
		b, err := term.ReadPassword(int(tty.Fd()))
		io.WriteString(tty, "\n")
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrCancelled, err)
		}
		return string(b), nil
	}
	var line []byte
	var c [1]byte
	for len(line) < maxAnswer {
		n, err := tty.Read(c[:])
		if n == 1 {
			if c[0] == '\n' {
				return strings.TrimSuffix(string(line), "\r"), nil
			}
			line = append(line, c[0])
		}
		if err != nil {
			if len(line) > 0 {
				return string(line), nil
			}
			return "", ErrCancelled
		}
	}
	return string(line), nil
}

// runAskpass runs prog with the prompt as its argument and returns the
// first line it prints.
func runAskpass(prog, prompt string, confirm bool) (string, error) {
	cmd := exec.Command(prog, prompt)
	cmd.Stdin = nil
	cmd.Stderr = os.Stderr
	cmd.Env = os.Environ()
	if confirm {
		cmd.Env = append(cmd.Env, "SSH_ASKPASS_PROMPT=confirm")
	}
	var out limitedBuffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrCancelled, prog, err)
	}
	ans := out.b.Bytes()
	if i := bytes.IndexAny(ans, "\r\n"); i >= 0 {
		ans = ans[:i]
	}
	return string(ans), nil
}

// limitedBuffer keeps at most maxAnswer bytes and discards the rest.
type limitedBuffer struct{ b bytes.Buffer }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxAnswer - l.b.Len(); room > 0 {
		if len(p) < room {
			room = len(p)
		}
		l.b.Write(p[:room])
	}
	return len(p), nil
}
