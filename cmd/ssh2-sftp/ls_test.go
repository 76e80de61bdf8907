package main

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
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

// TestLsLongMatchesOpenSSH runs ls -l and ls -n through ssh2-sftp and
// OpenSSH's sftp against the same directory on the same sshd and expects
// byte-identical output: modes with set-id and sticky bits, "?" for the
// link count, owner and group names from users-groups-by-id (numbers
// where the server has none, or with -n), sizes, times of day for recent
// files and years for old and future ones, links shown as links.
func TestLsLongMatchesOpenSSH(t *testing.T) {
	h := startSSHD(t)
	remote := t.TempDir()
	now := time.Now()
	files := []struct {
		name  string
		mode  os.FileMode
		size  int
		mtime time.Time
	}{
		{"alpha", 0o644, 1, now.Add(-2 * time.Hour)},
		{"beta", 0o600, 12345, time.Unix(1000000000, 0)},
		{"gamma", 0o755 | os.ModeSetuid, 7, now.AddDate(0, -3, 0)},
		{"delta", 0, 0, now.AddDate(-1, 0, 0)},
		{"future", 0o640 | os.ModeSetgid, 3, now.Add(48 * time.Hour)},
		{".hidden", 0o644, 2, now.Add(-time.Minute)},
		{"sub/one", 0o644, 1 << 20, now.AddDate(0, 0, -1)},
	}
	// As root: an owner with a name other than the user's (daemon, 1, on
	// Debian; group 2, bin), and one without (before chmod, which chown
	// would undo for set-id bits).
	owners := map[string]int{"beta": 1, "gamma": 4321}
	if err := os.Mkdir(filepath.Join(remote, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(remote, "sticky"), 0o777); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		p := filepath.Join(remote, f.name)
		if err := os.WriteFile(p, make([]byte, f.size), 0o600); err != nil {
			t.Fatal(err)
		}
		if owner, ok := owners[f.name]; ok && os.Getuid() == 0 {
			if err := os.Chown(p, owner, owner+1); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(p, f.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, f.mtime, f.mtime); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(remote, "sticky"), 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("alpha", filepath.Join(remote, "link")); err != nil {
		t.Fatal(err)
	}
	batch := []string{"ls -l", "ls -la", "ls -l sub", "ls -l sub/", "ls -l alpha", "ls -l sub/one", "ls -l link", "ls -l " + remote}
	ours, errs, code := h.run(t, t.TempDir(), ":"+remote, batch...)
	if code != 0 {
		t.Fatalf("ssh2-sftp: exit %d\n%s", code, errs)
	}
	theirs, theirErrs, code := runBatch(t, h.openSSHCommand(t, t.TempDir(), ":"+remote, batch...))
	if code != 0 {
		t.Fatalf("OpenSSH sftp: exit %d\n%s", code, theirErrs)
	}
	if ours != theirs {
		t.Fatalf("ls -l output differs\n--- ssh2-sftp:\n%s--- OpenSSH sftp:\n%s", ours, theirs)
	}

	// ls -n is ls -l with numeric owners, as sftp's manual says. OpenSSH's
	// sftp 9.2 shows names there as well, so the comparison is with its
	// ls -l, names turned into numbers.
	numeric := []string{"ls -n", "ls -ln sub", "ls -n beta"}
	named := []string{"ls -l", "ls -l sub", "ls -l beta"}
	ours, errs, code = h.run(t, t.TempDir(), ":"+remote, numeric...)
	if code != 0 {
		t.Fatalf("ssh2-sftp: exit %d\n%s", code, errs)
	}
	theirs, theirErrs, code = runBatch(t, h.openSSHCommand(t, t.TempDir(), ":"+remote, named...))
	if code != 0 {
		t.Fatalf("OpenSSH sftp: exit %d\n%s", code, theirErrs)
	}
	if want := numericOwners(t, theirs, named, numeric); ours != want {
		t.Fatalf("ls -n output differs\n--- ssh2-sftp:\n%s--- OpenSSH sftp's ls -l, numbered:\n%s", ours, want)
	}
}

// numericOwners rewrites sftp ls -l output with numeric owners and groups
// in place of names, and the echoed commands from[i] as to[i].
func numericOwners(t *testing.T, out string, from, to []string) string {
	t.Helper()
	lines := strings.SplitAfter(out, "\n")
	for i, l := range lines {
		if cmd, ok := strings.CutPrefix(strings.TrimSuffix(l, "\n"), "sftp> "); ok {
			lines[i] = "sftp> " + to[slices.Index(from, cmd)] + "\n"
			continue
		}
		f := strings.Fields(l)
		if len(f) < 4 {
			continue
		}
		uid, gid := f[2], f[3]
		if u, err := user.Lookup(uid); err == nil {
			uid = u.Uid
		}
		if g, err := user.LookupGroup(gid); err == nil {
			gid = g.Gid
		}
		// Mode, two spaces, the link count in three: owners start at 16.
		old := fmt.Sprintf("%-8s %-8s", f[2], f[3])
		lines[i] = l[:16] + fmt.Sprintf("%-8s %-8s", uid, gid) + l[16+len(old):]
	}
	return strings.Join(lines, "")
}
