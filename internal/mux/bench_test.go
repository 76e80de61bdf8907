package mux

import (
	"context"
	"io"
	"sync"
	"testing"
)

// direct hands each packet straight to the other mux's HandlePacket on the
// writing goroutine, with no copy beyond one reused buffer, so allocation
// counts show the mux's own cost. A mutex keeps HandlePacket calls to one
// mux serial, as a single reader goroutine would.
type direct struct {
	mu  sync.Mutex
	to  *Mux
	buf []byte
}

func (d *direct) WritePacket(hdr, body []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.buf = append(append(d.buf[:0], hdr...), body...)
	return d.to.HandlePacket(d.buf)
}

// directPair returns a channel from a to b over direct writers.
func directPair(tb testing.TB) (ca, cb *Channel, cleanup func()) {
	tb.Helper()
	da, db := &direct{}, &direct{}
	var got *Channel
	a := New(da, Config{})
	b := New(db, Config{OnChannelOpen: func(n *NewChannel) {
		c, err := n.Accept()
		if err != nil {
			tb.Error(err)
		}
		got = c
	}})
	da.to, db.to = b, a
	ca, err := a.OpenChannel(context.Background(), "session", nil)
	if err != nil {
		tb.Fatal(err)
	}
	return ca, got, func() { a.Close(nil); b.Close(nil) }
}

// TestZeroAllocsPerPacket checks that a steady-state round of one full
// data packet each way, with the window adjusts it causes, allocates
// nothing.
func TestZeroAllocsPerPacket(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	ca, cb, done := directPair(t)
	defer done()
	buf := make([]byte, DefaultMaxPacket)
	out := make([]byte, DefaultMaxPacket)
	round := func() {
		if _, err := ca.Write(buf); err != nil {
			t.Fatal(err)
		}
		if n, err := io.ReadFull(cb, out); err != nil || n != len(out) {
			t.Fatal(n, err)
		}
		if _, err := cb.Stderr().Write(buf[:1000]); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(ca.Stderr(), out[:1000]); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 200; i++ { // warm the pools
		round()
	}
	if a := testing.AllocsPerRun(1000, round); a != 0 {
		t.Fatalf("%.2f allocations per round", a)
	}
	// Drained buffers hold no chunks.
	for _, c := range []*Channel{ca, cb} {
		if c.stdout.head != nil || c.stderr.head != nil {
			t.Fatal("a drained buffer kept its chunks")
		}
	}
}

// BenchmarkDirectPacket measures one 32 KiB packet through a pair of
// muxes, synchronously; allocs/op must be 0.
func BenchmarkDirectPacket(b *testing.B) {
	ca, cb, done := directPair(b)
	defer done()
	buf := make([]byte, DefaultMaxPacket)
	out := make([]byte, DefaultMaxPacket)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ca.Write(buf)
		io.ReadFull(cb, out)
	}
}

// BenchmarkThroughput streams through a pair of muxes with a writer and a
// reader goroutine, as on a real connection.
func BenchmarkThroughput(b *testing.B) {
	ca, cb, done := directPair(b)
	defer done()
	const chunk = 256 << 10
	buf := make([]byte, chunk)
	b.SetBytes(chunk)
	b.ReportAllocs()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		out := make([]byte, chunk)
		for i := 0; i < b.N; i++ {
			if _, err := io.ReadFull(cb, out); err != nil {
				b.Error(err)
				return
			}
		}
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ca.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	wg.Wait()
}
