package ssh2

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

func TestPingInProcessBothWays(t *testing.T) {
	serverPing := make(chan error, 1)
	srv := &Server{Config: passwordConfig(), Handler: func(s *Session) {
		err := s.Conn().Ping(s.Context())
		serverPing <- err
		if err != nil {
			io.WriteString(s.Stderr(), err.Error())
			s.Exit(1)
		}
	}}
	addr, ln := stallableServer(t, srv)
	c := mustDial(t, addr)

	// The client pings the server, several at once.
	errs := make(chan error, 4)
	for range 4 {
		go func() { errs <- c.Ping(context.Background()) }()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("client Ping: %v", err)
		}
	}
	// The server pings the client: our client announces ping@openssh.com.
	if out, err := c.Output(context.Background(), "ping me"); err != nil {
		t.Fatalf("session: %q, %v", out, err)
	}
	if err := <-serverPing; err != nil {
		t.Fatalf("server Ping: %v", err)
	}

	// A server that stopped answering leaves the ping to its context.
	ln.stall()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := c.Ping(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Ping to a stalled server: %v", err)
	}
	c.Close()
	if err := c.Ping(context.Background()); err == nil {
		t.Fatal("Ping after Close succeeded")
	}
}
