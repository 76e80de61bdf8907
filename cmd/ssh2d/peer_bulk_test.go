package main

import (
	"bytes"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestSSHBulkAndRekey moves testpeer.BulkSize() bytes each way between
// OpenSSH's ssh and ssh2d on one connection (testpeer.RoundTripCommand),
// byte-exact, once without re-keys, once with ssh2d re-keying (-o
// RekeyLimit) and once with ssh re-keying. The KEXINIT order in both
// sides' debug logs shows who started each re-key.
func TestSSHBulkAndRekey(t *testing.T) {
	n := testpeer.BulkSize()
	data, sum := testpeer.WriteTestData(t, "ssh2d", n)
	for _, c := range []struct {
		name       string
		daemonArgs []string // ssh2d flags besides LogLevel=DEBUG
		sshOptions []string
		starter    testpeer.Rekeyer
	}{
		{"no-rekey", nil, nil, testpeer.NoRekey},
		{"ssh2d-starts", []string{"-o", "RekeyLimit=" + testpeer.RekeyLimit()}, nil, testpeer.ServerRekeys},
		{"ssh-starts", nil, []string{"RekeyLimit=" + testpeer.RekeyLimit()}, testpeer.ClientRekeys},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := startDaemon(t, append([]string{"-o", "LogLevel=DEBUG"}, c.daemonArgs...)...)
			cmd := s.ssh(t, testpeer.ClientOptions{Options: c.sshOptions, Verbose: true, Command: []string{testpeer.RoundTripCommand(data)}})
			out := testpeer.NewRoundTripOutput(n)
			var errOut bytes.Buffer
			cmd.Stdin, cmd.Stdout, cmd.Stderr = testpeer.OpenFile(t, data), out, &errOut
			if err := cmd.Run(); err != nil {
				t.Fatalf("ssh: %v\nstderr:\n%s", err, testpeer.LastLines(errOut.String(), 40))
			}
			out.Check(t, sum)

			// ssh2d's log reaches the test through a pipe: stop the daemon
			// to have all of it.
			if err := s.stop(); err != nil {
				t.Fatalf("ssh2d did not shut down cleanly: %v", err)
			}
			// Each side's log lists the re-keys in the same order; every
			// one was started by the expected side.
			sshStarted := testpeer.RekeyStarters(t, "ssh -v", errOut.String(), testpeer.OpenSSHKexInit)
			ourStarted := testpeer.RekeyStarters(t, "ssh2d", s.stderr.String(), testpeer.SSH2KexInit)
			testpeer.CheckRekeys(t, "ssh", sshStarted, "ssh2d", ourStarted, c.starter)
		})
	}
}
