//go:build unix

package sftp

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestSetstatFollowsLinksInside checks that SETSTAT follows final
// symbolic links that stay inside the root the way the kernel would,
// ".." after a linked directory included, and LSETSTAT changes the link.
func TestSetstatFollowsLinksInside(t *testing.T) {
	root := t.TempDir()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(root, "f"), []byte("f"), 0o644))
	must(os.MkdirAll(filepath.Join(root, "a/b"), 0o755))
	must(os.WriteFile(filepath.Join(root, "a/y"), []byte("a/y"), 0o644))
	must(os.WriteFile(filepath.Join(root, "y"), []byte("y"), 0o644))
	must(os.Symlink("f", filepath.Join(root, "l1")))
	must(os.Symlink("l1", filepath.Join(root, "l2")))
	must(os.Mkdir(filepath.Join(root, "sub"), 0o755))
	must(os.Symlink("../f", filepath.Join(root, "sub/up")))
	// x leads through a linked directory and then "..": the kernel (and
	// os.Root) land in a/, a lexical clean would land in the root.
	must(os.Symlink("a/b", filepath.Join(root, "dlb")))
	must(os.Symlink("dlb/../y", filepath.Join(root, "x")))
	must(os.Symlink("loop", filepath.Join(root, "loop")))

	c := dirPair(t, root)
	mode := func(p string) os.FileMode {
		t.Helper()
		fi, err := os.Lstat(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode()
	}
	must(c.Chmod(ctx, "l2", 0o600))
	if m := mode("f"); m.Perm() != 0o600 {
		t.Errorf("chmod through two links: f is %v", m)
	}
	must(c.Truncate(ctx, "l1", 0))
	mustEqualFile(t, filepath.Join(root, "f"), nil)
	when := time.Unix(1500000000, 0)
	must(c.Chtimes(ctx, "sub/up", when, when))
	if fi, _ := os.Stat(filepath.Join(root, "f")); !fi.ModTime().Equal(when) {
		t.Errorf("chtimes through sub/up: f's mtime %v", fi.ModTime())
	}
	must(c.Chmod(ctx, "x", 0o640))
	if mode("a/y").Perm() != 0o640 || mode("y").Perm() != 0o644 {
		t.Errorf("chmod x: a/y %v, y %v; want the kernel's resolution (a/y)", mode("a/y"), mode("y"))
	}
	if err := c.Chmod(ctx, "loop", 0o600); err == nil {
		t.Error("chmod of a link loop succeeded")
	}
	// The root itself.
	must(c.Chmod(ctx, "/", 0o750))
	if fi, _ := os.Stat(root); fi.Mode().Perm() != 0o750 {
		t.Errorf("chmod /: %v", fi.Mode())
	}
	must(os.Chmod(root, 0o755))

	// LSETSTAT changes the link's times, not the file's; a link's mode
	// and size cannot change.
	linkTime := time.Unix(1400000000, 0)
	must(c.Lsetstat(ctx, "l1", timesAttrs(linkTime)))
	if fi, _ := os.Lstat(filepath.Join(root, "l1")); !fi.ModTime().Equal(linkTime) {
		t.Errorf("lsetstat: link mtime %v", fi.ModTime())
	}
	if fi, _ := os.Stat(filepath.Join(root, "f")); !fi.ModTime().Equal(when) {
		t.Errorf("lsetstat changed the file: mtime %v", fi.ModTime())
	}
	if err := c.Lsetstat(ctx, "l1", modeAttrs(0o600)); err == nil {
		t.Error("lsetstat set a link's mode")
	}
	must(c.Lsetstat(ctx, "f", modeAttrs(0o604)))
	if mode("f").Perm() != 0o604 {
		t.Errorf("lsetstat of a file: %v", mode("f"))
	}
}

// TestSetstatNeedsNoReadPermission checks that the mode, owner, times and
// size of files the server cannot read change, as chmod(2) and OpenSSH's
// sftp-server allow: a mode-000 file chmod-ed to 0644, a write-only file
// and a mode-000 directory. Root can read anything, so when the test runs
// as root the server runs as an unprivileged user (nobody, 65534).
func TestSetstatNeedsNoReadPermission(t *testing.T) {
	uid, gid := os.Getuid(), os.Getgid()
	var c *Client
	var root string
	if uid == 0 {
		uid, gid = 65534, 65534
		root = sharedTempDir(t)
		c = serveAs(t, root, uid, gid)
	} else {
		root = t.TempDir()
		c = dirPair(t, root)
	}
	for name, m := range map[string]os.FileMode{"none": 0, "wo": 0o200} {
		p := filepath.Join(root, name)
		if err := os.WriteFile(p, []byte("content"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(root, "dir"), 0); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{root, filepath.Join(root, "none"), filepath.Join(root, "wo"), filepath.Join(root, "dir")} {
		if err := os.Lchown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	stat := func(name string) (os.FileInfo, *syscall.Stat_t) {
		t.Helper()
		fi, err := os.Stat(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return fi, fi.Sys().(*syscall.Stat_t)
	}
	if f, err := c.Open(ctx, "none"); err == nil {
		f.Close()
		t.Fatal("the server can read a mode-000 file: it runs with too much privilege for this test")
	}
	if err := c.Chmod(ctx, "none", 0o644); err != nil {
		t.Errorf("chmod 644 of a mode-000 file: %v", err)
	} else if fi, _ := stat("none"); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v after chmod 644", fi.Mode())
	}
	when := time.Unix(1234567890, 0)
	if err := c.Chtimes(ctx, "wo", when, when); err != nil {
		t.Errorf("chtimes of a write-only file: %v", err)
	} else if fi, _ := stat("wo"); !fi.ModTime().Equal(when) {
		t.Errorf("mtime %v after chtimes", fi.ModTime())
	}
	if err := c.Chown(ctx, "wo", uid, gid); err != nil {
		t.Errorf("chown of a write-only file to its owner: %v", err)
	}
	if err := c.Truncate(ctx, "wo", 3); err != nil {
		t.Errorf("truncate of a write-only file: %v", err)
	} else if fi, _ := stat("wo"); fi.Size() != 3 {
		t.Errorf("size %d after truncate", fi.Size())
	}
	if err := c.Chmod(ctx, "wo", 0o600); err != nil {
		t.Errorf("chmod of a write-only file: %v", err)
	} else if fi, st := stat("wo"); fi.Mode().Perm() != 0o600 || int(st.Uid) != uid {
		t.Errorf("mode %v owner %d after chmod 600", fi.Mode(), st.Uid)
	}
	if err := c.Chmod(ctx, "dir", 0o755); err != nil {
		t.Errorf("chmod 755 of a mode-000 directory: %v", err)
	} else if fi, _ := stat("dir"); fi.Mode().Perm() != 0o755 {
		t.Errorf("directory mode %v after chmod 755", fi.Mode())
	}
}

// sharedTempDir is a temporary directory other users can enter, removed
// when the test ends (t.TempDir's are private to their owner).
func sharedTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sftp-shared-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// serveAs runs our server, serving root, in a copy of this test binary
// running as uid and gid (the caller must be root), and returns our
// client connected to it over its stdin and stdout.
func serveAs(t *testing.T, root string, uid, gid int) *Client {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(sharedTempDir(t), "sftp.test")
	src, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := os.OpenFile(bin, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err == nil {
		_, err = io.Copy(dst, src)
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
	}
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), serveEnv+"="+root)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c, err := NewClientPipe(context.Background(), stdout, stdin)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("server running as %d: %v", uid, err)
		}
	})
	return c
}

func timesAttrs(t time.Time) *Attributes {
	var a Attributes
	a.SetTimes(t, t)
	return &a
}

func modeAttrs(m os.FileMode) *Attributes {
	var a Attributes
	a.SetMode(m)
	return &a
}
