//go:build unix

package main

import (
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// algorithmCase restricts ssh2 to one algorithm and says what the key
// exchange must then have chosen.
type algorithmCase struct {
	name    string
	options []string // ssh2 -o settings
	want    kexReport
	hostKey string // type of the one host key ssh2 knows
}

// algorithmCases covers every key exchange, host key algorithm, cipher
// and MAC, one connection each.
func algorithmCases() []algorithmCase {
	var cs []algorithmCase
	for _, k := range kexAlgorithms {
		cs = append(cs, algorithmCase{name: "kex/" + k, options: []string{"KexAlgorithms=" + k}, want: kexReport{Kex: k}, hostKey: "ssh-ed25519"})
	}
	for _, h := range hostKeyAlgorithms {
		cs = append(cs, algorithmCase{name: "hostkey/" + h, options: []string{"HostKeyAlgorithms=" + h}, want: kexReport{HostKey: h}, hostKey: hostKeyType(h)})
	}
	for _, c := range cipherAlgorithms {
		cs = append(cs, algorithmCase{name: "cipher/" + c, options: []string{"Ciphers=" + c}, want: kexReport{CipherCS: c, CipherSC: c}, hostKey: "ssh-ed25519"})
	}
	for _, m := range macAlgorithms {
		cs = append(cs, algorithmCase{name: "mac/" + m, options: []string{"Ciphers=" + macTestCipher, "MACs=" + m},
			want: kexReport{CipherCS: macTestCipher, MACCS: m, CipherSC: macTestCipher, MACSC: m}, hostKey: "ssh-ed25519"})
	}
	return cs
}

// TestSSHDEveryAlgorithm connects ssh2 to OpenSSH's sshd once per
// algorithm, ssh2 offering only that one, runs a command with a known
// output and exit status, and checks both in ssh2's -v output and in the
// server's log that the algorithm was negotiated. Each connection has its
// own sshd, which enables every algorithm (ssh-rsa and the SHA-1 MACs are
// off by default), so that its log speaks of that connection only.
func TestSSHDEveryAlgorithm(t *testing.T) {
	config := []string{
		"LogLevel DEBUG1",
		"KexAlgorithms " + strings.Join(kexAlgorithms, ","),
		"Ciphers " + strings.Join(cipherAlgorithms, ","),
		"MACs " + strings.Join(macAlgorithms, ","),
		"HostKeyAlgorithms " + strings.Join(hostKeyAlgorithms, ","),
	}
	for _, c := range algorithmCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := startPeer(t, testpeer.SSHDOptions{Config: config})
			// Only the key the server must present is trusted.
			writeFile(t, p.knownHosts, p.hostName()+" "+p.srv.HostKeys[c.hostKey]+"\n")
			var args []string
			for _, o := range c.options {
				args = append(args, "-o", o)
			}
			args = append(args, "-v", "127.0.0.1", "echo algorithm-ok; exit 3")
			r := runCmd(t, p.command(t, args...), nil)
			if r.code != 3 || r.stdout != "algorithm-ok\n" {
				t.Fatalf("exit %d, stdout %q; want 3, %q\nssh2 stderr:\n%s", r.code, r.stdout, "algorithm-ok\n", r.stderr)
			}
			if got := firstKexReport(r.stderr, ssh2KexLine); !got.matches(c.want) {
				t.Errorf("ssh2 -v reports %+v, want %+v", got, c.want)
			}
			if got := firstKexReport(readLog(t, p.srv.LogPath), sshdKexLine); !got.matches(c.want) {
				t.Errorf("sshd logs %+v, want %+v", got, c.want)
			}
		})
	}
}
