package main

// Helpers for the tests that drive OpenSSH's ssh against the built ssh2d
// over every algorithm, with bulk data and re-keys, and through ssh2d's
// flags: several host keys, authorized keys and askpass programs. The
// algorithm lists, log parsing and bulk data they share with ssh2's are
// in internal/testpeer.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// keySpec is a key as ssh-keygen -t and -b make it.
type keySpec struct {
	typ  string
	bits int
}

var (
	ed25519Key = keySpec{"ed25519", 0}
	ecdsa256   = keySpec{"ecdsa", 256}
	ecdsa384   = keySpec{"ecdsa", 384}
	ecdsa521   = keySpec{"ecdsa", 521}
	rsaKey     = keySpec{"rsa", 2048}
)

// hostKeyFor maps a host key algorithm to the key type that makes it.
func hostKeyFor(alg string) keySpec {
	switch alg {
	case "ssh-ed25519":
		return ed25519Key
	case "ecdsa-sha2-nistp256":
		return ecdsa256
	case "ecdsa-sha2-nistp384":
		return ecdsa384
	case "ecdsa-sha2-nistp521":
		return ecdsa521
	}
	return rsaKey
}

// keyedDaemon is an ssh2d with host keys made by ssh-keygen and an
// authorized client key.
type keyedDaemon struct {
	*daemon
	identity    string             // private key file of the authorized client key
	hostKeyPubs map[keySpec]string // "type base64" of each host key
}

// startKeyedDaemon starts ssh2d with one -hostkey per spec, in order, an
// authorized_keys file holding a fresh ed25519 client key, and args.
func startKeyedDaemon(t *testing.T, hostKeys []keySpec, args ...string) *keyedDaemon {
	t.Helper()
	priv, pubLine := testpeer.GenerateKey(t, "ed25519", 0)
	k := startDaemonAuthorizing(t, hostKeys, []string{pubLine}, args...)
	k.identity = priv
	return k
}

// startDaemonAuthorizing starts ssh2d with one -hostkey per spec, in
// order, an authorized_keys file of the given lines, and args.
func startDaemonAuthorizing(t *testing.T, hostKeys []keySpec, authorized []string, args ...string) *keyedDaemon {
	t.Helper()
	ak := filepath.Join(t.TempDir(), "authorized_keys")
	writeTestFile(t, ak, strings.Join(authorized, "\n")+"\n")
	all := []string{"-listen", "127.0.0.1:0", "-authorized-keys", ak}
	pubs := map[keySpec]string{}
	for _, k := range hostKeys {
		path, line := testpeer.GenerateKey(t, k.typ, k.bits)
		all = append(all, "-hostkey", path)
		f := strings.Fields(line)
		pubs[k] = f[0] + " " + f[1]
	}
	d := startDaemonArgs(t, nil, append(all, args...)...)
	return &keyedDaemon{daemon: d, hostKeyPubs: pubs}
}

// knownHosts returns known_hosts lines for the given host keys, or for
// all of them when none is named.
func (k *keyedDaemon) knownHosts(only ...keySpec) []string {
	var out []string
	for spec, pub := range k.hostKeyPubs {
		if len(only) == 0 || containsSpec(only, spec) {
			out = append(out, fmt.Sprintf("[127.0.0.1]:%d %s", k.port, pub))
		}
	}
	return out
}

func containsSpec(list []keySpec, s keySpec) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// ssh builds an OpenSSH ssh command for this server that checks every
// host key (unless opts names its own) and offers the authorized key
// (unless opts names another identity or there is none).
func (k *keyedDaemon) ssh(t *testing.T, opts testpeer.ClientOptions) *exec.Cmd {
	t.Helper()
	opts.Port = k.port
	if opts.KnownHosts == nil {
		opts.KnownHosts = k.knownHosts()
	}
	if opts.IdentityFile == "" {
		opts.IdentityFile = k.identity
	}
	return testpeer.SSHClientCommand(t, opts)
}

// writeTestFile writes content to path or fails the test.
func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// countPrefixed counts the lines that start with prefix.
func countPrefixed(lines []string, prefix string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// sequenceAskpass writes an SSH_ASKPASS program that answers the n-th
// prompt with answers[n-1] (then with nothing), and returns the
// environment that makes ssh use it and a function counting the prompts
// so far.
func sequenceAskpass(t *testing.T, answers ...string) (env []string, prompts func() int) {
	t.Helper()
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, "answers"), strings.Join(answers, "\n")+"\n")
	script := filepath.Join(dir, "askpass")
	writeTestFile(t, script, `#!/bin/sh
d=$(dirname "$0")
echo >> "$d/prompts"
sed -n "$(wc -l < "$d/prompts")p" "$d/answers"
`)
	if err := os.Chmod(script, 0o700); err != nil {
		t.Fatal(err)
	}
	env = []string{"SSH_ASKPASS=" + script, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0"}
	return env, func() int {
		b, _ := os.ReadFile(filepath.Join(dir, "prompts"))
		return bytes.Count(b, []byte("\n"))
	}
}
