package agent_test

import (
	"os/exec"
	"testing"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/agent"
	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestPublicKeysCallbackWithOpenSSHAgent logs in to OpenSSH sshd with our
// client, whose only credentials are keys held by OpenSSH's ssh-agent.
func TestPublicKeysCallbackWithOpenSSHAgent(t *testing.T) {
	addBin := testpeer.Require(t, "ssh-add")
	srv := testpeer.StartSSHD(t, testpeer.SSHDOptions{})
	sock := testpeer.StartSSHAgent(t)
	t.Setenv("SSH_AUTH_SOCK", sock)

	for _, kt := range []struct {
		name string
		bits int
	}{{"ecdsa", 384}, {"rsa", 2048}} {
		t.Run(kt.name, func(t *testing.T) {
			priv, line := testpeer.GenerateKey(t, kt.name, kt.bits)
			srv.AuthorizeKey(t, line)
			add := exec.Command(addBin, "-D")
			if o, err := add.CombinedOutput(); err != nil {
				t.Fatalf("ssh-add -D: %v\n%s", err, o)
			}
			if o, err := exec.Command(addBin, priv).CombinedOutput(); err != nil {
				t.Fatalf("ssh-add: %v\n%s", err, o)
			}
			ac, err := agent.DialContext(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer ac.Close()
			c, err := ssh2.Dial(t.Context(), "tcp", srv.Addr, &ssh2.ClientConfig{
				User:            srv.User,
				Auth:            []ssh2.AuthMethod{ssh2.PublicKeysCallback(ac.Signers)},
				HostKeyCallback: ssh2.InsecureIgnoreHostKey(),
			})
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			defer c.Close()
			got, err := c.Output(t.Context(), "echo agent-auth-"+kt.name)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "agent-auth-"+kt.name+"\n" {
				t.Fatalf("output %q", got)
			}
		})
	}
}
