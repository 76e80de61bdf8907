//go:build linux

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestGetPreserves checks get -p: the local copy gets the remote file's
// permission bits and modification (and access) time, one file or a tree
// with -r, directories included; without -p it gets neither.
func TestGetPreserves(t *testing.T) {
	h := startSSHD(t)
	remote, local := t.TempDir(), t.TempDir()
	mtime, atime := time.Unix(1000000000, 0), time.Unix(1100000000, 0)
	data := randBytes(100000+3, 5)
	type entry struct {
		name string
		mode os.FileMode
	}
	tree := []entry{{"f.bin", 0o640}, {"odd.bin", 0o751}, {"d/inner.bin", 0o604}}
	if err := os.Mkdir(filepath.Join(remote, "d"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, e := range tree {
		p := filepath.Join(remote, e.name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, e.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, atime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	dirTime := time.Unix(900000000, 0)
	if err := os.Chtimes(filepath.Join(remote, "d"), dirTime, dirTime); err != nil {
		t.Fatal(err)
	}

	out, errs, code := h.run(t, local, ":"+remote,
		"get -p f.bin",
		"get -p odd.bin odd-copy.bin",
		"get f.bin plain.bin",
		"get -pr d",
	)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	check := func(name string, mode os.FileMode, mt, at time.Time) {
		t.Helper()
		p := filepath.Join(local, name)
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != mode {
			t.Errorf("%s: mode %v, want %v", name, fi.Mode(), mode)
		}
		if !fi.ModTime().Equal(mt) {
			t.Errorf("%s: mtime %v, want %v", name, fi.ModTime(), mt)
		}
		if got := time.Unix(fi.Sys().(*syscall.Stat_t).Atim.Unix()); !got.Equal(at) {
			t.Errorf("%s: atime %v, want %v", name, got, at)
		}
		if !fi.IsDir() {
			mustEqualFile(t, p, data)
		}
	}
	check("f.bin", 0o640, mtime, atime)
	check("odd-copy.bin", 0o751, mtime, atime)
	check("d/inner.bin", 0o604, mtime, atime)
	check("d", os.ModeDir|0o700, dirTime, dirTime)

	// Without -p: a new file with the default mode, written just now.
	fi, err := os.Stat(filepath.Join(local, "plain.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.ModTime().Equal(mtime) || fi.Mode().Perm() == 0o640 {
		t.Errorf("get without -p preserved: mode %v mtime %v", fi.Mode(), fi.ModTime())
	}
}
