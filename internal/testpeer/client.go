package testpeer

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// ClientOptions describes an OpenSSH ssh invocation for SSHClientCommand.
type ClientOptions struct {
	// Port is the server's port on 127.0.0.1. Required.
	Port int
	// User to log in as; empty means the current user.
	User string
	// IdentityFile is the private key offered for publickey
	// authentication; with none, no key is offered.
	IdentityFile string
	// Password, when set, is answered to every password and
	// keyboard-interactive prompt through an SSH_ASKPASS program;
	// BatchMode is then off and one prompt is allowed.
	Password string
	// KnownHosts are the lines of a private known_hosts file, e.g.
	// SSHD.KnownHosts(). With none, the host key is accepted unchecked.
	KnownHosts []string
	// StrictHostKeyChecking overrides the default: "yes" with KnownHosts,
	// "no" without.
	StrictHostKeyChecking string
	// Options are extra -o settings ("Ciphers=aes128-ctr"). They come
	// before the harness's own, so they override them (ssh keeps the
	// first value).
	Options []string
	// Args are extra arguments placed before the destination
	// ("-N", "-L", "8080:127.0.0.1:80", "-s", "-tt", ...).
	Args []string
	// Verbose adds -vvv; ssh logs to stderr, with CRLF line ends.
	Verbose bool
	// Command is the remote command; empty requests a shell (or, with
	// "-s" in Args, names the subsystem in Command[0]).
	Command []string
}

// SSHClientCommand builds, but does not start, an OpenSSH ssh command that
// uses no configuration of the machine (-F none, a private known_hosts
// file, no agent) and has no controlling terminal, so it never prompts.
// The process is killed when the test ends if it still runs. Stdin
// defaults to /dev/null, as with any exec.Cmd.
func SSHClientCommand(t testing.TB, opts ClientOptions) *exec.Cmd {
	t.Helper()
	bin := Require(t, "ssh")
	dir := t.TempDir()
	if opts.Port == 0 {
		t.Fatal("testpeer: ClientOptions.Port is required")
	}

	knownHosts := filepath.Join(dir, "known_hosts")
	writeFile(t, knownHosts, lines(opts.KnownHosts), 0o600)
	strict := opts.StrictHostKeyChecking
	if strict == "" {
		strict = "no"
		if len(opts.KnownHosts) > 0 {
			strict = "yes"
		}
	}

	args := []string{"-F", "none"}
	for _, o := range opts.Options {
		args = append(args, "-o", o)
	}
	args = append(args,
		"-o", "UserKnownHostsFile="+knownHosts,
		"-o", "GlobalKnownHostsFile=none",
		"-o", "StrictHostKeyChecking="+strict,
		"-o", "UpdateHostKeys=no",
		"-o", "IdentitiesOnly=yes",
		"-o", "IdentityAgent=none",
		"-o", "ConnectTimeout=30",
		"-o", "ServerAliveInterval=0",
	)
	if opts.IdentityFile != "" {
		args = append(args, "-i", opts.IdentityFile)
	} else {
		args = append(args, "-o", "IdentityFile=none")
	}
	env := cleanEnv()
	if opts.Password != "" {
		askpass := writeAskpass(t, dir, opts.Password)
		args = append(args, "-o", "BatchMode=no", "-o", "NumberOfPasswordPrompts=1")
		env = append(env, "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0")
	} else {
		args = append(args, "-o", "BatchMode=yes")
	}
	if opts.Verbose {
		args = append(args, "-vvv")
	}
	user := opts.User
	if user == "" {
		user = currentUser(t)
	}
	args = append(args, "-p", strconv.Itoa(opts.Port), "-l", user)
	args = append(args, opts.Args...)
	args = append(args, "127.0.0.1")
	args = append(args, opts.Command...)

	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = env
	cmd.Dir = dir
	detach(cmd)
	return cmd
}

// cleanEnv returns the environment without variables that would make a
// peer client use the machine's agent or display.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "SSH_AUTH_SOCK", "SSH_AGENT_PID", "SSH_ASKPASS", "SSH_ASKPASS_REQUIRE", "DISPLAY":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// writeAskpass writes a program that prints password, for SSH_ASKPASS.
// The password lives in a file next to it, so no shell quoting is needed.
func writeAskpass(t testing.TB, dir, password string) string {
	t.Helper()
	pw := filepath.Join(dir, "password")
	writeFile(t, pw, []byte(password+"\n"), 0o600)
	script := filepath.Join(dir, "askpass")
	writeFile(t, script, []byte("#!/bin/sh\nexec cat \"$(dirname \"$0\")/password\"\n"), 0o700)
	return script
}
