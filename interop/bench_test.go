package interop

// Side-by-side benchmarks of ssh2 and x/crypto/ssh over loopback TCP, both
// ends in this process. Run with scripts/bench.sh, or e.g.
//
//	go test -run '^$' -bench Bulk -benchtime 1024x   # 1 GiB per case
//
// Figures: MB/s, cpu-s/GiB (both ends together, from getrusage),
// allocs/packet (heap allocations per 32 KiB data packet, both ends).

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/ssh2go/ssh2"
	xssh "golang.org/x/crypto/ssh"
)

const mib = 1 << 20

var benchCiphers = []string{"aes128-gcm@openssh.com", "chacha20-poly1305@openssh.com"}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// bulkRun transfers b.N MiB and reports the shared metrics.
func bulkRun(b *testing.B, transfer func(n int64) error) {
	b.SetBytes(mib)
	b.ReportAllocs()
	runtime.GC()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0 := cpuTime()
	b.ResetTimer()
	if err := transfer(int64(b.N) * mib); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&ms1)
	gib := float64(b.N) / 1024
	b.ReportMetric(cpu.Seconds()/gib, "cpu-s/GiB")
	packets := float64(b.N) * mib / (32 << 10)
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/packets, "allocs/packet")
}

func BenchmarkBulk(b *testing.B) {
	host, user := newKeyPair(b), newKeyPair(b)
	for _, c := range benchCiphers {
		ours := ssh2.Config{Ciphers: []string{c}}
		theirs := xssh.Config{Ciphers: []string{c}}
		for _, dir := range []string{"upload", "download"} {
			b.Run(fmt.Sprintf("ssh2/%s/%s", c, dir), func(b *testing.B) {
				cl := dialOurs(b, startOurServer(b, host, user, ours), host, user, ours)
				defer cl.Close()
				bulkRun(b, func(n int64) error { return oursTransfer(cl, dir, n) })
			})
			b.Run(fmt.Sprintf("xcrypto/%s/%s", c, dir), func(b *testing.B) {
				cl := dialX(b, startXServer(b, host, user, theirs), host, user, theirs)
				defer cl.Close()
				bulkRun(b, func(n int64) error { return xTransfer(cl, dir, n) })
			})
		}
	}
}

func oursTransfer(c *ssh2.Client, dir string, n int64) error {
	ctx := context.Background()
	if dir == "upload" {
		ch, err := c.Exec(ctx, "sink", nil)
		if err != nil {
			return err
		}
		defer ch.Close()
		if _, err := io.CopyN(ch, zeroReader{}, n); err != nil {
			return err
		}
		ch.CloseWrite()
		return ch.Wait()
	}
	ch, err := c.Exec(ctx, fmt.Sprintf("source %d", n), nil)
	if err != nil {
		return err
	}
	defer ch.Close()
	got, err := io.Copy(io.Discard, ch)
	if err == nil && got != n {
		err = fmt.Errorf("read %d of %d bytes", got, n)
	}
	return err
}

func xTransfer(c *xssh.Client, dir string, n int64) error {
	s, err := c.NewSession()
	if err != nil {
		return err
	}
	defer s.Close()
	if dir == "upload" {
		w, err := s.StdinPipe()
		if err != nil {
			return err
		}
		if err := s.Start("sink"); err != nil {
			return err
		}
		if _, err := io.CopyN(w, zeroReader{}, n); err != nil {
			return err
		}
		w.Close()
		return s.Wait()
	}
	r, err := s.StdoutPipe()
	if err != nil {
		return err
	}
	if err := s.Start(fmt.Sprintf("source %d", n)); err != nil {
		return err
	}
	got, err := io.Copy(io.Discard, r)
	if err == nil && got != n {
		err = fmt.Errorf("read %d of %d bytes", got, n)
	}
	return err
}

// BenchmarkHandshake measures connect + key exchange + publickey auth +
// close with each library's default algorithms.
func BenchmarkHandshake(b *testing.B) {
	host, user := newKeyPair(b), newKeyPair(b)
	b.Run("ssh2", func(b *testing.B) {
		addr := startOurServer(b, host, user, ssh2.Config{})
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			dialOurs(b, addr, host, user, ssh2.Config{}).Close()
		}
	})
	b.Run("xcrypto", func(b *testing.B) {
		addr := startXServer(b, host, user, xssh.Config{})
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			dialX(b, addr, host, user, xssh.Config{}).Close()
		}
	})
}
