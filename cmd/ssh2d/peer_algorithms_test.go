package main

import (
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// algorithmCase restricts the client to one algorithm and says what the
// key exchange must then have chosen.
type algorithmCase struct {
	name    string
	options []string // ssh -o settings
	want    kexReport
	hostKey keySpec // the host key the client must be shown
}

// algorithmCases covers every key exchange, host key algorithm, cipher
// and MAC, one connection each.
func algorithmCases() []algorithmCase {
	var cs []algorithmCase
	for _, k := range kexAlgorithms {
		cs = append(cs, algorithmCase{name: "kex/" + k, options: []string{"KexAlgorithms=" + k}, want: kexReport{Kex: k}, hostKey: ed25519Key})
	}
	for _, h := range hostKeyAlgorithms {
		cs = append(cs, algorithmCase{name: "hostkey/" + h, options: []string{"HostKeyAlgorithms=" + h}, want: kexReport{HostKey: h}, hostKey: hostKeyFor(h)})
	}
	for _, c := range cipherAlgorithms {
		cs = append(cs, algorithmCase{name: "cipher/" + c, options: []string{"Ciphers=" + c}, want: kexReport{CipherCS: c, CipherSC: c}, hostKey: ed25519Key})
	}
	for _, m := range macAlgorithms {
		cs = append(cs, algorithmCase{name: "mac/" + m, options: []string{"Ciphers=" + macTestCipher, "MACs=" + m},
			want: kexReport{CipherCS: macTestCipher, MACCS: m, CipherSC: macTestCipher, MACSC: m}, hostKey: ed25519Key})
	}
	return cs
}

// TestSSHEveryAlgorithm connects OpenSSH's ssh to ssh2d once per
// algorithm, the client offering only that one, runs a command with a
// known output and exit status, and checks in ssh's -v log that the
// algorithm was negotiated. ssh2d enables every algorithm with -o, since
// its defaults leave the NIST curves, SHA-1 MACs and ssh-rsa out.
func TestSSHEveryAlgorithm(t *testing.T) {
	s := startKeyedDaemon(t, []keySpec{ed25519Key, ecdsa256, ecdsa384, ecdsa521, rsaKey},
		"-o", "KexAlgorithms="+strings.Join(kexAlgorithms, ","),
		"-o", "Ciphers="+strings.Join(cipherAlgorithms, ","),
		"-o", "MACs="+strings.Join(macAlgorithms, ","),
		"-o", "HostKeyAlgorithms="+strings.Join(hostKeyAlgorithms, ","))
	for _, c := range algorithmCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cmd := s.ssh(t, testpeer.ClientOptions{
				Options: c.options,
				// Only the key the server must present is trusted.
				KnownHosts: s.knownHosts(c.hostKey),
				Verbose:    true,
				Command:    []string{"echo algorithm-ok; exit 3"},
			})
			out, errOut, code := output(t, cmd)
			if code != 3 || out != "algorithm-ok\n" {
				t.Fatalf("exit %d, stdout %q; want 3, %q\nssh stderr:\n%s", code, out, "algorithm-ok\n", errOut)
			}
			if got := firstKexReport(errOut, sshKexLine); !got.matches(c.want) {
				t.Errorf("ssh -v reports %+v, want %+v", got, c.want)
			}
		})
	}
}
