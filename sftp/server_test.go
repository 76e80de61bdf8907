package sftp

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// echoHandler adds a vendor extension to a read-only FS handler.
type echoHandler struct{ *FSHandler }

func (echoHandler) Extensions() []Extension {
	return []Extension{{Name: "echo@example.com", Data: "1"}, {Name: extLimits, Data: "9"}}
}

func (echoHandler) Extended(_ context.Context, name string, data []byte) ([]byte, error) {
	if len(data) == 0 {
		return nil, Status(StatusPermissionDenied, "empty")
	}
	return append([]byte("echo:"), data...), nil
}

func TestServerExtendedHandler(t *testing.T) {
	c := pipePair(t, &Server{Handler: echoHandler{NewFSHandler(fstest.MapFS{})}})
	if !c.HasExtension("echo@example.com") {
		t.Fatalf("extensions %v", c.Extensions())
	}
	if v := c.Extensions()[extLimits]; v != "1" {
		t.Fatalf("handler overrode a known extension: %q", v)
	}
	ctx := context.Background()
	var got []byte
	r := &request{typ: fxpExtended, ext: "echo@example.com", extData: []byte("hi")}
	if err := c.expectExtReply(ctx, r, func(d *decoder) { got = append(got, d.take(len(d.b))...) }); err != nil || string(got) != "echo:hi" {
		t.Fatalf("%q %v", got, err)
	}
	r = &request{typ: fxpExtended, ext: "echo@example.com"}
	if err := c.expectExtReply(ctx, r, func(*decoder) {}); !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("status from handler: %v", err)
	}
	// Extensions the handler lacks are refused by the client up front.
	if err := c.PosixRename(ctx, "a", "b"); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("posix-rename on a handler without it: %v", err)
	}
}

// TestServerClosesLeftHandles checks handles a client leaves open are
// closed when its session ends.
func TestServerClosesLeftHandles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644)
	h, err := NewDirHandler(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	cr, sw := io.Pipe()
	sr, cw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- (&Server{Handler: h}).ServePipe(context.Background(), sr, sw)
		sw.Close()
	}()
	c, err := NewClientPipe(context.Background(), cr, cw)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if _, err := c.Open(ctx, "f"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.OpenDir(ctx, "/"); err != nil {
		t.Fatal(err)
	}
	open := h.len()
	if open != 6 {
		t.Fatalf("%d handles open, want 6", open)
	}
	c.Close()
	if err := <-done; err != nil {
		t.Logf("server: %v", err)
	}
	n := h.len()
	if n != 0 {
		t.Fatalf("%d handles left open after the session ended", n)
	}
}

// TestClientRespectsHandleLimit checks the client refuses to open more
// handles than limits@openssh.com announced, and counts closes.
func TestClientRespectsHandleLimit(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644)
	h, err := NewDirHandler(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	c := pipePair(t, &Server{Handler: h, MaxHandles: 3})
	ctx := context.Background()
	if got := c.Limits().MaxOpenHandles; got != 3 {
		t.Fatalf("limit %d", got)
	}
	var files []*File
	for i := 0; i < 3; i++ {
		f, err := c.Open(ctx, "f")
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if _, err := c.Open(ctx, "f"); !errors.Is(err, ErrTooManyHandles) {
		t.Fatalf("fourth open: %v", err)
	}
	files[0].Close()
	f, err := c.Open(ctx, "f")
	if err != nil {
		t.Fatalf("open after a close: %v", err)
	}
	f.Close()
}

// blockingOpen holds Open until released and reports Close calls.
type blockingOpen struct {
	*FSHandler
	entered chan struct{}
	release chan struct{}
	closed  chan string
}

func (h *blockingOpen) Open(ctx context.Context, p string, fl uint32, a *Attributes) (string, error) {
	h.entered <- struct{}{}
	<-h.release
	return h.FSHandler.Open(ctx, p, fl, a)
}

func (h *blockingOpen) Close(ctx context.Context, hd string) error {
	h.closed <- hd
	return h.FSHandler.Close(ctx, hd)
}

// TestAbandonedOpenIsClosed cancels an Open while the server works on it;
// the handle that arrives later must be closed by the client.
func TestAbandonedOpenIsClosed(t *testing.T) {
	h := &blockingOpen{
		FSHandler: NewFSHandler(fstest.MapFS{"f": {Data: []byte("x")}}),
		entered:   make(chan struct{}), release: make(chan struct{}), closed: make(chan string, 1),
	}
	c := pipePair(t, &Server{Handler: h})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := c.Open(ctx, "f")
		errc <- err
	}()
	<-h.entered
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("open: %v", err)
	}
	close(h.release)
	if hd := <-h.closed; hd == "" {
		t.Fatal("empty handle closed")
	}
	if _, err := c.Stat(context.Background(), "f"); err != nil {
		t.Fatal(err)
	}
}
