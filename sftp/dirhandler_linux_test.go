package sftp

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestChmodViaProc covers chmodAt's path for kernels without fchmodat2
// (before Linux 6.6), which this kernel may not take by itself: it changes
// a file's mode, refuses a symbolic link and leaves its target alone.
func TestChmodViaProc(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("f"), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("f", filepath.Join(dir, "l")); err != nil {
		t.Fatal(err)
	}
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := chmodViaProc(int(d.Fd()), "f", 0o4640); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "f")); fi.Mode() != fs.ModeSetuid|0o640 {
		t.Fatalf("mode %v", fi.Mode())
	}
	if err := chmodViaProc(int(d.Fd()), "l", 0o600); !errors.Is(err, unix.EOPNOTSUPP) {
		t.Fatalf("chmod of a link: %v", err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "f")); fi.Mode() != fs.ModeSetuid|0o640 {
		t.Fatalf("chmod of a link changed its target: %v", fi.Mode())
	}
	if err := chmodViaProc(int(d.Fd()), "missing", 0o600); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("chmod of a missing file: %v", err)
	}
	// What chmodAt returns for a link on this kernel, either way.
	if err := chmodAt(int(d.Fd()), "l", 0o600); !errors.Is(err, unix.EOPNOTSUPP) {
		t.Fatalf("chmodAt of a link: %v", err)
	}
}
