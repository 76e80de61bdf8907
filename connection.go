package ssh2

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"

	"github.com/ssh2go/ssh2/internal/mux"
	"github.com/ssh2go/ssh2/internal/transport"
	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// DisconnectError reports a DISCONNECT message, sent by the peer or by us.
type DisconnectError = transport.DisconnectError

// Disconnect reason codes (RFC 4250 §4.2.2) for Close-like calls that send
// one, and for inspecting a *DisconnectError.
const (
	DisconnectProtocolError        = wire.DisconnectProtocolError
	DisconnectByApplication        = wire.DisconnectByApplication
	DisconnectTooManyConnections   = wire.DisconnectTooManyConnections
	DisconnectNoMoreAuthMethods    = wire.DisconnectNoMoreAuthMethodsAvailable
	DisconnectHostKeyNotVerifiable = wire.DisconnectHostKeyNotVerifiable
)

// conn is what clients and servers share once authentication is done: the
// transport, the channel multiplexer and the one goroutine that reads.
type conn struct {
	t    *transport.Conn
	m    *mux.Mux
	user string
	log  *slog.Logger

	done    chan struct{} // closed when the reader stops
	errOnce sync.Once
	err     error // why the connection ended

	endMu    sync.Mutex
	ended    bool
	onEnd    []func() // run once the connection has ended
	abortErr error    // why abort closed the connection
}

// muxWriter sends the multiplexer's packets: channel data waits while a
// key exchange is in progress, everything else is queued, so the reading
// goroutine never blocks on itself.
type muxWriter struct{ t *transport.Conn }

func (w muxWriter) WritePacket(hdr, body []byte) error {
	if len(hdr) > 0 && (hdr[0] == wire.MsgChannelData || hdr[0] == wire.MsgChannelExtendedData) {
		return w.t.WriteData(hdr, body)
	}
	if len(body) == 0 {
		return w.t.WritePacket(hdr)
	}
	p := make([]byte, 0, len(hdr)+len(body))
	return w.t.WritePacket(append(append(p, hdr...), body...))
}

// WritePacketHeld holds channel data back to write it with the packets
// that follow (mux.HoldingPacketWriter).
func (w muxWriter) WritePacketHeld(hdr, body []byte) error { return w.t.WriteDataHeld(hdr, body) }

// Flush writes the channel data held back.
func (w muxWriter) Flush() error { return w.t.Flush() }

// authLink adapts the transport to the authentication state machines.
type authLink struct{ t *transport.Conn }

func (a authLink) WritePacket(p []byte) error  { return a.t.WritePacket(p) }
func (a authLink) ReadPacket() ([]byte, error) { return a.t.ReadPacket() }
func (a authLink) SessionID() []byte           { return a.t.SessionID() }

func (c *conn) init(t *transport.Conn, cfg *Config, user string, onOpen func(*mux.NewChannel), onRequest func(*mux.GlobalRequest)) {
	c.t = t
	c.user = user
	c.log = cfg.Logger
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.done = make(chan struct{})
	c.m = mux.New(muxWriter{t}, mux.Config{
		WindowSize:      cfg.WindowSize,
		MaxPacket:       cfg.MaxPacketSize,
		MaxChannels:     cfg.MaxChannels,
		OnChannelOpen:   onOpen,
		OnGlobalRequest: onRequest,
	})
}

// readLoop is the connection's only reading goroutine (DESIGN.md).
func (c *conn) readLoop() {
	var err error
	for {
		var p []byte
		p, err = c.t.ReadPacket()
		if err != nil {
			break
		}
		switch {
		case p[0] >= wire.MsgGlobalRequest && p[0] <= wire.MsgChannelFailure:
			if err = c.m.HandlePacket(p); errors.Is(err, mux.ErrUnknownMessage) {
				err = c.t.UnimplementedLast() // RFC 4253 §11.4
			} else if err != nil {
				reason := uint32(wire.DisconnectProtocolError)
				var pe *mux.ProtocolError
				if errors.As(err, &pe) {
					reason = pe.Reason
				}
				_ = c.t.Disconnect(reason, err.Error())
			}
		case p[0] >= wire.MsgUserAuthRequest && p[0] < wire.MsgGlobalRequest:
			// RFC 4252 §5.1: requests after success are ignored.
		default:
			err = c.t.UnimplementedLast()
		}
		if err != nil {
			break
		}
	}
	if de := c.t.LocalDisconnect(); de != nil {
		// We disconnected first (Close, or a protocol error we found):
		// the peer hanging up in answer is not news.
		err = de
	} else if errors.Is(err, io.EOF) {
		// The peer hung up without DISCONNECT: channels must not mistake
		// this for their own end of data.
		err = ErrConnectionLost
	}
	c.endMu.Lock()
	if c.abortErr != nil {
		err = c.abortErr // the read failed because abort closed the transport
	}
	c.endMu.Unlock()
	c.finish(err)
}

// abort closes the connection without a DISCONNECT (the peer may not be
// reading) and makes err the reason it ended.
func (c *conn) abort(err error) {
	c.endMu.Lock()
	if c.abortErr == nil && !c.ended {
		c.abortErr = err
	}
	c.endMu.Unlock()
	_ = c.t.Close()
}

// onFinish registers f to run once the connection has ended, or runs it
// now if it already has.
func (c *conn) onFinish(f func()) {
	c.endMu.Lock()
	if !c.ended {
		c.onEnd = append(c.onEnd, f)
		c.endMu.Unlock()
		return
	}
	c.endMu.Unlock()
	f()
}

// ErrConnectionLost reports a connection that ended without a DISCONNECT
// message, such as a dropped TCP connection.
var ErrConnectionLost = errors.New("ssh2: connection lost")

func (c *conn) finish(err error) {
	c.errOnce.Do(func() {
		c.err = err
		c.m.Close(err)
		c.t.Close()
		c.endMu.Lock()
		c.ended = true
		hooks := c.onEnd
		c.onEnd = nil
		c.endMu.Unlock()
		for _, f := range hooks {
			f()
		}
		close(c.done)
	})
}

// Close closes the connection, telling the peer with a DISCONNECT.
func (c *conn) Close() error {
	err := c.t.Disconnect(wire.DisconnectByApplication, "closed by application")
	<-c.done
	return err
}

// Wait blocks until the connection ends and returns why: nil after a
// local Close, otherwise the error that ended it.
func (c *conn) Wait() error {
	<-c.done
	var de *DisconnectError
	if errors.As(c.err, &de) && de.Local && de.Reason == wire.DisconnectByApplication {
		return nil
	}
	if errors.Is(c.err, transport.ErrClosed) || errors.Is(c.err, net.ErrClosed) {
		return nil
	}
	return c.err
}

// SendRequest sends a global request (RFC 4254 §4). With wantReply it
// waits for the answer and returns the reply's data.
func (c *conn) SendRequest(ctx context.Context, name string, wantReply bool, payload []byte) (bool, []byte, error) {
	return c.m.SendRequest(ctx, name, wantReply, payload)
}

// ErrPingUnsupported is returned by Ping when the peer did not announce
// the ping@openssh.com extension.
var ErrPingUnsupported = transport.ErrPingUnsupported

// Ping sends an SSH2_MSG_PING (OpenSSH PROTOCOL §1.8) and waits for the
// peer's PONG, the end of the connection, or ctx. A PONG proves that the
// peer's transport is reading and answering, without the overhead of a
// global request. Only peers that announced ping@openssh.com in their
// EXT_INFO answer pings: OpenSSH's sshd from 9.5 on and this package (as
// server or client); with other peers Ping returns ErrPingUnsupported at
// once, without sending anything.
func (c *conn) Ping(ctx context.Context) error { return c.t.Ping(ctx) }

// RequestKeyExchange starts a new key exchange and waits for it to end.
func (c *conn) RequestKeyExchange(ctx context.Context) error { return c.t.RequestKeyExchange(ctx) }

// SessionID is the exchange hash of the first key exchange.
func (c *conn) SessionID() []byte { return c.t.SessionID() }

// User is the authenticated user name.
func (c *conn) User() string { return c.user }

// Algorithms returns the algorithms of the latest key exchange.
func (c *conn) Algorithms() Algorithms { return c.t.Algorithms() }

// LocalAddr and RemoteAddr are the underlying connection's addresses.
func (c *conn) LocalAddr() net.Addr  { return c.t.LocalAddr() }
func (c *conn) RemoteAddr() net.Addr { return c.t.RemoteAddr() }

// ClientVersion and ServerVersion are set by each role's type.
func versionPair(t *transport.Conn, isClient bool) (client, server string) {
	if isClient {
		return string(t.LocalVersion()), string(t.RemoteVersion())
	}
	return string(t.RemoteVersion()), string(t.LocalVersion())
}

// PublicKey is an SSH public key; see package keys.
type PublicKey = keys.PublicKey

// Signer is an SSH private key; see package keys.
type Signer = keys.Signer
