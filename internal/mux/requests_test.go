package mux

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
)

// Replies given out of order must reach the peer in request order, each
// answering its own request.
func TestChannelRequestOrderDelayedReplies(t *testing.T) {
	reqs := make(chan *ChannelRequest, 16)
	accept, accepted := acceptAll(ChannelConfig{OnRequest: func(r *ChannelRequest) { reqs <- r }})
	p := newPair(t, Config{}, Config{OnChannelOpen: accept})
	ca, _ := openPair(t, p, accepted, ChannelConfig{})

	const n = 8
	type answer struct {
		name string
		ok   bool
		err  error
	}
	answers := make(chan answer, n)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("req-%d", i)
		go func() {
			ok, err := ca.SendRequest(context.Background(), name, true, []byte(name))
			answers <- answer{name, ok, err}
		}()
	}
	got := make([]*ChannelRequest, 0, n)
	for i := 0; i < n; i++ {
		r := <-reqs
		if string(r.Payload) != r.Type || !r.WantReply {
			t.Fatalf("request %+v", r)
		}
		got = append(got, r)
	}
	// One no-reply request in between must not disturb the matching.
	if ok, err := ca.SendRequest(context.Background(), "noreply", false, nil); ok || err != nil {
		t.Fatal(ok, err)
	}
	if r := <-reqs; r.Type != "noreply" || r.WantReply || r.Reply(true) != nil {
		t.Fatalf("%+v", r)
	}
	// Answer last to first; "ok" iff the name's digit is odd.
	for i := n - 1; i >= 0; i-- {
		r := got[i]
		ok := (r.Type[len(r.Type)-1]-'0')%2 == 1
		if err := r.Reply(ok); err != nil {
			t.Fatal(err)
		}
	}
	if err := got[0].Reply(true); !errors.Is(err, ErrAlreadyAnswered) {
		t.Fatalf("second reply: %v", err)
	}
	for i := 0; i < n; i++ {
		a := <-answers
		want := (a.name[len(a.name)-1]-'0')%2 == 1
		if a.err != nil || a.ok != want {
			t.Fatalf("%s: ok=%v err=%v, want ok=%v", a.name, a.ok, a.err, want)
		}
	}
}

func TestChannelRequestWithoutHandlerFails(t *testing.T) {
	accept, accepted := acceptAll(ChannelConfig{})
	p := newPair(t, Config{}, Config{OnChannelOpen: accept})
	ca, _ := openPair(t, p, accepted, ChannelConfig{})
	payload := (&wire.ExecRequest{Command: "true"}).Append(nil)
	ok, err := ca.SendRequest(context.Background(), wire.RequestExec, true, payload)
	if ok || err != nil {
		t.Fatal(ok, err)
	}
}

func TestGlobalRequestsInOrder(t *testing.T) {
	reqs := make(chan *GlobalRequest, 16)
	p := newPair(t, Config{}, Config{OnGlobalRequest: func(r *GlobalRequest) { reqs <- r }})
	const n = 6
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := fmt.Sprintf("g%d", i)
			ok, data, err := p.a.SendRequest(context.Background(), name, true, nil)
			switch {
			case err != nil:
				errs <- err
			case i%2 == 0 && (!ok || string(data) != "reply-"+name):
				errs <- fmt.Errorf("%s: %v %q", name, ok, data)
			case i%2 == 1 && (ok || len(data) != 0):
				errs <- fmt.Errorf("%s: %v %q", name, ok, data)
			}
		}(i)
	}
	var got []*GlobalRequest
	for i := 0; i < n; i++ {
		got = append(got, <-reqs)
	}
	for i := n - 1; i >= 0; i-- {
		r := got[i]
		even := (r.Type[1]-'0')%2 == 0
		if err := r.Reply(even, []byte("reply-"+r.Type)); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Without a handler, a request fails.
	ok, _, err := p.b.SendRequest(context.Background(), "tcpip-forward", true, nil)
	if ok || err != nil {
		t.Fatal(ok, err)
	}
}

func TestRequestContextCancel(t *testing.T) {
	reqs := make(chan *ChannelRequest, 4)
	accept, accepted := acceptAll(ChannelConfig{OnRequest: func(r *ChannelRequest) { reqs <- r }})
	p := newPair(t, Config{}, Config{OnChannelOpen: accept})
	ca, _ := openPair(t, p, accepted, ChannelConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := ca.SendRequest(ctx, "slow", true, nil); errc <- err }()
	r1 := <-reqs
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	// The late reply is absorbed, and the next request gets its own.
	r1.Reply(false)
	go func() {
		ok, err := ca.SendRequest(context.Background(), "next", true, nil)
		if err == nil && !ok {
			err = errors.New("next request got the wrong reply")
		}
		errc <- err
	}()
	(<-reqs).Reply(true)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestGlobalReplyErrors(t *testing.T) {
	reqs := make(chan *GlobalRequest, 2)
	p := newPair(t, Config{}, Config{OnGlobalRequest: func(r *GlobalRequest) { reqs <- r }})
	go p.a.SendRequest(context.Background(), "x", true, nil)
	r := <-reqs
	if err := r.Reply(true, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.Reply(true, nil); !errors.Is(err, ErrAlreadyAnswered) {
		t.Fatalf("second reply: %v", err)
	}
	go p.a.SendRequest(context.Background(), "y", true, nil)
	r = <-reqs
	p.shutdown(nil)
	if err := r.Reply(true, nil); !errors.Is(err, errPipeClosed) {
		t.Fatalf("reply after close: %v", err)
	}
	if err := (&GlobalRequest{}).Reply(true, nil); err != nil {
		t.Fatal("reply to a no-reply request:", err)
	}
}
