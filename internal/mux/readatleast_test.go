package mux

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
	"time"
)

// TestReadAtLeast checks ReadAtLeast's results: a message larger than the
// window arrives whole (the wait is capped at half the window), an early
// EOF is io.ErrUnexpectedEOF with the bytes that came, a deadline leaves
// the buffered bytes for the next read, and a short buffer is refused.
func TestReadAtLeast(t *testing.T) {
	accept, accepted := acceptAll(ChannelConfig{WindowSize: 1000, MaxPacket: 100})
	p := newPair(t, Config{}, Config{OnChannelOpen: accept})
	ca, cb := openPair(t, p, accepted, ChannelConfig{})

	msg := make([]byte, 5000)
	newStream(7).fill(msg)
	errc := make(chan error, 1)
	go func() {
		// Many small writes: the reader must not need them one by one.
		for b := msg; len(b) > 0; b = b[min(len(b), 37):] {
			if _, err := ca.Write(b[:min(len(b), 37)]); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	got := make([]byte, len(msg)+10)
	n, err := cb.ReadAtLeast(got, len(msg))
	if err != nil || n != len(msg) || !bytes.Equal(got[:n], msg) {
		t.Fatalf("ReadAtLeast = %d, %v; equal %v", n, err, bytes.Equal(got[:n], msg))
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}

	if _, err := cb.ReadAtLeast(make([]byte, 3), 4); !errors.Is(err, io.ErrShortBuffer) {
		t.Fatalf("short buffer: %v", err)
	}

	// A deadline ends the wait; what arrived stays buffered.
	if _, err := ca.Write([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	barrier(t, p.a)
	cb.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if n, err := cb.ReadAtLeast(make([]byte, 10), 10); n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("ReadAtLeast past deadline = %d, %v", n, err)
	}
	cb.SetReadDeadline(time.Time{})

	// EOF before min: the bytes that came and io.ErrUnexpectedEOF.
	if _, err := ca.Write([]byte("de")); err != nil {
		t.Fatal(err)
	}
	if err := ca.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 10)
	n, err = cb.ReadAtLeast(buf, 10)
	if n != 5 || string(buf[:n]) != "abcde" || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("ReadAtLeast at EOF = %d %q, %v", n, buf[:n], err)
	}
	if n, err := cb.ReadAtLeast(buf, 1); n != 0 || err != io.EOF {
		t.Fatalf("ReadAtLeast after EOF = %d, %v", n, err)
	}
	ca.Close()
	cb.Close()
}
