package main

import (
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestSSHEveryAlgorithm connects OpenSSH's ssh to ssh2d once per
// algorithm, the client offering only that one, runs a command with a
// known output and exit status, and checks in ssh's -v log that the
// algorithm was negotiated. ssh2d enables every algorithm with -o, since
// its defaults leave the NIST curves, SHA-1 MACs and ssh-rsa out.
func TestSSHEveryAlgorithm(t *testing.T) {
	s := startKeyedDaemon(t, []keySpec{ed25519Key, ecdsa256, ecdsa384, ecdsa521, rsaKey},
		"-o", "KexAlgorithms="+strings.Join(testpeer.KexAlgorithms, ","),
		"-o", "Ciphers="+strings.Join(testpeer.CipherAlgorithms, ","),
		"-o", "MACs="+strings.Join(testpeer.MACAlgorithms, ","),
		"-o", "HostKeyAlgorithms="+strings.Join(testpeer.HostKeyAlgorithms, ","))
	for _, c := range testpeer.AlgorithmCases() {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			cmd := s.ssh(t, testpeer.ClientOptions{
				Options: c.Options,
				// Only the key the server must present is trusted.
				KnownHosts: s.knownHosts(hostKeyFor(c.HostKey)),
				Verbose:    true,
				Command:    []string{"echo algorithm-ok; exit 3"},
			})
			out, errOut, code := output(t, cmd)
			if code != 3 || out != "algorithm-ok\n" {
				t.Fatalf("exit %d, stdout %q; want 3, %q\nssh stderr:\n%s", code, out, "algorithm-ok\n", errOut)
			}
			if got := testpeer.FirstKexReport(errOut, testpeer.OpenSSHKexLine); !got.Matches(c.Want) {
				t.Errorf("ssh -v reports %+v, want %+v", got, c.Want)
			}
		})
	}
}
