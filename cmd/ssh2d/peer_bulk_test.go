package main

import (
	"bytes"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// Who starts the re-keys of a bulk transfer.
const (
	noRekey      = iota // neither side reaches its limit
	serverRekeys        // ssh2d, given RekeyLimit
	clientRekeys        // ssh, given RekeyLimit
)

// minRekeys is the fewest re-keys a side with rekeyLimit() must start
// while bulkSize bytes go each way (it would start about sixteen).
const minRekeys = 4

// TestSSHBulkAndRekey moves bulkSize bytes each way between OpenSSH's ssh
// and ssh2d on one connection (roundTripCommand), byte-exact, once
// without re-keys, once with ssh2d re-keying (-o RekeyLimit) and once
// with ssh re-keying. The
// KEXINIT order in both sides' debug logs shows who started each re-key.
func TestSSHBulkAndRekey(t *testing.T) {
	n := bulkSize()
	data, sum := writeTestData(t, n)
	for _, c := range []struct {
		name       string
		daemonArgs []string // ssh2d flags besides LogLevel=DEBUG
		sshOptions []string
		starter    int
	}{
		{"no-rekey", nil, nil, noRekey},
		{"ssh2d-starts", []string{"-o", "RekeyLimit=" + rekeyLimit()}, nil, serverRekeys},
		{"ssh-starts", nil, []string{"RekeyLimit=" + rekeyLimit()}, clientRekeys},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := startDaemon(t, append([]string{"-o", "LogLevel=DEBUG"}, c.daemonArgs...)...)
			cmd := s.ssh(t, testpeer.ClientOptions{Options: c.sshOptions, Verbose: true, Command: []string{roundTripCommand(data)}})
			out := newRoundTripOutput(n)
			var errOut bytes.Buffer
			cmd.Stdin, cmd.Stdout, cmd.Stderr = openFile(t, data), out, &errOut
			if err := cmd.Run(); err != nil {
				t.Fatalf("ssh: %v\nstderr:\n%s", err, lastLines(errOut.String(), 40))
			}
			out.check(t, sum)

			// ssh2d's log reaches the test through a pipe: stop the daemon
			// to have all of it.
			if err := s.stop(); err != nil {
				t.Fatalf("ssh2d did not shut down cleanly: %v", err)
			}
			// Each side's log lists the re-keys in the same order; every
			// one was started by the expected side.
			sshStarted := rekeyStarters(t, "ssh -v", errOut.String(), opensshKexInit)
			ourStarted := rekeyStarters(t, "ssh2d", s.stderr.String(), ssh2dKexInit)
			t.Logf("%d re-keys: ssh started %d, ssh2d %d", len(ourStarted), countTrue(sshStarted), countTrue(ourStarted))
			if len(sshStarted) != len(ourStarted) {
				t.Fatalf("ssh logs %d re-keys, ssh2d %d", len(sshStarted), len(ourStarted))
			}
			var wantSSH, wantOurs int
			switch c.starter {
			case serverRekeys:
				wantOurs = len(ourStarted)
			case clientRekeys:
				wantSSH = len(sshStarted)
			}
			if got := countTrue(sshStarted); got != wantSSH {
				t.Errorf("ssh started %d of %d re-keys, want %d", got, len(sshStarted), wantSSH)
			}
			if got := countTrue(ourStarted); got != wantOurs {
				t.Errorf("ssh2d started %d of %d re-keys, want %d", got, len(ourStarted), wantOurs)
			}
			if c.starter == noRekey && len(ourStarted) != 0 {
				t.Errorf("%d re-keys without a RekeyLimit", len(ourStarted))
			}
			if c.starter != noRekey && len(ourStarted) < minRekeys {
				t.Errorf("%d re-keys with RekeyLimit=%s, want at least %d", len(ourStarted), rekeyLimit(), minRekeys)
			}
		})
	}
}
