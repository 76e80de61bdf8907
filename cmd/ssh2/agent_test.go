//go:build unix

package main

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// startAgent starts OpenSSH's ssh-agent, adds the given unencrypted key
// files with ssh-add, and returns the socket path.
func startAgent(t *testing.T, keyFiles ...string) string {
	t.Helper()
	sock := testpeer.StartSSHAgent(t)
	add := testpeer.Require(t, "ssh-add")
	for _, f := range keyFiles {
		c := exec.Command(add, f)
		c.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock, "DISPLAY=")
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("ssh-add %s: %v\n%s", f, err, out)
		}
	}
	return sock
}

// encryptKey sets a passphrase on a key file, so that batch mode cannot
// use it without an agent.
func encryptKey(t *testing.T, path string) {
	t.Helper()
	keygen := testpeer.Require(t, "ssh-keygen")
	if out, err := exec.Command(keygen, "-p", "-f", path, "-P", "", "-N", "not asked for").CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -p: %v\n%s", err, out)
	}
}

// TestAgentIdentities logs in with a key held by ssh-agent, as ssh does:
// from SSH_AUTH_SOCK or IdentityAgent, never asking for the passphrase of
// an identity file whose key the agent holds, and honouring
// IdentitiesOnly and IdentityAgent=none.
func TestAgentIdentities(t *testing.T) {
	p := startPeer(t, testpeer.SSHDOptions{})
	p.trustHost(t)
	sock := startAgent(t, p.key)
	// From here on the identity file itself is useless in batch mode.
	encryptKey(t, p.key)
	other, _ := testpeer.GenerateKey(t, "ecdsa", 256)

	cases := []struct {
		name string
		env  string // SSH_AUTH_SOCK
		args []string
		ok   bool
	}{
		{"SSH_AUTH_SOCK", sock, nil, true},
		{"IdentityAgent path", "", []string{"-o", "IdentityAgent=" + sock}, true},
		{"IdentityAgent none", sock, []string{"-o", "IdentityAgent=none"}, false},
		{"no agent", "", nil, false},
		{"IdentitiesOnly with the agent's key named", sock, []string{"-o", "IdentitiesOnly=yes"}, true},
		{"IdentitiesOnly with another key named", sock, []string{"-o", "IdentitiesOnly=yes", "-i", other}, false},
		{"another key named", sock, []string{"-i", other}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"-o", "PreferredAuthentications=publickey"}, tc.args...)
			cmd := p.command(t, append(args, "127.0.0.1", "echo", "in")...)
			if slices.Contains(tc.args, other) {
				// Name only the other key: drop the authorized one.
				i := slices.Index(cmd.Args, p.key)
				cmd.Args = slices.Delete(cmd.Args, i-1, i+1)
			}
			if tc.env != "" {
				cmd.Env = append(cmd.Env, "SSH_AUTH_SOCK="+tc.env)
			}
			r := runCmd(t, cmd, nil)
			if tc.ok && (r.code != 0 || r.stdout != "in\n") {
				t.Fatalf("code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
			if !tc.ok && (r.code != 255 || !strings.Contains(r.stderr, "Permission denied (")) {
				t.Fatalf("want refusal: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
		})
	}
}
