package agent

import (
	"bytes"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestKeyringSessionBindHostKeys logs in with OpenSSH ssh through our
// keyring to sshd with each kind of host key: ssh sends
// session-bind@openssh.com with the host key's signature of the session
// identifier (rsa-sha2-512 for an RSA host key), which our keyring must
// verify and accept before ssh signs the user-auth request through it.
func TestKeyringSessionBindHostKeys(t *testing.T) {
	for _, hk := range []string{"ssh-rsa", "ecdsa-sha2-nistp521", "ssh-ed25519"} {
		t.Run(hk, func(t *testing.T) {
			srv := testpeer.StartSSHD(t, testpeer.SSHDOptions{HostKeyTypes: []string{hk}})
			log := &signLog{Agent: NewKeyring()}
			sock := serveKeyring(t, log)
			priv, line := testpeer.GenerateKey(t, "ed25519", 0)
			srv.AuthorizeKey(t, line)
			if out, err := sshAdd(t, sock, "", priv); err != nil {
				t.Fatalf("ssh-add: %v\n%s", err, out)
			}
			cmd := testpeer.SSHClientCommand(t, testpeer.ClientOptions{
				Port:       srv.Port,
				User:       srv.User,
				KnownHosts: srv.KnownHosts(),
				Options:    []string{"IdentityAgent=" + sock, "IdentitiesOnly=no", "PreferredAuthentications=publickey", "HostKeyAlgorithms=" + hostKeyAlgorithm(hk)},
				Command:    []string{"echo", "bound"},
			})
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("ssh: %v\n%s", err, stderr.String())
			}
			if stdout.String() != "bound\n" {
				t.Fatalf("ssh output %q", stdout.String())
			}
			log.mu.Lock()
			defer log.mu.Unlock()
			if log.binds != 1 || len(log.blobs) != 1 {
				t.Fatalf("agent accepted %d session-binds, made %d signatures; want 1 and 1", log.binds, len(log.blobs))
			}
		})
	}
}

// hostKeyAlgorithm is the algorithm ssh is told to use for a host key
// type: RSA host keys sign with rsa-sha2-512.
func hostKeyAlgorithm(keyType string) string {
	if keyType == "ssh-rsa" {
		return "rsa-sha2-512"
	}
	return keyType
}
