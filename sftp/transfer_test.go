package sftp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

func TestDownloadUpload(t *testing.T) {
	data := randBytes(7<<20+333, 20)
	forEachPeer(t, func(t *testing.T, c *Client, dir string) {
		ctx := context.Background()
		local := t.TempDir()
		src := filepath.Join(local, "src")
		os.WriteFile(src, data, 0o751)
		mt := time.Unix(1234567890, 0)
		os.Chtimes(src, mt, mt)

		var calls int
		var last, lastTotal int64
		n, err := c.Upload(ctx, src, "up", &TransferOptions{
			Concurrency: 16, ChunkSize: 50000, Preserve: true,
			Progress: func(done, total int64) { calls++; last, lastTotal = done, total },
		})
		if err != nil || n != int64(len(data)) {
			t.Fatal(n, err)
		}
		mustEqualFile(t, filepath.Join(dir, "up"), data)
		if calls < len(data)/50000 || last != int64(len(data)) || lastTotal != int64(len(data)) {
			t.Errorf("progress: %d calls, last %d/%d", calls, last, lastTotal)
		}
		fi, _ := os.Stat(filepath.Join(dir, "up"))
		if fi.Mode().Perm() != 0o751 || !fi.ModTime().Equal(mt) {
			t.Errorf("preserve: %v %v", fi.Mode(), fi.ModTime())
		}

		dst := filepath.Join(local, "dst")
		n, err = c.Download(ctx, "up", dst, &TransferOptions{Preserve: true})
		if err != nil || n != int64(len(data)) {
			t.Fatal(n, err)
		}
		mustEqualFile(t, dst, data)
		if fi, _ := os.Stat(dst); fi.Mode().Perm() != 0o751 || !fi.ModTime().Equal(mt) {
			t.Errorf("download preserve: %v %v", fi.Mode(), fi.ModTime())
		}

		// Resume both ways from a partial copy.
		os.WriteFile(dst, data[:1<<20+17], 0o644)
		if n, err := c.Download(ctx, "up", dst, &TransferOptions{Resume: true}); err != nil || n != int64(len(data)-(1<<20+17)) {
			t.Fatalf("resume download: %d %v", n, err)
		}
		mustEqualFile(t, dst, data)
		os.WriteFile(filepath.Join(dir, "up2"), data[:3<<20], 0o644)
		if n, err := c.Upload(ctx, src, "up2", &TransferOptions{Resume: true}); err != nil || n != int64(len(data)-(3<<20)) {
			t.Fatalf("resume upload: %d %v", n, err)
		}
		mustEqualFile(t, filepath.Join(dir, "up2"), data)

		// Empty files.
		os.WriteFile(filepath.Join(local, "empty"), nil, 0o644)
		if n, err := c.Upload(ctx, filepath.Join(local, "empty"), "empty", nil); err != nil || n != 0 {
			t.Fatal(n, err)
		}
		if n, err := c.Download(ctx, "empty", filepath.Join(local, "empty2"), nil); err != nil || n != 0 {
			t.Fatal(n, err)
		}
		mustEqualFile(t, filepath.Join(local, "empty2"), nil)

		// Cancellation stops a transfer promptly and leaves the client usable.
		cctx, cancel := context.WithCancel(ctx)
		_, err = c.Download(cctx, "up", filepath.Join(local, "cancelled"), &TransferOptions{
			ChunkSize: 4096, Concurrency: 4,
			Progress: func(done, total int64) {
				if done > 100000 {
					cancel()
				}
			},
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled download: %v", err)
		}
		if _, err := c.Stat(ctx, "up"); err != nil {
			t.Fatalf("client unusable after cancel: %v", err)
		}
	})
}

func TestContextCancelBeforeReply(t *testing.T) {
	c := dirPair(t, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Stat(ctx, "."); !errors.Is(err, context.Canceled) && err != nil {
		t.Fatalf("stat with cancelled ctx: %v", err)
	}
	if _, err := c.Stat(context.Background(), "."); err != nil {
		t.Fatal(err)
	}
}

func TestClientClose(t *testing.T) {
	c := dirPair(t, t.TempDir())
	f, err := c.Create(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("a")); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after client close: %v", err)
	}
	if _, err := c.Stat(context.Background(), "x"); !errors.Is(err, ErrClosed) {
		t.Fatalf("stat after close: %v", err)
	}
	if err := c.Wait(); err != nil {
		t.Fatalf("wait: %v", err)
	}
}

// TestGiB moves 1 GiB each way against OpenSSH's sftp-server.
func TestGiB(t *testing.T) {
	if testing.Short() {
		t.Skip("1 GiB transfer")
	}
	dir := t.TempDir()
	local := t.TempDir()
	c := openSSHClient(t, dir)
	ctx := context.Background()
	const size = 1 << 30
	src := filepath.Join(local, "src")
	writePattern(t, src, size)
	if n, err := c.Upload(ctx, src, "gib", nil); err != nil || n != size {
		t.Fatal(n, err)
	}
	sameFiles(t, src, filepath.Join(dir, "gib"))
	dst := filepath.Join(local, "dst")
	if n, err := c.Download(ctx, "gib", dst, nil); err != nil || n != size {
		t.Fatal(n, err)
	}
	sameFiles(t, src, dst)
}

// writePattern writes size pseudo-random bytes to p.
func writePattern(t testing.TB, p string, size int64) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	block := randBytes(1<<20+13, 99) // not a power of two: offsets show
	var w int64
	for w < size {
		k := min(int64(len(block)), size-w)
		if _, err := f.Write(block[:k]); err != nil {
			t.Fatal(err)
		}
		w += k
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// sameFiles compares two files byte for byte.
func sameFiles(t testing.TB, a, b string) {
	t.Helper()
	fa, err := os.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer fa.Close()
	fb, err := os.Open(b)
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	ba, bb := make([]byte, 1<<20), make([]byte, 1<<20)
	var off int64
	for {
		na, ea := io.ReadFull(fa, ba)
		nb, eb := io.ReadFull(fb, bb)
		if na != nb || string(ba[:na]) != string(bb[:nb]) {
			t.Fatalf("%s and %s differ near offset %d", a, b, off)
		}
		off += int64(na)
		if ea != nil || eb != nil {
			if (ea == nil) != (eb == nil) {
				t.Fatalf("lengths differ at %d", off)
			}
			return
		}
	}
}

// atLeastConn is a stream that offers ReadAtLeast, as an SSH channel can,
// and counts the bytes the client took through it.
type atLeastConn struct {
	net.Conn
	calls, bytes atomic.Int64
}

func (c *atLeastConn) ReadAtLeast(p []byte, min int) (int, error) {
	c.calls.Add(1)
	n, err := io.ReadAtLeast(c.Conn, p, min)
	c.bytes.Add(int64(n))
	return n, err
}

// TestReadAtLeastPayloads checks that DATA payloads go through the
// stream's ReadAtLeast when it has one, byte-exact on every read path:
// Download, WriteTo (io.Copy) and ReadAt.
func TestReadAtLeastPayloads(t *testing.T) {
	dir := t.TempDir()
	var conn *atLeastConn
	c := openSSHClientWrap(t, dir, func(nc net.Conn) io.ReadWriteCloser {
		conn = &atLeastConn{Conn: nc}
		return conn
	}, WithChunkSize(100000))
	ctx := context.Background()
	data := randBytes(3<<20+4321, 7)
	if err := os.WriteFile(filepath.Join(dir, "src"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "dst")
	if n, err := c.Download(ctx, "src", dst, nil); err != nil || n != int64(len(data)) {
		t.Fatal(n, err)
	}
	mustEqualFile(t, dst, data)
	if conn.calls.Load() == 0 || conn.bytes.Load() < int64(len(data))/2 {
		t.Fatalf("ReadAtLeast: %d calls, %d bytes; want most of the %d bytes", conn.calls.Load(), conn.bytes.Load(), len(data))
	}
	f, err := c.Open(ctx, "src")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if n, err := io.Copy(&buf, f); err != nil || n != int64(len(data)) || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("io.Copy: %d bytes, %v; equal %v", n, err, bytes.Equal(buf.Bytes(), data))
	}
	p := make([]byte, 200001)
	if n, err := f.ReadAt(p, 12345); err != nil || n != len(p) || !bytes.Equal(p, data[12345:12345+len(p)]) {
		t.Fatalf("ReadAt: %d, %v", n, err)
	}
}

// TestMaxInFlight checks the in-flight bound: concurrency is lowered to
// fit it, never below one request, and transfers stay byte-exact.
func TestMaxInFlight(t *testing.T) {
	dir := t.TempDir()
	c := openSSHClient(t, dir, WithChunkSize(40000), WithMaxInFlight(100000))
	for _, tc := range []struct{ conc, chunk, want int }{
		{64, 40000, 2}, {2, 40000, 2}, {1, 40000, 1}, {64, 300000, 1}, {64, 1000, 64},
	} {
		if got := c.inflightConcurrency(tc.conc, tc.chunk); got != tc.want {
			t.Errorf("inflightConcurrency(%d, %d) = %d, want %d", tc.conc, tc.chunk, got, tc.want)
		}
	}
	ctx := context.Background()
	data := randBytes(1<<20+777, 3)
	src, dst := filepath.Join(t.TempDir(), "src"), filepath.Join(t.TempDir(), "dst")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Upload(ctx, src, "f", nil); err != nil || n != int64(len(data)) {
		t.Fatal(n, err)
	}
	mustEqualFile(t, filepath.Join(dir, "f"), data)
	if n, err := c.Download(ctx, "f", dst, nil); err != nil || n != int64(len(data)) {
		t.Fatal(n, err)
	}
	mustEqualFile(t, dst, data)
}
