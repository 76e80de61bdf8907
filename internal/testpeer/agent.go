package testpeer

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// StartSSHAgent starts OpenSSH's ssh-agent in the foreground on a
// private socket and returns the socket's path once it listens. The
// agent is killed when the test ends, and its stderr shown if it failed.
func StartSSHAgent(t testing.TB) string {
	t.Helper()
	bin := Require(t, "ssh-agent")
	// Unix socket paths are short: t.TempDir() may be too long.
	dir, err := os.MkdirTemp("", "agt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "s")
	cmd := exec.Command(bin, "-D", "-a", sock)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("ssh-agent stderr:\n%s", stderr.String())
		}
	})
	// ssh-agent prints its environment lines once the socket is bound.
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "SSH_AUTH_SOCK=") {
		t.Fatalf("ssh-agent: %q, %v", line, err)
	}
	return sock
}
