//go:build unix

package main

import (
	"bytes"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// Who starts the re-keys of a bulk transfer.
const (
	noRekey      = iota // neither side reaches its limit
	clientRekeys        // ssh2, given -o RekeyLimit
	serverRekeys        // sshd, given RekeyLimit
)

// minRekeys is the fewest re-keys a side with rekeyLimit() must start
// while bulkSize bytes go each way (it would start about sixteen).
const minRekeys = 4

// TestSSHDBulkAndRekey moves bulkSize bytes each way between ssh2 and
// OpenSSH's sshd on one connection (roundTripCommand), byte-exact, once
// without re-keys, once with ssh2 re-keying (-o RekeyLimit) and once with
// sshd re-keying. The
// KEXINIT order in ssh2's -v output and in sshd's log shows who started
// each re-key.
func TestSSHDBulkAndRekey(t *testing.T) {
	n := bulkSize()
	data, sum := writeTestData(t, n)
	for _, c := range []struct {
		name       string
		sshdConfig []string // besides LogLevel DEBUG1
		ssh2Args   []string // besides -v
		starter    int
	}{
		{"no-rekey", nil, nil, noRekey},
		{"ssh2-starts", nil, []string{"-o", "RekeyLimit=" + rekeyLimit()}, clientRekeys},
		{"sshd-starts", []string{"RekeyLimit " + rekeyLimit()}, nil, serverRekeys},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := startPeer(t, testpeer.SSHDOptions{Config: append([]string{"LogLevel DEBUG1"}, c.sshdConfig...)})
			p.trustHost(t)
			args := append(append([]string{"-v"}, c.ssh2Args...), "127.0.0.1", roundTripCommand(data))
			cmd := p.command(t, args...)
			out := newRoundTripOutput(n)
			var errOut bytes.Buffer
			cmd.Stdin, cmd.Stdout, cmd.Stderr = openFile(t, data), out, &errOut
			if err := cmd.Run(); err != nil {
				t.Fatalf("ssh2: %v\nstderr:\n%s", err, lastLines(errOut.String(), 40))
			}
			out.check(t, sum)

			// Each side's log lists the re-keys in the same order; every
			// one was started by the expected side.
			ourStarted := rekeyStarters(t, "ssh2 -v", errOut.String(), ssh2KexInit)
			sshdStarted := rekeyStarters(t, "sshd", readLog(t, p.srv.LogPath), sshdKexInit)
			t.Logf("%d re-keys: ssh2 started %d, sshd %d", len(ourStarted), countTrue(ourStarted), countTrue(sshdStarted))
			if len(sshdStarted) != len(ourStarted) {
				t.Fatalf("ssh2 logs %d re-keys, sshd %d", len(ourStarted), len(sshdStarted))
			}
			var wantOurs, wantSSHD int
			switch c.starter {
			case clientRekeys:
				wantOurs = len(ourStarted)
			case serverRekeys:
				wantSSHD = len(sshdStarted)
			}
			if got := countTrue(ourStarted); got != wantOurs {
				t.Errorf("ssh2 started %d of %d re-keys, want %d", got, len(ourStarted), wantOurs)
			}
			if got := countTrue(sshdStarted); got != wantSSHD {
				t.Errorf("sshd started %d of %d re-keys, want %d", got, len(sshdStarted), wantSSHD)
			}
			if c.starter == noRekey && len(ourStarted) != 0 {
				t.Errorf("%d re-keys without a RekeyLimit", len(ourStarted))
			}
			if c.starter != noRekey && len(ourStarted) < minRekeys {
				t.Errorf("%d re-keys with RekeyLimit %s, want at least %d", len(ourStarted), rekeyLimit(), minRekeys)
			}
		})
	}
}
