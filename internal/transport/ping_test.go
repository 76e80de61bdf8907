package transport

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ssh2go/ssh2/internal/wire"
)

// reader runs a connection's reading loop, as the layers above do, and
// hands the packets it returns to the test.
func reader(c *Conn) (packets <-chan []byte, done <-chan error) {
	p := make(chan []byte, 16)
	d := make(chan error, 1)
	go func() {
		for {
			b, err := c.ReadPacket()
			if err != nil {
				close(p)
				d <- err
				return
			}
			p <- bytes.Clone(b)
		}
	}()
	return p, d
}

func TestPingBothWays(t *testing.T) {
	c, s := pair(t, &Config{}, &Config{})
	// Each side's EXT_INFO is the first packet after its NEWKEYS; it is
	// handled once the other side reads past it.
	marker := []byte{wire.MsgGlobalRequest, 7}
	for _, x := range [][2]*Conn{{c, s}, {s, c}} {
		if err := x[0].WritePacket(marker); err != nil {
			t.Fatal(err)
		}
		if p, err := x[1].ReadPacket(); err != nil || !bytes.Equal(p, marker) {
			t.Fatalf("read %x, %v", p, err)
		}
	}
	if !c.PeerSupportsPing() || !s.PeerSupportsPing() {
		t.Fatalf("ping announced: client sees %v, server sees %v", c.PeerSupportsPing(), s.PeerSupportsPing())
	}
	cp, cdone := reader(c)

	// The server is not reading yet, so no PONG can come: the ping gives
	// up when its context ends. Its late PONG, once the server reads, is
	// ignored.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	err := c.Ping(ctx)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Ping to a peer that does not read: %v", err)
	}
	sp, sdone := reader(s)

	// Overlapping pings from both sides each get their own PONG.
	errs := make(chan error, 6)
	for i := 0; i < 3; i++ {
		go func() { errs <- c.Ping(context.Background()) }()
		go func() { errs <- s.Ping(context.Background()) }()
	}
	for i := 0; i < 6; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// A PONG nobody waits for is ignored, and the packets around it
	// arrive in order.
	if err := s.WritePacket(wire.AppendText([]byte{wire.MsgPong}, "unsolicited")); err != nil {
		t.Fatal(err)
	}
	if err := s.WritePacket(marker); err != nil {
		t.Fatal(err)
	}
	if p := <-cp; !bytes.Equal(p, marker) {
		t.Fatalf("client read %x after an unsolicited PONG", p)
	}
	c.smu.Lock()
	left := len(c.pings)
	c.smu.Unlock()
	if left != 0 {
		t.Fatalf("%d pings still registered", left)
	}

	// A ping with a finished context, or on a closed connection, fails.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if err := c.Ping(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Ping with a cancelled context: %v", err)
	}
	c.Close()
	s.Close()
	<-cdone
	<-sdone
	for range sp {
	}
	if err := c.Ping(context.Background()); err == nil {
		t.Fatal("Ping on a closed connection succeeded")
	}
}

func TestPingUnsupported(t *testing.T) {
	c, s := pair(t, &Config{}, &Config{})
	// Before the peer's EXT_INFO was read, or from a peer that sent none,
	// Ping refuses without sending anything.
	if err := c.Ping(context.Background()); !errors.Is(err, ErrPingUnsupported) {
		t.Fatalf("client Ping = %v", err)
	}
	if err := s.Ping(context.Background()); !errors.Is(err, ErrPingUnsupported) {
		t.Fatalf("server Ping = %v", err)
	}
}
