package terminal

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestPrompterAskpass(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "askpass")
	script := "#!/bin/sh\nprintf '%s|%s\\r\\nsecond line' \"$1\" \"$SSH_ASKPASS_PROMPT\"\n"
	if err := os.WriteFile(prog, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	fail := filepath.Join(dir, "fail")
	if err := os.WriteFile(fail, []byte("#!/bin/sh\nexit 1\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	noTTY := filepath.Join(dir, "no-tty")
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	cases := []struct {
		vars map[string]string
		want string
		err  error
	}{
		{map[string]string{"SSH_ASKPASS": prog, "SSH_ASKPASS_REQUIRE": "force"}, "Q? |", nil},
		{map[string]string{"SSH_ASKPASS": prog, "DISPLAY": ":0"}, "Q? |", nil},
		{map[string]string{"SSH_ASKPASS": prog, "SSH_ASKPASS_REQUIRE": "prefer", "WAYLAND_DISPLAY": "w"}, "Q? |", nil},
		{map[string]string{"SSH_ASKPASS": prog}, "", ErrNoPrompt},
		{map[string]string{"SSH_ASKPASS": prog, "DISPLAY": ":0", "SSH_ASKPASS_REQUIRE": "never"}, "", ErrNoPrompt},
		{map[string]string{"SSH_ASKPASS": fail, "SSH_ASKPASS_REQUIRE": "force"}, "", ErrCancelled},
	}
	for i, c := range cases {
		p := &Prompter{Getenv: env(c.vars), TTY: noTTY}
		got, err := p.Password("Q? ")
		if got != c.want || !errors.Is(err, c.err) {
			t.Errorf("case %d: %q, %v; want %q, %v", i, got, err, c.want, c.err)
		}
	}
	p := &Prompter{Getenv: env(map[string]string{"SSH_ASKPASS": prog, "SSH_ASKPASS_REQUIRE": "force"}), TTY: noTTY}
	if got, err := p.Confirm("sure? "); err != nil || got != "sure? |confirm" {
		t.Errorf("Confirm: %q %v", got, err)
	}
}
