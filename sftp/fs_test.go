package sftp

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func writeTree(t *testing.T, dir string) {
	t.Helper()
	for name, data := range map[string]string{
		"a.txt":         "alpha",
		"sub/b.txt":     "bravo",
		"sub/deep/c.go": "package c",
		"empty/.keep":   "",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDirFS(t *testing.T) {
	forEachPeer(t, func(t *testing.T, c *Client, dir string) {
		writeTree(t, dir)
		fsys := c.DirFS(".")
		if err := fstest.TestFS(fsys, "a.txt", "sub/b.txt", "sub/deep/c.go", "empty/.keep"); err != nil {
			t.Fatal(err)
		}
		sub, err := fsys.Sub("sub")
		if err != nil {
			t.Fatal(err)
		}
		if err := fstest.TestFS(sub, "b.txt", "deep/c.go"); err != nil {
			t.Fatal(err)
		}
		if _, err := fsys.Open("../a.txt"); err == nil {
			t.Fatal("opened ../a.txt through the FS")
		}
	})
}

func TestFSHandler(t *testing.T) {
	mfs := fstest.MapFS{
		"hello.txt":     {Data: []byte("hello, world"), Mode: 0o644},
		"dir/big.bin":   {Data: randBytes(40000, 7), Mode: 0o600},
		"dir/inner/x":   {Data: []byte("x")},
		"dir/inner/y.y": {Data: []byte("yy")},
	}
	c := pipePair(t, &Server{Handler: NewFSHandler(mfs)})
	if err := fstest.TestFS(c.DirFS("/"), "hello.txt", "dir/big.bin", "dir/inner/x", "dir/inner/y.y"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Create(ctx, "new"); err == nil {
		t.Fatal("created a file on a read-only FS")
	}
	if err := c.Mkdir(ctx, "d", 0o755); err == nil {
		t.Fatal("mkdir on a read-only FS")
	}
	big := randBytes(3<<20+5, 8)
	c2 := pipePair(t, &Server{Handler: NewFSHandler(fstest.MapFS{"big": {Data: big}})})
	b, err := c2.DirFS("/").ReadFile("big")
	if err != nil || string(b) != string(big) {
		t.Fatalf("ReadFile: %d bytes, %v", len(b), err)
	}
}
