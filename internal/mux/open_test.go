package mux

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/ssh2go/ssh2/internal/wire"
)

func TestOpenAcceptReject(t *testing.T) {
	news := make(chan *NewChannel, 8)
	p := newPair(t, Config{}, Config{OnChannelOpen: func(n *NewChannel) { news <- n }})

	type result struct {
		c   *Channel
		err error
	}
	res := make(chan result, 1)
	extra := (&wire.DirectTCPIP{DestHost: "example.com", DestPort: 80, OriginHost: "127.0.0.1", OriginPort: 5555}).Append(nil)
	go func() {
		c, err := p.a.OpenChannel(context.Background(), wire.ChannelTypeDirectTCPIP, extra)
		res <- result{c, err}
	}()
	n := <-news
	if n.ChannelType() != wire.ChannelTypeDirectTCPIP {
		t.Fatalf("type %q", n.ChannelType())
	}
	var d wire.DirectTCPIP
	if err := d.Unmarshal(n.ExtraData()); err != nil || d.DestHost != "example.com" || d.OriginPort != 5555 {
		t.Fatalf("extra: %v %+v", err, d)
	}
	// Answer from another goroutine than the reader.
	cb, err := n.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Accept(); !errors.Is(err, ErrAlreadyAnswered) {
		t.Fatalf("second Accept: %v", err)
	}
	if err := n.Reject(1, "x"); !errors.Is(err, ErrAlreadyAnswered) {
		t.Fatalf("Reject after Accept: %v", err)
	}
	r := <-res
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.c.RemoteID() != cb.LocalID() || cb.RemoteID() != r.c.LocalID() {
		t.Fatal("ids do not match")
	}
	if r.c.ChannelType() != wire.ChannelTypeDirectTCPIP || cb.ChannelType() != wire.ChannelTypeDirectTCPIP {
		t.Fatal("types")
	}

	// Rejection.
	go func() {
		c, err := p.a.OpenChannel(context.Background(), "session", nil)
		res <- result{c, err}
	}()
	n = <-news
	if err := n.Reject(wire.OpenAdministrativelyProhibited, "nope"); err != nil {
		t.Fatal(err)
	}
	r = <-res
	var oe *OpenChannelError
	if !errors.As(r.err, &oe) || oe.Reason != wire.OpenAdministrativelyProhibited || oe.Message != "nope" || r.c != nil {
		t.Fatalf("reject: %v", r.err)
	}
	if p.a.NumChannels() != 1 || p.b.NumChannels() != 1 {
		t.Fatalf("channels in use: %d %d", p.a.NumChannels(), p.b.NumChannels())
	}
}

func TestOpenWithoutHandlerRefused(t *testing.T) {
	p := newPair(t, Config{}, Config{})
	_, err := p.a.OpenChannel(context.Background(), "session", nil)
	var oe *OpenChannelError
	if !errors.As(err, &oe) || oe.Reason != wire.OpenUnknownChannelType {
		t.Fatalf("%v", err)
	}
	if p.a.NumChannels() != 0 {
		t.Fatal("id not released")
	}
}

func TestOpenContextCancelled(t *testing.T) {
	news := make(chan *NewChannel, 1)
	p := newPair(t, Config{}, Config{OnChannelOpen: func(n *NewChannel) { news <- n }})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := p.a.OpenChannel(ctx, "session", nil)
		errc <- err
	}()
	n := <-news
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	// The late confirmation is answered with CLOSE; b sees its end closed.
	cb, err := n.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cb.Read(make([]byte, 1)); err == nil {
		t.Fatal("read on abandoned channel succeeded")
	}
	cb.Close()
	barrier(t, p.b)
	barrier(t, p.a)
	if p.a.NumChannels() != 0 || p.b.NumChannels() != 0 {
		t.Fatalf("channels in use: %d %d", p.a.NumChannels(), p.b.NumChannels())
	}
}

func TestChannelLimits(t *testing.T) {
	accept, accepted := acceptAll(ChannelConfig{})
	p := newPair(t, Config{MaxChannels: 3}, Config{MaxChannels: 2, OnChannelOpen: accept})
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := p.a.OpenChannel(ctx, "session", nil); err != nil {
			t.Fatal(err)
		}
		<-accepted
	}
	_, err := p.a.OpenChannel(ctx, "session", nil)
	var oe *OpenChannelError
	if !errors.As(err, &oe) || oe.Reason != wire.OpenResourceShortage {
		t.Fatalf("third open: %v", err)
	}
	// a's own limit: 3 in use at once (the refused one was released).
	p.a.cfg.MaxChannels = 2
	if _, err := p.a.OpenChannel(ctx, "session", nil); !errors.Is(err, ErrTooManyChannels) {
		t.Fatalf("local limit: %v", err)
	}
}

func TestPendingOpenLimit(t *testing.T) {
	news := make(chan *NewChannel, 8)
	p := newPair(t, Config{}, Config{MaxPendingOpens: 2, OnChannelOpen: func(n *NewChannel) { news <- n }})
	ctx := context.Background()
	errc := make(chan error, 3)
	for i := 0; i < 2; i++ {
		go func() { _, err := p.a.OpenChannel(ctx, "session", nil); errc <- err }()
	}
	n1, n2 := <-news, <-news
	_, err := p.a.OpenChannel(ctx, "session", nil)
	var oe *OpenChannelError
	if !errors.As(err, &oe) || oe.Reason != wire.OpenResourceShortage {
		t.Fatalf("open over pending limit: %v", err)
	}
	n1.Reject(wire.OpenConnectFailed, "")
	if _, err := n2.Accept(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		<-errc
	}
	// Answering freed the slots.
	go func() { _, err := p.a.OpenChannel(ctx, "session", nil); errc <- err }()
	n3 := <-news
	n3.Accept()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestChannelIDsReused(t *testing.T) {
	accept, accepted := acceptAll(ChannelConfig{})
	p := newPair(t, Config{}, Config{OnChannelOpen: accept})
	for i := 0; i < 200; i++ {
		ca, cb := openPair(t, p, accepted, ChannelConfig{})
		if i%2 == 0 {
			ca.Close()
		} else {
			cb.Close()
		}
		barrier(t, p.a)
		barrier(t, p.b)
		if ca.LocalID() != 0 || cb.LocalID() != 0 {
			t.Fatalf("iteration %d: ids %d %d not reused", i, ca.LocalID(), cb.LocalID())
		}
		if n, m := p.a.NumChannels(), p.b.NumChannels(); n != 0 || m != 0 {
			t.Fatalf("iteration %d: in use %d %d", i, n, m)
		}
	}
}

func TestMuxCloseFailsPending(t *testing.T) {
	news := make(chan *NewChannel, 1)
	p := newPair(t, Config{}, Config{OnChannelOpen: func(n *NewChannel) { news <- n }})
	errc := make(chan error, 1)
	go func() { _, err := p.a.OpenChannel(context.Background(), "session", nil); errc <- err }()
	n := <-news
	boom := errors.New("boom")
	p.shutdown(boom)
	if err := <-errc; !errors.Is(err, boom) {
		t.Fatalf("open after close: %v", err)
	}
	if _, err := n.Accept(); !errors.Is(err, boom) {
		t.Fatalf("accept after close: %v", err)
	}
	if _, _, err := p.a.SendRequest(context.Background(), "x", true, nil); !errors.Is(err, boom) {
		t.Fatalf("request after close: %v", err)
	}
	if _, err := p.a.OpenChannel(context.Background(), "session", nil); !errors.Is(err, boom) {
		t.Fatalf("open after close: %v", err)
	}
}

// A Channel has what a net.Conn needs apart from addresses, which the
// forwarding layer supplies.
var _ interface {
	io.ReadWriteCloser
	SetDeadline(time.Time) error
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
} = (*Channel)(nil)

func TestErrorStrings(t *testing.T) {
	e := &OpenChannelError{Reason: wire.OpenConnectFailed, Message: "refused"}
	if got := e.Error(); got != "mux: channel open refused: connect failed: refused" {
		t.Fatal(got)
	}
	if got := OpenFailureReason(77); got != "reason 77" {
		t.Fatal(got)
	}
	pe := &ProtocolError{Reason: 2, Msg: "bad"}
	if pe.Error() != "mux: protocol error: bad" {
		t.Fatal(pe.Error())
	}
}
