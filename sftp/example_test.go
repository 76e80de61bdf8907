package sftp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/ssh2go/ssh2/sftp"
)

// connect serves dir with a DirHandler over in-memory pipes and returns a
// client for it, standing in for an SSH "sftp" subsystem channel.
func connect(dir string) (*sftp.Client, func()) {
	h, err := sftp.NewDirHandler(dir)
	if err != nil {
		log.Fatal(err)
	}
	cr, sw := io.Pipe()
	sr, cw := io.Pipe()
	done := make(chan struct{})
	go func() {
		(&sftp.Server{Handler: h}).ServePipe(context.Background(), sr, sw)
		sw.Close()
		close(done)
	}()
	c, err := sftp.NewClientPipe(context.Background(), cr, cw)
	if err != nil {
		log.Fatal(err)
	}
	return c, func() { c.Close(); <-done; h.Release() }
}

func Example() {
	dir, _ := os.MkdirTemp("", "sftp-example")
	defer os.RemoveAll(dir)
	c, stop := connect(dir)
	defer stop()
	ctx := context.Background()

	f, err := c.Create(ctx, "/hello.txt")
	if err != nil {
		log.Fatal(err)
	}
	io.Copy(f, strings.NewReader("hello, sftp\n"))
	f.Close()

	fi, err := c.Stat(ctx, "/hello.txt")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(fi.Name(), fi.Size())

	_, err = c.Stat(ctx, "/missing")
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output:
	// hello.txt 12
	// true
}

func ExampleClient_Download() {
	dir, _ := os.MkdirTemp("", "sftp-example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "data.bin"), make([]byte, 1<<20), 0o644)
	c, stop := connect(dir)
	defer stop()

	local := filepath.Join(dir, "copy.bin")
	n, err := c.Download(context.Background(), "/data.bin", local, &sftp.TransferOptions{
		Concurrency: 32,
		Progress:    func(done, total int64) {},
	})
	fmt.Println(n, err)
	// Output: 1048576 <nil>
}

func ExampleClient_DirFS() {
	dir, _ := os.MkdirTemp("", "sftp-example")
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "a/b"), 0o755)
	os.WriteFile(filepath.Join(dir, "a/b/c.txt"), []byte("c"), 0o644)
	c, stop := connect(dir)
	defer stop()

	fs.WalkDir(c.DirFS("/"), ".", func(p string, d fs.DirEntry, err error) error {
		fmt.Println(p, d.IsDir())
		return err
	})
	// Output:
	// . true
	// a true
	// a/b true
	// a/b/c.txt false
}
