package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLsMatchesOpenSSH runs the same ls commands through ssh2-sftp and
// OpenSSH's sftp, in batch mode against the same sshd, and expects the
// same output: names in columns across 80 characters (stdin is not a
// terminal), one per line with -1, hidden names with -a, and paths
// prefixed when a directory is named.
func TestLsMatchesOpenSSH(t *testing.T) {
	h := startSSHD(t)
	remote := t.TempDir()
	for i, n := range strings.Fields("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon .hidden a-much-longer-name-here") {
		if err := os.WriteFile(filepath.Join(remote, n), []byte{byte(i)}, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(remote, "sub/inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"one", "two", "three"} {
		if err := os.WriteFile(filepath.Join(remote, "sub", n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	batch := []string{"ls", "ls -1", "ls -a", "ls sub", "ls sub/", "ls " + filepath.Join(remote, "sub"), "ls sub/inner", "ls alpha", "ls -1 alpha", "ls sub/one"}

	ours, errs, code := h.run(t, t.TempDir(), ":"+remote, batch...)
	if code != 0 {
		t.Fatalf("ssh2-sftp: exit %d\n%s", code, errs)
	}

	theirs, theirErrs, code := runBatch(t, h.openSSHCommand(t, t.TempDir(), ":"+remote, batch...))
	if code != 0 {
		t.Fatalf("OpenSSH sftp: exit %d\n%s", code, theirErrs)
	}
	if ours != theirs {
		t.Fatalf("ls output differs\n--- ssh2-sftp:\n%s--- OpenSSH sftp:\n%s", ours, theirs)
	}
}
