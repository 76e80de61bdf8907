package main

import (
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestHostKeyFlagRepeated gives ssh2d an ed25519 and an ECDSA host key:
// a client offering only one of the two algorithms, and knowing only that
// key, logs in with either.
func TestHostKeyFlagRepeated(t *testing.T) {
	s := startKeyedDaemon(t, []keySpec{ed25519Key, ecdsa256})
	if n := countPrefixed(s.startup, "ssh2d: host key "); n != 2 {
		t.Errorf("start-up output %q announces %d host keys, want 2", s.startup, n)
	}
	for alg, key := range map[string]keySpec{"ssh-ed25519": ed25519Key, "ecdsa-sha2-nistp256": ecdsa256} {
		cmd := s.ssh(t, testpeer.ClientOptions{
			Options:    []string{"HostKeyAlgorithms=" + alg},
			KnownHosts: s.knownHosts(key),
			Verbose:    true,
			Command:    []string{"echo in"},
		})
		out, errOut, code := output(t, cmd)
		if code != 0 || out != "in\n" {
			t.Errorf("%s: exit %d, stdout %q\n%s", alg, code, out, testpeer.LastLines(errOut, 20))
			continue
		}
		if got := testpeer.FirstKexReport(errOut, testpeer.OpenSSHKexLine).HostKey; got != alg {
			t.Errorf("%s: ssh -v reports host key algorithm %q", alg, got)
		}
	}
}

// TestHostKeyAlgorithmsOptionLive removes ssh-ed25519 from the offered
// host key algorithms of an ssh2d holding ed25519 and ECDSA keys: a client
// that accepts only ssh-ed25519 is refused, and a default client gets the
// ECDSA key although it prefers ed25519.
func TestHostKeyAlgorithmsOptionLive(t *testing.T) {
	s := startKeyedDaemon(t, []keySpec{ed25519Key, ecdsa256}, "-o", "HostKeyAlgorithms=-ssh-ed25519")
	_, errOut, code := output(t, s.ssh(t, testpeer.ClientOptions{Options: []string{"HostKeyAlgorithms=ssh-ed25519"}, Command: []string{"true"}}))
	if code != 255 || !strings.Contains(errOut, "no matching host key type found") {
		t.Errorf("client accepting only ssh-ed25519: exit %d, stderr %q", code, errOut)
	}
	out, errOut, code := output(t, s.ssh(t, testpeer.ClientOptions{Verbose: true, Command: []string{"echo in"}}))
	if code != 0 || out != "in\n" {
		t.Fatalf("default client: exit %d, stdout %q\n%s", code, out, testpeer.LastLines(errOut, 20))
	}
	if got := testpeer.FirstKexReport(errOut, testpeer.OpenSSHKexLine).HostKey; got != "ecdsa-sha2-nistp256" {
		t.Errorf("default client: host key algorithm %q, want ecdsa-sha2-nistp256", got)
	}
}

// TestPubkeyAcceptedAlgorithmsOptionLive authorizes an ed25519 and an
// ECDSA client key: with ecdsa-sha2-nistp256 removed from
// PubkeyAcceptedAlgorithms, the ECDSA key is refused and the ed25519 key
// still logs in; without the option both do.
func TestPubkeyAcceptedAlgorithmsOptionLive(t *testing.T) {
	ed, edPub := testpeer.GenerateKey(t, "ed25519", 0)
	ec, ecPub := testpeer.GenerateKey(t, "ecdsa", 256)
	for _, c := range []struct {
		args     []string
		ecdsaIn  bool
		describe string
	}{
		{nil, true, "default"},
		{[]string{"-o", "PubkeyAcceptedAlgorithms=-ecdsa-sha2-nistp256"}, false, "without ecdsa-sha2-nistp256"},
	} {
		s := startDaemonAuthorizing(t, []keySpec{ed25519Key}, []string{edPub, ecPub}, c.args...)
		for _, id := range []struct {
			file string
			in   bool
		}{{ed, true}, {ec, c.ecdsaIn}} {
			out, errOut, code := output(t, s.ssh(t, testpeer.ClientOptions{IdentityFile: id.file, Command: []string{"echo in"}}))
			switch {
			case id.in && (code != 0 || out != "in\n"):
				t.Errorf("%s, key %s: exit %d, stdout %q, stderr %q; want a login", c.describe, id.file, code, out, errOut)
			case !id.in && (code != 255 || !strings.Contains(errOut, "Permission denied (publickey")):
				t.Errorf("%s, key %s: exit %d, stderr %q; want Permission denied", c.describe, id.file, code, errOut)
			}
		}
	}
}

// TestMaxAuthTries gives ssh2d -o MaxAuthTries=2: a client whose third
// password would be right is disconnected after its second wrong one,
// while a client right at its second try logs in. With MaxAuthTries=3 the
// third try gets its chance.
func TestMaxAuthTries(t *testing.T) {
	user := currentUser(t).Username
	const right = "right password"
	for _, c := range []struct {
		maxTries    string
		answers     []string
		wantIn      bool
		wantPrompts int
	}{
		{"2", []string{"wrong 1", "wrong 2", right}, false, 2},
		{"2", []string{"wrong 1", right}, true, 2},
		{"3", []string{"wrong 1", "wrong 2", right}, true, 3},
	} {
		s := startDaemon(t, "-password", user+":"+right, "-o", "MaxAuthTries="+c.maxTries)
		env, prompts := sequenceAskpass(t, c.answers...)
		cmd := s.ssh(t, testpeer.ClientOptions{
			// Before the harness's BatchMode=yes: the first value wins.
			Options: []string{"BatchMode=no", "PreferredAuthentications=password", "NumberOfPasswordPrompts=3"},
			Command: []string{"echo in"},
		})
		cmd.Env = append(cmd.Env, env...)
		out, errOut, code := output(t, cmd)
		name := "MaxAuthTries=" + c.maxTries + ", answers " + strings.Join(c.answers, ", ")
		if c.wantIn && (code != 0 || out != "in\n") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want a login", name, code, out, errOut)
		}
		// ssh prints the server's DISCONNECT reason code and message.
		if !c.wantIn && (code != 255 || !strings.Contains(errOut, ":14: too many authentication failures\r\n")) {
			t.Errorf("%s: exit %d, stderr %q; want a disconnect for too many failures", name, code, errOut)
		}
		if got := prompts(); got != c.wantPrompts {
			t.Errorf("%s: %d password prompts, want %d", name, got, c.wantPrompts)
		}
	}
}
