package mux

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// stream is a deterministic pseudo-random byte stream, so a receiver can
// check every byte without keeping a copy.
type stream struct{ r *rand.Rand }

func newStream(seed int64) *stream { return &stream{rand.New(rand.NewSource(seed))} }

func (s *stream) fill(p []byte) { s.r.Read(p) }

// sendStream writes total bytes of stream seed in random-sized writes.
func sendStream(w io.Writer, seed int64, total int, maxWrite int) error {
	src := newStream(seed)
	sizes := rand.New(rand.NewSource(seed + 1))
	buf := make([]byte, maxWrite)
	for total > 0 {
		n := min(1+sizes.Intn(maxWrite), total)
		src.fill(buf[:n])
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
		total -= n
	}
	return nil
}

// checkStream reads r to EOF and checks it is exactly total bytes of
// stream seed, using random-sized reads.
func checkStream(r io.Reader, seed int64, total int) error {
	want := newStream(seed)
	sizes := rand.New(rand.NewSource(seed + 2))
	buf := make([]byte, 100<<10)
	exp := make([]byte, len(buf))
	got := 0
	for {
		n, err := r.Read(buf[:1+sizes.Intn(len(buf))])
		if n > 0 {
			if got+n > total {
				return fmt.Errorf("read %d bytes past the expected %d", got+n-total, total)
			}
			want.fill(exp[:n])
			if !bytes.Equal(buf[:n], exp[:n]) {
				return fmt.Errorf("data differs in bytes %d..%d", got, got+n)
			}
			got += n
		}
		if err == io.EOF {
			if got != total {
				return fmt.Errorf("EOF after %d of %d bytes", got, total)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("after %d bytes: %w", got, err)
		}
	}
}

func TestBulkBidirectional(t *testing.T) {
	total := 64 << 20
	if testing.Short() {
		total = 8 << 20
	}
	accept, accepted := acceptAll(ChannelConfig{})
	p := newPair(t, Config{}, Config{OnChannelOpen: accept})
	ca, cb := openPair(t, p, accepted, ChannelConfig{})

	var wg sync.WaitGroup
	errs := make(chan error, 4)
	run := func(f func() error) {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- f() }()
	}
	run(func() error {
		if err := sendStream(ca, 1, total, 100<<10); err != nil {
			return err
		}
		return ca.CloseWrite()
	})
	run(func() error {
		if err := sendStream(cb, 2, total, 70<<10); err != nil {
			return err
		}
		return cb.CloseWrite()
	})
	run(func() error { return checkStream(cb, 1, total) })
	run(func() error { return checkStream(ca, 2, total) })
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if ea, eb := p.errors(); ea != nil || eb != nil {
		t.Fatal(ea, eb)
	}
}

func TestStderrSeparation(t *testing.T) {
	accept, accepted := acceptAll(ChannelConfig{})
	p := newPair(t, Config{}, Config{OnChannelOpen: accept})
	ca, cb := openPair(t, p, accepted, ChannelConfig{})
	const total = 3 << 20
	errs := make(chan error, 3)
	go func() {
		// Interleave stdout and stderr writes from one goroutine.
		out, errw := newStream(10), newStream(20)
		buf := make([]byte, 5000)
		for sent := 0; sent < total; sent += len(buf) {
			out.fill(buf)
			if _, err := cb.Write(buf); err != nil {
				errs <- err
				return
			}
			errw.fill(buf)
			if _, err := cb.Stderr().Write(buf); err != nil {
				errs <- err
				return
			}
		}
		errs <- cb.CloseWrite()
	}()
	want := (total + 4999) / 5000 * 5000
	go func() { errs <- checkStream(ca, 10, want) }()
	go func() { errs <- checkStream(ca.Stderr(), 20, want) }()
	for i := 0; i < 3; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func TestDiscardStderr(t *testing.T) {
	accept, accepted := acceptAll(ChannelConfig{})
	p := newPair(t, Config{WindowSize: 64 << 10}, Config{OnChannelOpen: accept})
	ca, cb := openPair(t, p, accepted, ChannelConfig{WindowSize: 64 << 10, DiscardStderr: true})
	// Far more stderr than the window: it must not stall stdout.
	go func() {
		junk := make([]byte, 1<<20)
		cb.Stderr().Write(junk)
		cb.Write([]byte("done"))
		cb.CloseWrite()
	}()
	got, err := io.ReadAll(ca)
	if err != nil || string(got) != "done" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := ca.Stderr().Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("stderr read: %v", err)
	}
}

func TestEOFEachDirection(t *testing.T) {
	accept, accepted := acceptAll(ChannelConfig{})
	p := newPair(t, Config{}, Config{OnChannelOpen: accept})
	ca, cb := openPair(t, p, accepted, ChannelConfig{})
	if _, err := ca.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if err := ca.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if _, err := ca.Write([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after CloseWrite: %v", err)
	}
	got, err := io.ReadAll(cb)
	if err != nil || string(got) != "ping" {
		t.Fatalf("%q %v", got, err)
	}
	if n, err := cb.Read(make([]byte, 4)); n != 0 || err != io.EOF {
		t.Fatalf("read after EOF again: %d %v", n, err)
	}
	// b may still write back.
	if _, err := cb.Write([]byte("pong")); err != nil {
		t.Fatal(err)
	}
	cb.CloseWrite()
	got, err = io.ReadAll(ca)
	if err != nil || string(got) != "pong" {
		t.Fatalf("%q %v", got, err)
	}
	ca.Close()
	cb.Close()
	barrier(t, p.a)
	if p.a.NumChannels() != 0 || p.b.NumChannels() != 0 {
		t.Fatal("channels not released")
	}
}

func TestCloseWakesBlocked(t *testing.T) {
	for _, peer := range []bool{false, true} {
		t.Run(fmt.Sprintf("peer=%v", peer), func(t *testing.T) {
			accept, accepted := acceptAll(ChannelConfig{WindowSize: 1000})
			p := newPair(t, Config{}, Config{OnChannelOpen: accept})
			ca, cb := openPair(t, p, accepted, ChannelConfig{})
			// a blocks in Read (nothing to read) and in Write (b's window
			// of 1000 is full and b never reads).
			rd := make(chan error, 1)
			go func() { _, err := ca.Read(make([]byte, 10)); rd <- err }()
			wr := make(chan error, 1)
			wn := make(chan int, 1)
			go func() { n, err := ca.Write(make([]byte, 5000)); wn <- n; wr <- err }()
			for {
				<-p.delivered
				cb.mu.Lock()
				full := cb.localWindow == 0
				cb.mu.Unlock()
				if full {
					break
				}
			}
			if peer {
				cb.Close()
				if err := <-rd; err != io.EOF {
					t.Fatalf("read after peer close: %v", err)
				}
				if err := <-wr; !errors.Is(err, ErrClosed) {
					t.Fatalf("write after peer close: %v", err)
				}
			} else {
				ca.Close()
				if err := <-rd; !errors.Is(err, ErrClosed) || !errors.Is(err, net.ErrClosed) {
					t.Fatalf("read after local close: %v", err)
				}
				if err := <-wr; !errors.Is(err, ErrClosed) {
					t.Fatalf("write after local close: %v", err)
				}
			}
			if n := <-wn; n != 1000 {
				t.Fatalf("wrote %d bytes into a window of 1000", n)
			}
		})
	}
}

func TestConnectionLossWakesBlocked(t *testing.T) {
	accept, accepted := acceptAll(ChannelConfig{})
	p := newPair(t, Config{}, Config{OnChannelOpen: accept})
	ca, cb := openPair(t, p, accepted, ChannelConfig{})
	cb.Write([]byte("tail"))
	barrier(t, p.b)
	rd := make(chan error, 1)
	go func() {
		buf := make([]byte, 10)
		n, _ := ca.Read(buf)
		if string(buf[:n]) != "tail" {
			rd <- fmt.Errorf("got %q", buf[:n])
			return
		}
		_, err := ca.Read(buf)
		rd <- err
	}()
	req := make(chan error, 1)
	go func() {
		// b never answers: no handler means FAILURE, so use a handler
		// that keeps the request.
		_, err := ca.SendRequest(context.Background(), "hang", true, nil)
		req <- err
	}()
	boom := errors.New("connection lost")
	cb.SetRequestHandler(func(*ChannelRequest) {})
	p.shutdown(boom)
	if err := <-rd; !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if err := <-req; err == nil {
		t.Fatal("request survived connection loss")
	}
	if _, err := ca.Write([]byte("x")); !errors.Is(err, boom) {
		t.Fatalf("write: %v", err)
	}
}

func TestWindowBoundsReceiver(t *testing.T) {
	const window = 64 << 10
	accept, accepted := acceptAll(ChannelConfig{WindowSize: window, MaxPacket: 8 << 10})
	p := newPair(t, Config{}, Config{OnChannelOpen: accept})
	ca, cb := openPair(t, p, accepted, ChannelConfig{})
	var maxBuffered int
	var mu sync.Mutex
	onB := func() {
		cb.mu.Lock()
		n := cb.stdout.Len()
		cb.mu.Unlock()
		mu.Lock()
		maxBuffered = max(maxBuffered, n)
		mu.Unlock()
	}
	p.onB.Store(&onB)
	const total = 1 << 20
	done := make(chan error, 1)
	go func() {
		err := sendStream(ca, 5, total, 20000)
		if err == nil {
			err = ca.CloseWrite()
		}
		done <- err
	}()
	// b does not read: wait until the whole window is buffered.
	for {
		<-p.delivered
		cb.mu.Lock()
		full := cb.localWindow == 0
		cb.mu.Unlock()
		if full {
			break
		}
	}
	select {
	case err := <-done:
		t.Fatalf("writer finished with the receiver not reading: %v", err)
	default:
	}
	p.aw.mu.Lock()
	sent := p.aw.dataBytes
	p.aw.mu.Unlock()
	if sent != window {
		t.Fatalf("sender put %d bytes on the wire, window is %d", sent, window)
	}
	// Now read everything; the writer completes.
	if err := checkStream(cb, 5, total); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if maxBuffered > window {
		t.Fatalf("receiver buffered %d bytes, window %d", maxBuffered, window)
	}
	if maxBuffered != window {
		t.Fatalf("receiver never filled its window (max %d)", maxBuffered)
	}
}

func TestDeadlines(t *testing.T) {
	accept, accepted := acceptAll(ChannelConfig{WindowSize: 100})
	p := newPair(t, Config{}, Config{OnChannelOpen: accept})
	ca, _ := openPair(t, p, accepted, ChannelConfig{})

	// A deadline in the past fails at once.
	ca.SetReadDeadline(time.Now().Add(-time.Second))
	_, err := ca.Read(make([]byte, 1))
	var ne net.Error
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read past deadline: %v", err)
	}
	// Clearing it makes reads block again; moving it wakes a blocked read.
	ca.SetReadDeadline(time.Time{})
	rd := make(chan error, 1)
	go func() { _, err := ca.Read(make([]byte, 1)); rd <- err }()
	ca.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if err := <-rd; !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("blocked read: %v", err)
	}
	// A blocked read with no deadline is released by setting one now.
	ca.SetReadDeadline(time.Time{})
	go func() { _, err := ca.Read(make([]byte, 1)); rd <- err }()
	ca.SetDeadline(time.Now())
	if err := <-rd; !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read released by SetDeadline: %v", err)
	}

	// Write blocks on b's window of 100; the deadline ends it with the
	// count of what was sent.
	ca.SetDeadline(time.Time{})
	wr := make(chan error, 1)
	var n int
	go func() {
		var err error
		n, err = ca.Write(make([]byte, 1000))
		wr <- err
	}()
	ca.SetWriteDeadline(time.Now().Add(20 * time.Millisecond))
	if err := <-wr; !errors.Is(err, os.ErrDeadlineExceeded) || n != 100 {
		t.Fatalf("write: %d %v", n, err)
	}
}

func TestManyConcurrentChannels(t *testing.T) {
	const chans = 64
	const size = 256 << 10
	accept, accepted := acceptAll(ChannelConfig{})
	p := newPair(t, Config{}, Config{OnChannelOpen: accept})
	// b echoes everything on every channel.
	var wg sync.WaitGroup
	errs := make(chan error, 3*chans)
	go func() {
		for i := 0; i < chans; i++ {
			cb := <-accepted
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := io.Copy(cb, cb)
				if err == nil {
					err = cb.CloseWrite()
				}
				errs <- err
			}()
		}
	}()
	for i := 0; i < chans; i++ {
		ca, err := p.a.OpenChannel(context.Background(), "session", nil)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(2)
		go func(seed int64) {
			defer wg.Done()
			err := sendStream(ca, seed, size, 9000)
			if err == nil {
				err = ca.CloseWrite()
			}
			errs <- err
		}(int64(i) * 10)
		go func(seed int64) {
			defer wg.Done()
			errs <- checkStream(ca, seed, size)
			ca.Close()
		}(int64(i) * 10)
	}
	for i := 0; i < 3*chans; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}

func TestDoneAndErr(t *testing.T) {
	accept, accepted := acceptAll(ChannelConfig{})
	p := newPair(t, Config{}, Config{OnChannelOpen: accept})
	ca, cb := openPair(t, p, accepted, ChannelConfig{})
	done := ca.Done()
	select {
	case <-done:
		t.Fatal("done before close")
	default:
	}
	cb.Close()
	<-done
	if err := ca.Err(); err != nil {
		t.Fatalf("Err after a clean close: %v", err)
	}
	<-cb.Done() // a's CLOSE in answer

	ca, _ = openPair(t, p, accepted, ChannelConfig{})
	done = ca.Done()
	boom := errors.New("lost")
	p.shutdown(boom)
	<-done
	if err := ca.Err(); !errors.Is(err, boom) {
		t.Fatalf("Err after connection loss: %v", err)
	}
	<-ca.Done()
}
