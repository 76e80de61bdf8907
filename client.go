package ssh2

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/ssh2go/ssh2/internal/auth"
	"github.com/ssh2go/ssh2/internal/mux"
	"github.com/ssh2go/ssh2/internal/transport"
	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// HostKeyCallback decides whether to trust a server's host key. It is
// called after the key's signature over the key exchange has been
// verified. hostname is the address given to Dial or NewClientConn. key
// is a *keys.Certificate when a host certificate algorithm was negotiated
// (ClientConfig.HostKeyAlgorithms; see knownhosts.DB.Check and
// PreferredHostKeyAlgorithms).
type HostKeyCallback func(hostname string, remote net.Addr, key PublicKey) error

// ClientConfig configures a client connection.
type ClientConfig struct {
	Config

	// User is the user name to authenticate as.
	User string
	// Auth lists the authentication methods to try, in order.
	Auth []AuthMethod
	// HostKeyCallback is required: see FixedHostKey, the knownhosts
	// package, and InsecureIgnoreHostKey.
	HostKeyCallback HostKeyCallback
	// BannerCallback, if set, receives the server's pre-authentication
	// banner, with terminal control characters made harmless.
	BannerCallback func(message string) error
	// PublicKeyAlgorithms limits the signature algorithms used for public
	// key authentication; nil leaves out SHA-1 ssh-rsa.
	PublicKeyAlgorithms []string

	// HandshakeTimeout, if positive, bounds the version and first key
	// exchange (not authentication, which may wait for a person).
	HandshakeTimeout time.Duration

	// KeepaliveInterval, if positive, sends a keepalive request (OpenSSH's
	// keepalive@openssh.com) after each interval without any packet from
	// the server, like OpenSSH's ServerAliveInterval. After
	// KeepaliveCountMax (0: 3) such requests in a row go unanswered, the
	// connection is closed and Client.Wait returns an error wrapping
	// ErrKeepaliveTimeout.
	KeepaliveInterval time.Duration
	// KeepaliveCountMax is the number of unanswered keepalives after
	// which the connection is closed (ServerAliveCountMax).
	KeepaliveCountMax int
}

// Client is an authenticated client connection.
type Client struct {
	conn
	hostKey PublicKey
}

// Dial connects to addr, runs the handshake and authenticates. ctx bounds
// the whole setup; the connection itself outlives it.
func Dial(ctx context.Context, network, addr string, cfg *ClientConfig) (*Client, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	c, err := NewClientConn(ctx, nc, addr, cfg)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

// NewClientConn runs the client side of SSH over an existing connection,
// such as a channel of another client (a jump host). addr is passed to
// the HostKeyCallback.
func NewClientConn(ctx context.Context, nc net.Conn, addr string, cfg *ClientConfig) (*Client, error) {
	if cfg.HostKeyCallback == nil {
		return nil, errors.New("ssh2: ClientConfig.HostKeyCallback is required (see FixedHostKey, InsecureIgnoreHostKey)")
	}
	tcfg := cfg.transport()
	tcfg.HostKeyCallback = func(k keys.PublicKey) error { return cfg.HostKeyCallback(addr, nc.RemoteAddr(), k) }
	hctx := ctx
	if cfg.HandshakeTimeout > 0 {
		var cancel context.CancelFunc
		hctx, cancel = context.WithTimeout(ctx, cfg.HandshakeTimeout)
		defer cancel()
	}
	t, err := transport.Client(hctx, nc, tcfg)
	if err != nil {
		return nil, err
	}
	methods := make([]auth.Method, len(cfg.Auth))
	copy(methods, cfg.Auth)
	acfg := &auth.ClientConfig{
		User:                cfg.User,
		Methods:             methods,
		PublicKeyAlgorithms: cfg.PublicKeyAlgorithms,
		Rand:                cfg.Rand,
		ServerSigAlgs: func() ([]string, bool) {
			a := t.ServerSigAlgs()
			return a, a != nil
		},
	}
	if cfg.BannerCallback != nil {
		acfg.BannerCallback = func(msg, _ string) error { return cfg.BannerCallback(msg) }
	}
	stop := context.AfterFunc(ctx, func() { _ = t.Close() })
	err = auth.RunClient(ctx, authLink{t}, acfg)
	if !stop() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		var de *auth.DisconnectError
		if errors.As(err, &de) {
			_ = t.Disconnect(de.Reason, de.Message)
		} else {
			_ = t.Disconnect(wire.DisconnectByApplication, "authentication failed")
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ssh2: authentication: %w", ctx.Err())
		}
		return nil, err
	}
	c := &Client{hostKey: t.HostKey()}
	c.init(t, &cfg.Config, cfg.User, c.handleChannelOpen, c.handleGlobalRequest)
	go c.readLoop()
	if cfg.KeepaliveInterval > 0 {
		c.startKeepalive(cfg.KeepaliveInterval, cfg.KeepaliveCountMax)
	}
	return c, nil
}

// HostKey returns the server's verified host key.
func (c *Client) HostKey() PublicKey { return c.hostKey }

// ClientVersion and ServerVersion return the identification strings.
func (c *Client) ClientVersion() string { v, _ := versionPair(c.t, true); return v }

// ServerVersion returns the server's identification string.
func (c *Client) ServerVersion() string { _, v := versionPair(c.t, true); return v }

// OpenChannel opens a channel of any type with raw type-specific data,
// for protocols this package does not wrap.
func (c *Client) OpenChannel(ctx context.Context, chanType string, extra []byte) (*Channel, error) {
	s := newClientChannel()
	ch, err := c.m.OpenChannelConfig(ctx, chanType, extra, mux.ChannelConfig{OnRequest: s.handleRequest})
	if err != nil {
		return nil, err
	}
	s.ch = ch
	return s, nil
}

// handleChannelOpen refuses server-initiated channels; forwarding and X11
// register their types here in later layers.
func (c *Client) handleChannelOpen(nc *mux.NewChannel) {
	nc.Reject(wire.OpenUnknownChannelType, "unknown channel type")
}

// handleGlobalRequest answers the server's global requests: OpenSSH's
// keepalives and host key announcements get a failure, which is what they
// expect from clients that do not implement them.
func (c *Client) handleGlobalRequest(r *mux.GlobalRequest) {
	r.Reply(false, nil)
}

// FixedHostKey returns a HostKeyCallback that accepts only key.
func FixedHostKey(key PublicKey) HostKeyCallback {
	return func(_ string, _ net.Addr, k PublicKey) error {
		if !keys.Equal(k, key) {
			return fmt.Errorf("ssh2: host key %s does not match the expected %s", keys.FingerprintSHA256(k), keys.FingerprintSHA256(key))
		}
		return nil
	}
}

// InsecureIgnoreHostKey returns a HostKeyCallback that accepts any host
// key. It makes the connection open to man-in-the-middle attacks: use it
// only in tests.
func InsecureIgnoreHostKey() HostKeyCallback {
	return func(string, net.Addr, PublicKey) error { return nil }
}
