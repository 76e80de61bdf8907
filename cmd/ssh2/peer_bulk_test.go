//go:build unix

package main

import (
	"bytes"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestSSHDBulkAndRekey moves testpeer.BulkSize() bytes each way between
// ssh2 and OpenSSH's sshd on one connection (testpeer.RoundTripCommand),
// byte-exact, once without re-keys, once with ssh2 re-keying (-o
// RekeyLimit) and once with sshd re-keying. The KEXINIT order in ssh2's
// -v output and in sshd's log shows who started each re-key.
func TestSSHDBulkAndRekey(t *testing.T) {
	n := testpeer.BulkSize()
	data, sum := testpeer.WriteTestData(t, "ssh2", n)
	for _, c := range []struct {
		name       string
		sshdConfig []string // besides LogLevel DEBUG1
		ssh2Args   []string // besides -v
		starter    testpeer.Rekeyer
	}{
		{"no-rekey", nil, nil, testpeer.NoRekey},
		{"ssh2-starts", nil, []string{"-o", "RekeyLimit=" + testpeer.RekeyLimit()}, testpeer.ClientRekeys},
		{"sshd-starts", []string{"RekeyLimit " + testpeer.RekeyLimit()}, nil, testpeer.ServerRekeys},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := startPeer(t, testpeer.SSHDOptions{Config: append([]string{"LogLevel DEBUG1"}, c.sshdConfig...)})
			p.trustHost(t)
			args := append(append([]string{"-v"}, c.ssh2Args...), "127.0.0.1", testpeer.RoundTripCommand(data))
			cmd := p.command(t, args...)
			out := testpeer.NewRoundTripOutput(n)
			var errOut bytes.Buffer
			cmd.Stdin, cmd.Stdout, cmd.Stderr = testpeer.OpenFile(t, data), out, &errOut
			if err := cmd.Run(); err != nil {
				t.Fatalf("ssh2: %v\nstderr:\n%s", err, testpeer.LastLines(errOut.String(), 40))
			}
			out.Check(t, sum)

			// Each side's log lists the re-keys in the same order; every
			// one was started by the expected side.
			ourStarted := testpeer.RekeyStarters(t, "ssh2 -v", errOut.String(), testpeer.SSH2KexInit)
			sshdStarted := testpeer.RekeyStarters(t, "sshd", readLog(t, p.srv.LogPath), testpeer.OpenSSHKexInit)
			testpeer.CheckRekeys(t, "ssh2", ourStarted, "sshd", sshdStarted, c.starter)
		})
	}
}
