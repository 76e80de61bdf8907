//go:build unix

package main

import (
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestSSHDEveryAlgorithm connects ssh2 to OpenSSH's sshd once per
// algorithm, ssh2 offering only that one, runs a command with a known
// output and exit status, and checks both in ssh2's -v output and in the
// server's log that the algorithm was negotiated. Each connection has its
// own sshd, which enables every algorithm (ssh-rsa and the SHA-1 MACs are
// off by default), so that its log speaks of that connection only.
func TestSSHDEveryAlgorithm(t *testing.T) {
	config := []string{
		"LogLevel DEBUG1",
		"KexAlgorithms " + strings.Join(testpeer.KexAlgorithms, ","),
		"Ciphers " + strings.Join(testpeer.CipherAlgorithms, ","),
		"MACs " + strings.Join(testpeer.MACAlgorithms, ","),
		"HostKeyAlgorithms " + strings.Join(testpeer.HostKeyAlgorithms, ","),
	}
	for _, c := range testpeer.AlgorithmCases() {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			p := startPeer(t, testpeer.SSHDOptions{Config: config})
			// Only the key the server must present is trusted.
			writeFile(t, p.knownHosts, p.hostName()+" "+p.srv.HostKeys[hostKeyType(c.HostKey)]+"\n")
			var args []string
			for _, o := range c.Options {
				args = append(args, "-o", o)
			}
			args = append(args, "-v", "127.0.0.1", "echo algorithm-ok; exit 3")
			r := runCmd(t, p.command(t, args...), nil)
			if r.code != 3 || r.stdout != "algorithm-ok\n" {
				t.Fatalf("exit %d, stdout %q; want 3, %q\nssh2 stderr:\n%s", r.code, r.stdout, "algorithm-ok\n", r.stderr)
			}
			if got := testpeer.FirstKexReport(r.stderr, testpeer.SSH2KexLine); !got.Matches(c.Want) {
				t.Errorf("ssh2 -v reports %+v, want %+v", got, c.Want)
			}
			if got := testpeer.FirstKexReport(readLog(t, p.srv.LogPath), testpeer.OpenSSHKexLine); !got.Matches(c.Want) {
				t.Errorf("sshd logs %+v, want %+v", got, c.Want)
			}
		})
	}
}
