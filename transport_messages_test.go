package ssh2

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
)

// Generic transport messages (RFC 4253 §11) after the handshake, sent by
// each side through its transport as a peer would.

func ignoreMsg(data string) []byte { return wire.AppendText([]byte{wire.MsgIgnore}, data) }

func debugMsg(text string) []byte {
	return wire.AppendText(wire.AppendText([]byte{wire.MsgDebug, 1}, text), "en")
}

const peerDebug = "ssh: peer debug message"

func TestIgnoreAndDebugAfterHandshake(t *testing.T) {
	serverLogs := newLogRecorder()
	cfg := passwordConfig()
	cfg.Logger = serverLogs.logger()
	srv := &Server{Config: cfg, Handler: func(s *Session) {
		t := s.Conn().t
		io.WriteString(s, "a")
		if err := t.WritePacket(ignoreMsg("padding from the server")); err != nil {
			s.Exit(2)
			return
		}
		if err := t.WritePacket(debugMsg("hello from the server")); err != nil {
			s.Exit(3)
			return
		}
		io.WriteString(s, "b")
		io.Copy(s, s) // then echo stdin
	}}
	addr := testServer(t, srv)
	clientLogs := newLogRecorder()
	ccfg := &ClientConfig{User: "alice", Auth: []AuthMethod{Password("secret")}, HostKeyCallback: InsecureIgnoreHostKey()}
	ccfg.Logger = clientLogs.logger()
	c, err := Dial(context.Background(), "tcp", addr, ccfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ch, err := c.Exec(context.Background(), "echo", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(ch, "x"); err != nil {
		t.Fatal(err)
	}
	for _, m := range [][]byte{ignoreMsg(""), ignoreMsg("padding from the client"), debugMsg("hello from the client")} {
		if err := c.t.WritePacket(m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := io.WriteString(ch, "y"); err != nil {
		t.Fatal(err)
	}
	ch.CloseWrite()
	out, err := io.ReadAll(ch)
	if err != nil || string(out) != "abxy" {
		t.Fatalf("read %q, %v; want %q", out, err, "abxy")
	}
	if err := ch.Wait(); err != nil {
		t.Fatalf("session: %v", err)
	}
	// DEBUG messages are logged at debug level, each on the other side.
	if r := clientLogs.next(t, peerDebug); attr(r, "message").String() != "hello from the server" {
		t.Errorf("client logged %v", r)
	}
	if r := serverLogs.next(t, peerDebug); attr(r, "message").String() != "hello from the client" {
		t.Errorf("server logged %v", r)
	}
	// The connection is still fine.
	if out, err := c.Output(context.Background(), "again"); err != nil {
		t.Fatalf("second session: %q, %v", out, err)
	}
}

func TestDisconnectFromServer(t *testing.T) {
	srv := &Server{Config: passwordConfig(), Handler: func(s *Session) {
		io.WriteString(s, "bye\n")
		s.Conn().t.Disconnect(DisconnectTooManyConnections, "too many of you")
	}}
	addr := testServer(t, srv)
	c := mustDial(t, addr)
	ch, err := c.Exec(context.Background(), "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(ch)
	if string(out) != "bye\n" {
		t.Errorf("read %q before the disconnect", out)
	}
	err = waitErr(t, c.Wait)
	var de *DisconnectError
	if !errors.As(err, &de) || de.Reason != DisconnectTooManyConnections || de.Message != "too many of you" || de.Local {
		t.Fatalf("Client.Wait = %#v (%v), want the server's DISCONNECT", err, err)
	}
	// The session ends with the same error, and so do new requests.
	if err := ch.Wait(); !errors.As(err, &de) || de.Reason != DisconnectTooManyConnections {
		t.Fatalf("session Wait = %v", err)
	}
	if _, err := c.NewSession(context.Background()); !errors.As(err, &de) {
		t.Fatalf("NewSession after DISCONNECT = %v", err)
	}
}

func TestDisconnectFromClient(t *testing.T) {
	got := make(chan error, 1)
	srv := &Server{Config: passwordConfig(), Handler: func(s *Session) {
		io.WriteString(s, "waiting\n")
		got <- s.Conn().Wait()
	}}
	addr := testServer(t, srv)
	c := mustDial(t, addr)
	ch, err := c.Exec(context.Background(), "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if _, err := io.ReadFull(ch, buf); err != nil {
		t.Fatal(err)
	}
	if err := c.t.Disconnect(wire.DisconnectAuthCancelledByUser, "user went home"); err != nil {
		t.Fatal(err)
	}
	err = waitErr(t, func() error { return <-got })
	var de *DisconnectError
	if !errors.As(err, &de) || de.Reason != wire.DisconnectAuthCancelledByUser || de.Message != "user went home" || de.Local {
		t.Fatalf("ServerConn.Wait = %v, want the client's DISCONNECT", err)
	}
}
