package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBatchOutputMatchesOpenSSH runs one batch of commands that change
// things through ssh2-sftp and through OpenSSH's sftp, each in its own
// copy of the same remote and local trees, and expects the same standard
// output once the two directories' names are replaced by placeholders.
func TestBatchOutputMatchesOpenSSH(t *testing.T) {
	h := startSSHD(t)
	batch := []string{
		"pwd",
		"mkdir made",
		"cd made",
		"pwd",
		"put up.txt",
		"put up.txt copy.txt",
		"cd ..",
		"get down.txt",
		"get down.txt renamed-down.txt",
		"rename made/copy.txt made/moved.txt",
		"ln -s moved.txt made/link",
		"chmod 600 made/moved.txt",
		"rm made/up.txt",
		"ls made",
		"-rm does-not-exist",
		"rmdir empty",
		"lmkdir newlocal",
		"version",
		"exit",
	}
	run := func(client string) string {
		t.Helper()
		remote, local := t.TempDir(), t.TempDir()
		if err := os.WriteFile(filepath.Join(remote, "down.txt"), []byte("down\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(filepath.Join(remote, "empty"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(local, "up.txt"), []byte("up\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := h.command(t, local, ":"+remote, batch...)
		if client == "openssh" {
			cmd = h.openSSHCommand(t, local, ":"+remote, batch...)
		}
		stdout, stderr, code := runBatch(t, cmd)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", client, code, stderr)
		}
		if l, err := os.Readlink(filepath.Join(remote, "made/link")); err != nil || l != "moved.txt" {
			t.Errorf("%s: symlink %q, %v", client, l, err)
		}
		for _, f := range []string{filepath.Join(local, "down.txt"), filepath.Join(local, "renamed-down.txt")} {
			if b, err := os.ReadFile(f); err != nil || string(b) != "down\n" {
				t.Errorf("%s: %s = %q, %v", client, f, b, err)
			}
		}
		return strings.NewReplacer(remote, "REMOTE", local, "LOCAL").Replace(stdout)
	}
	ours, theirs := run("ours"), run("openssh")
	if ours != theirs {
		t.Fatalf("batch output differs\n--- ssh2-sftp:\n%s--- OpenSSH sftp:\n%s", ours, theirs)
	}
}
