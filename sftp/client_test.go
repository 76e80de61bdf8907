package sftp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func randBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	for i := n &^ 7; i < n; i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

func mustEqualFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: %d bytes differ from the %d expected", path, len(got), len(want))
	}
}

func TestFileOperations(t *testing.T) {
	forEachPeer(t, func(t *testing.T, c *Client, dir string) {
		ctx := context.Background()
		f, err := c.Create(ctx, "f.txt")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte("hello, ")); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(f, "world"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt([]byte("W"), 7); err != nil {
			t.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
		if off, err := f.Seek(0, io.SeekStart); err != nil || off != 0 {
			t.Fatal(off, err)
		}
		buf := make([]byte, 5)
		if n, err := io.ReadFull(f, buf); err != nil || string(buf[:n]) != "hello" {
			t.Fatalf("read %q, %v", buf[:n], err)
		}
		if off, err := f.Seek(-5, io.SeekEnd); err != nil || off != 7 {
			t.Fatal(off, err)
		}
		rest, err := io.ReadAll(f)
		if err != nil || string(rest) != "World" {
			t.Fatalf("ReadAll %q, %v", rest, err)
		}
		fi, err := f.Stat()
		if err != nil || fi.Size() != 12 || fi.Name() != "f.txt" || !fi.Mode().IsRegular() {
			t.Fatalf("stat %v %v", fi, err)
		}
		if err := f.Chmod(0o640); err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(5); err != nil {
			t.Fatal(err)
		}
		mt := time.Unix(1600000000, 0)
		if err := f.Chtimes(mt, mt); err != nil {
			t.Fatal(err)
		}
		if err := f.Chown(os.Getuid(), os.Getgid()); err != nil {
			t.Fatal(err)
		}
		vfs, err := f.StatVFS()
		if err != nil || vfs.TotalSpace() == 0 {
			t.Fatalf("fstatvfs %+v %v", vfs, err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); !errors.Is(err, fs.ErrClosed) {
			t.Fatalf("second close: %v", err)
		}
		if _, err := f.Read(buf); !errors.Is(err, fs.ErrClosed) {
			t.Fatalf("read after close: %v", err)
		}
		mustEqualFile(t, filepath.Join(dir, "f.txt"), []byte("hello"))
		lfi, _ := os.Stat(filepath.Join(dir, "f.txt"))
		if lfi.Mode().Perm() != 0o640 || !lfi.ModTime().Equal(mt) {
			t.Fatalf("local mode %v mtime %v", lfi.Mode(), lfi.ModTime())
		}

		// Append, exclusive create, and opening a missing file.
		f, err = c.OpenFile(ctx, "f.txt", os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("!!"))
		f.Close()
		mustEqualFile(t, filepath.Join(dir, "f.txt"), []byte("hello!!"))
		if _, err := c.OpenFile(ctx, "f.txt", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); !errors.Is(err, fs.ErrExist) {
			t.Fatalf("O_EXCL on existing: %v", err)
		}
		if _, err := c.Open(ctx, "missing"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("open missing: %v", err)
		}
		var se *StatusError
		if _, err := c.Open(ctx, "missing"); !errors.As(err, &se) || se.Code != StatusNoSuchFile {
			t.Fatalf("status error: %v", err)
		}
	})
}

func TestCopyLarge(t *testing.T) {
	data := randBytes(5<<20+12345, 1)
	forEachPeer(t, func(t *testing.T, c *Client, dir string) {
		ctx := context.Background()
		f, err := c.Create(ctx, "big")
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(f, bytes.NewReader(data))
		if err != nil || n != int64(len(data)) {
			t.Fatal(n, err)
		}
		f.Close()
		mustEqualFile(t, filepath.Join(dir, "big"), data)

		f, err = c.Open(ctx, "big")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var out bytes.Buffer
		if n, err := io.Copy(&out, f); err != nil || n != int64(len(data)) || !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("download: %d %v", n, err)
		}
		// ReadAt spanning many chunks, and past the end.
		p := make([]byte, 3<<20)
		if n, err := f.ReadAt(p, 1000); err != nil || n != len(p) || !bytes.Equal(p, data[1000:1000+len(p)]) {
			t.Fatalf("ReadAt: %d %v", n, err)
		}
		off := int64(len(data) - 100)
		if n, err := f.ReadAt(p, off); err != io.EOF || n != 100 || !bytes.Equal(p[:n], data[off:]) {
			t.Fatalf("ReadAt at end: %d %v", n, err)
		}
		// WriteAt spanning many chunks.
		g, err := c.OpenFile(ctx, "big", os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		patch := randBytes(2<<20, 2)
		if n, err := g.WriteAt(patch, 4096); err != nil || n != len(patch) {
			t.Fatal(n, err)
		}
		g.Close()
		want := slices.Clone(data)
		copy(want[4096:], patch)
		mustEqualFile(t, filepath.Join(dir, "big"), want)
	})
}

func TestPathOperations(t *testing.T) {
	forEachPeer(t, func(t *testing.T, c *Client, dir string) {
		ctx := context.Background()
		os.WriteFile(filepath.Join(dir, "a"), []byte("aaa"), 0o644)
		fi, err := c.Stat(ctx, "a")
		if err != nil || fi.Size() != 3 || fi.Name() != "a" || fi.Mode().Perm() != 0o644 {
			t.Fatalf("stat: %v %v", fi, err)
		}
		if _, err := c.Stat(ctx, "nope"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("stat missing: %v", err)
		}
		if err := c.Chmod(ctx, "a", 0o600); err != nil {
			t.Fatal(err)
		}
		if err := c.Truncate(ctx, "a", 1); err != nil {
			t.Fatal(err)
		}
		mt := time.Unix(1500000000, 0)
		if err := c.Chtimes(ctx, "a", mt, mt); err != nil {
			t.Fatal(err)
		}
		if err := c.Chown(ctx, "a", os.Getuid(), os.Getgid()); err != nil {
			t.Fatal(err)
		}
		lfi, _ := os.Stat(filepath.Join(dir, "a"))
		if lfi.Mode().Perm() != 0o600 || !lfi.ModTime().Equal(mt) || lfi.Size() != 1 {
			t.Fatalf("local after setstat: %v %v %d", lfi.Mode(), lfi.ModTime(), lfi.Size())
		}

		if err := c.Mkdir(ctx, "d", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := c.Mkdir(ctx, "d", 0o755); !errors.Is(err, fs.ErrExist) {
			t.Fatalf("mkdir existing: %v", err)
		}
		if err := c.MkdirAll(ctx, "d/e/f/g", 0o755); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(filepath.Join(dir, "d/e/f/g")); err != nil || !fi.IsDir() {
			t.Fatal(err)
		}
		if err := c.MkdirAll(ctx, "d/e", 0o755); err != nil {
			t.Fatal(err)
		}

		// Symlinks and hard links.
		if err := c.Symlink(ctx, "a", "ln"); err != nil {
			t.Fatal(err)
		}
		if target, err := c.Readlink(ctx, "ln"); err != nil || target != "a" {
			t.Fatalf("readlink %q %v", target, err)
		}
		if fi, err := c.Lstat(ctx, "ln"); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("lstat %v %v", fi, err)
		}
		if fi, err := c.Stat(ctx, "ln"); err != nil || !fi.Mode().IsRegular() {
			t.Fatalf("stat through link %v %v", fi, err)
		}
		if err := c.Lsetstat(ctx, "ln", &Attributes{Flags: AttrACModTime, ATime: 1400000000, MTime: 1400000000}); err != nil {
			t.Fatal(err)
		}
		if li, _ := os.Lstat(filepath.Join(dir, "ln")); li.ModTime().Unix() != 1400000000 {
			t.Fatalf("lsetstat mtime %v", li.ModTime())
		}
		if err := c.Link(ctx, "a", "hard"); err != nil {
			t.Fatal(err)
		}
		mustEqualFile(t, filepath.Join(dir, "hard"), []byte("a"))

		// Renames.
		os.WriteFile(filepath.Join(dir, "b"), []byte("bbb"), 0o644)
		if err := c.Rename(ctx, "b", "a"); err == nil {
			t.Fatal("rename onto an existing file succeeded")
		}
		if err := c.Rename(ctx, "b", "c"); err != nil {
			t.Fatal(err)
		}
		if err := c.PosixRename(ctx, "c", "a"); err != nil {
			t.Fatal(err)
		}
		mustEqualFile(t, filepath.Join(dir, "a"), []byte("bbb"))

		// Listing.
		for i := 0; i < 1000; i++ {
			os.WriteFile(filepath.Join(dir, "d", fmt.Sprintf("file%04d", i)), nil, 0o644)
		}
		entries, err := c.ReadDir(ctx, "d")
		if err != nil || len(entries) != 1001 {
			t.Fatalf("readdir: %d %v", len(entries), err)
		}
		if entries[0].Name() != "e" || !entries[0].IsDir() || entries[1].Name() != "file0000" {
			t.Fatalf("entries %v %v", entries[0], entries[1])
		}
		matches, err := c.Glob(ctx, "d/file09*")
		if err != nil || len(matches) != 100 || matches[0] != "d/file0900" {
			t.Fatalf("glob: %d %v %v", len(matches), matches[:min(1, len(matches))], err)
		}
		var walked []string
		err = c.WalkDir(ctx, "d/e", func(p string, d fs.DirEntry, err error) error {
			walked = append(walked, p)
			return err
		})
		if err != nil || strings.Join(walked, ",") != "d/e,d/e/f,d/e/f/g" {
			t.Fatalf("walk %v %v", walked, err)
		}

		// RealPath.
		rp, err := c.RealPath(ctx, "d/e/../e/f")
		if err != nil || !strings.HasSuffix(rp, "/d/e/f") || !strings.HasPrefix(rp, "/") {
			t.Fatalf("realpath %q %v", rp, err)
		}

		// Removal.
		if err := c.Remove(ctx, "hard"); err != nil {
			t.Fatal(err)
		}
		if err := c.Rmdir(ctx, "d/e/f/g"); err != nil {
			t.Fatal(err)
		}
		if err := c.Rmdir(ctx, "d"); err == nil {
			t.Fatal("rmdir of a non-empty directory succeeded")
		}
		if err := c.Remove(ctx, "nope"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("remove missing: %v", err)
		}
		if err := c.RemoveAll(ctx, "d"); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, "d")); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("d still exists: %v", err)
		}
	})
}

func TestExtensions(t *testing.T) {
	forEachPeer(t, func(t *testing.T, c *Client, dir string) {
		ctx := context.Background()
		for _, e := range []string{ExtPosixRename, ExtStatVFS, ExtFStatVFS, ExtHardlink, ExtFsync,
			ExtLsetstat, ExtLimits, ExtExpandPath, ExtCopyData, ExtHomeDir, ExtUsersGroups} {
			if !c.HasExtension(e) {
				t.Errorf("extension %s not announced", e)
			}
		}
		if l := c.Limits(); l.MaxReadLength < 32768 || l.MaxPacketLength < 34000 {
			t.Errorf("limits %+v", l)
		}
		vfs, err := c.StatVFS(ctx, ".")
		if err != nil || vfs.Blocks == 0 || vfs.MaxNameLength == 0 {
			t.Fatalf("statvfs %+v %v", vfs, err)
		}
		me, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		home, err := c.HomeDir(ctx, me.Username)
		if err != nil || !strings.HasPrefix(home, "/") {
			t.Fatalf("home %q %v", home, err)
		}
		exp, err := c.ExpandPath(ctx, "~/x")
		if err != nil || !strings.HasPrefix(exp, "/") || !strings.HasSuffix(exp, "/x") {
			t.Fatalf("expand-path %q %v (home %q)", exp, err, home)
		}
		users, groups, err := c.UsersGroupsByID(ctx, []uint32{0, 4000000000}, []uint32{0})
		if err != nil || !slices.Equal(users, []string{"root", ""}) || !slices.Equal(groups, []string{"root"}) {
			t.Fatalf("users-groups %q %q %v", users, groups, err)
		}
		data := randBytes(300000, 3)
		os.WriteFile(filepath.Join(dir, "src"), data, 0o644)
		src, err := c.Open(ctx, "src")
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		dst, err := c.Create(ctx, "dst")
		if err != nil {
			t.Fatal(err)
		}
		if err := c.CopyData(ctx, src, 100, 0, dst, 0); err != nil {
			t.Fatal(err)
		}
		if err := c.CopyData(ctx, src, 0, 10, dst, 1000000); err != nil {
			t.Fatal(err)
		}
		dst.Close()
		want := append(slices.Clone(data[100:]), make([]byte, 1000000-(len(data)-100))...)
		want = append(want, data[:10]...)
		mustEqualFile(t, filepath.Join(dir, "dst"), want)
	})
}

// TestConcurrentUse shares one client among many goroutines; replies
// come back out of order.
func TestConcurrentUse(t *testing.T) {
	forEachPeer(t, func(t *testing.T, c *Client, dir string) {
		data := randBytes(1<<20, 30)
		os.WriteFile(filepath.Join(dir, "f"), data, 0o644)
		ctx := context.Background()
		f, err := c.Open(ctx, "f")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		errs := make(chan error, 32)
		for g := 0; g < 32; g++ {
			go func() {
				buf := make([]byte, 10000)
				for i := 0; i < 20; i++ {
					off := int64((g*7919 + i*104729) % (len(data) - len(buf)))
					if n, err := f.ReadAt(buf, off); err != nil || !bytes.Equal(buf[:n], data[off:off+int64(n)]) {
						errs <- fmt.Errorf("ReadAt %d: %d %v", off, n, err)
						return
					}
					if _, err := c.Stat(ctx, "f"); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for g := 0; g < 32; g++ {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	})
}
