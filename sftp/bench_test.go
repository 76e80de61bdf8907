package sftp

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

const benchSize = 1 << 30

// patternReader yields n bytes of a repeating block.
type patternReader struct {
	block []byte
	left  int64
	pos   int
}

func (r *patternReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		k := copy(p[n:min(len(p), n+int(min(r.left, int64(len(p)))))], r.block[r.pos:])
		r.pos = (r.pos + k) % len(r.block)
		n += k
		r.left -= int64(k)
	}
	return n, nil
}

func benchPeers(b *testing.B) map[string]func(dir string) *Client {
	return map[string]func(dir string) *Client{
		"openssh": func(dir string) *Client { return openSSHClient(b, dir) },
		"ours":    func(dir string) *Client { return dirPair(b, dir) },
	}
}

// BenchmarkDownload1GiB reads a 1 GiB remote file with io.Copy (pipelined
// WriteTo) into io.Discard.
func BenchmarkDownload1GiB(b *testing.B) {
	for name, connect := range benchPeers(b) {
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			writePattern(b, filepath.Join(dir, "f"), benchSize)
			c := connect(dir)
			ctx := context.Background()
			b.SetBytes(benchSize)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f, err := c.Open(ctx, "f")
				if err != nil {
					b.Fatal(err)
				}
				if n, err := io.Copy(io.Discard, f); err != nil || n != benchSize {
					b.Fatal(n, err)
				}
				f.Close()
			}
		})
	}
}

// BenchmarkUpload1GiB writes 1 GiB to a remote file with io.Copy
// (pipelined ReadFrom).
func BenchmarkUpload1GiB(b *testing.B) {
	block := randBytes(1<<20+13, 5)
	for name, connect := range benchPeers(b) {
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			c := connect(dir)
			ctx := context.Background()
			b.SetBytes(benchSize)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f, err := c.Create(ctx, "f")
				if err != nil {
					b.Fatal(err)
				}
				if n, err := io.Copy(f, &patternReader{block: block, left: benchSize}); err != nil || n != benchSize {
					b.Fatal(n, err)
				}
				f.Close()
			}
		})
	}
}

// BenchmarkOpenSSHClientDownload1GiB is the reference: OpenSSH's sftp
// client fetching the same file from sftp-server over pipes (sftp -D),
// into /dev/null.
func BenchmarkOpenSSHClientDownload1GiB(b *testing.B) {
	sftpBin := testpeer.Require(b, "sftp")
	server := testpeer.Require(b, "sftp-server", "/usr/lib/openssh", "/usr/libexec/openssh", "/usr/lib/ssh")
	dir := b.TempDir()
	writePattern(b, filepath.Join(dir, "f"), benchSize)
	batch := filepath.Join(b.TempDir(), "batch")
	os.WriteFile(batch, []byte("get "+filepath.Join(dir, "f")+" /dev/null\n"), 0o644)
	b.SetBytes(benchSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := exec.Command(sftpBin, "-q", "-b", batch, "-D", server).CombinedOutput()
		if err != nil {
			b.Fatalf("%v: %s", err, out)
		}
	}
}

// BenchmarkOpenSSHClientUpload1GiB is the upload reference: OpenSSH's sftp
// client putting a 1 GiB local file to sftp-server (sftp -D).
func BenchmarkOpenSSHClientUpload1GiB(b *testing.B) {
	sftpBin := testpeer.Require(b, "sftp")
	server := testpeer.Require(b, "sftp-server", "/usr/lib/openssh", "/usr/libexec/openssh", "/usr/lib/ssh")
	local, dir := b.TempDir(), b.TempDir()
	writePattern(b, filepath.Join(local, "f"), benchSize)
	batch := filepath.Join(b.TempDir(), "batch")
	os.WriteFile(batch, []byte("put "+filepath.Join(local, "f")+" "+filepath.Join(dir, "f")+"\n"), 0o644)
	b.SetBytes(benchSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := exec.Command(sftpBin, "-q", "-b", batch, "-D", server).CombinedOutput()
		if err != nil {
			b.Fatalf("%v: %s", err, out)
		}
	}
}
