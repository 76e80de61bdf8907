package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// Bounds on what a client sends and accepts.
const (
	// MaxUserLen bounds user names on both sides.
	MaxUserLen = 256
	// maxClientRequests bounds the USERAUTH_REQUESTs a client sends.
	maxClientRequests = 64
	// maxClientPackets bounds the packets a client reads during
	// authentication, banners and EXT_INFO included.
	maxClientPackets = 1024
	// maxBanners bounds the banners handed to the callback; later ones
	// are dropped.
	maxBanners = 16
	// maxBannerLen bounds a banner handed to the callback; longer ones
	// are dropped.
	maxBannerLen = 64 << 10
	// maxDisplayText bounds each text of an INFO_REQUEST or
	// PASSWD_CHANGEREQ.
	maxDisplayText = 32 << 10
)

// ClientConfig configures RunClient.
type ClientConfig struct {
	// User is the user name to log in as: UTF-8, at most MaxUserLen bytes.
	User string
	// Methods are tried in order. A "none" request is always sent first
	// to learn which methods the server allows; methods the server does
	// not list are skipped. After a partial success the client starts
	// over with the methods the server lists next, including ones that
	// failed before.
	Methods []Method
	// ServerSigAlgs, if set, returns the server's RFC 8308 server-sig-algs
	// extension, with ok false when the server sent none. It is called
	// when an RSA key is about to be used, so a transport that learns the
	// extension late still gets it in. An EXT_INFO that reaches RunClient
	// itself takes precedence.
	ServerSigAlgs func() (algs []string, ok bool)
	// PublicKeyAlgorithms are the signature algorithms the client is
	// willing to use. Nil means DefaultPublicKeyAlgorithms, which leaves
	// out SHA-1 ssh-rsa and ssh-dss.
	PublicKeyAlgorithms []string
	// BannerCallback, if set, receives each USERAUTH_BANNER, with control
	// characters other than tab and newline replaced. An error from it
	// ends authentication.
	BannerCallback func(message, language string) error
	// Rand is the randomness for signatures; nil means crypto/rand.
	Rand io.Reader
}

// DefaultPublicKeyAlgorithms are the signature algorithms used when a
// config leaves PublicKeyAlgorithms nil, on both sides. SHA-1 "ssh-rsa"
// and "ssh-dss" must be listed explicitly to be used.
var DefaultPublicKeyAlgorithms = []string{
	keys.SigED25519,
	keys.TypeSKED25519,
	keys.SigECDSA256,
	keys.SigECDSA384,
	keys.SigECDSA521,
	keys.TypeSKECDSA,
	keys.SigRSASHA512,
	keys.SigRSASHA256,
}

// outcome is how one authentication exchange ended.
type outcome int

const (
	outSkipped outcome = iota // nothing was sent
	outFailure
	outPartial
	outSuccess
)

// client is the state of one RunClient call.
type client struct {
	l         link
	cfg       *ClientConfig
	algs      []string
	sessionID []byte

	allowed     []string // server's last "can continue" list
	inbandAlgs  []string // server-sig-algs from an EXT_INFO read here
	inbandKnown bool
	tried       []string
	partial     bool
	requests    int
	packets     int
	banners     int
	skipped     []error
}

// RunClient authenticates as cfg.User over c, starting with the
// "ssh-userauth" service request. It returns nil once the server accepts,
// an *AuthError when no configured method is left, a *DisconnectError when
// the server broke the protocol (the caller sends DISCONNECT), or the
// context's error.
func RunClient(ctx context.Context, c Conn, cfg *ClientConfig) error {
	if !utf8.ValidString(cfg.User) || len(cfg.User) > MaxUserLen {
		return fmt.Errorf("auth: user name must be UTF-8 of at most %d bytes", MaxUserLen)
	}
	cl := &client{l: link{ctx: ctx, c: c}, cfg: cfg, algs: cfg.PublicKeyAlgorithms, sessionID: c.SessionID()}
	if cl.algs == nil {
		cl.algs = DefaultPublicKeyAlgorithms
	}
	return cl.run()
}

func (c *client) run() error {
	if err := c.l.write((&wire.ServiceRequest{Service: wire.ServiceUserAuth}).Marshal(nil)); err != nil {
		return err
	}
	p, err := c.read()
	if err != nil {
		return err
	}
	var acc wire.ServiceAccept
	if p[0] != wire.MsgServiceAccept {
		return unexpected(p, "instead of SERVICE_ACCEPT")
	}
	if err := acc.Unmarshal(p); err != nil || acc.Service != wire.ServiceUserAuth {
		return protocolError("bad SERVICE_ACCEPT")
	}

	// The "none" probe learns the methods the server allows.
	if err := c.send(wire.MethodNone, nil); err != nil {
		return err
	}
	out, err := c.readEnd("to none")
	if err != nil || out == outSuccess {
		return err
	}

	runs := make([]methodRun, len(c.cfg.Methods))
	done := make([]bool, len(c.cfg.Methods))
	for i, m := range c.cfg.Methods {
		if m == nil {
			return errors.New("auth: nil Method in ClientConfig")
		}
		runs[i] = m.start()
	}
	for {
		i := c.next(done)
		if i < 0 {
			return c.authError()
		}
		if c.requests >= maxClientRequests {
			c.skipped = append(c.skipped, ErrTooManyAttempts)
			return c.authError()
		}
		out, fin, err := runs[i].attempt(c)
		if err != nil {
			return err
		}
		done[i] = fin
		switch out {
		case outSuccess:
			return nil
		case outPartial:
			// The server's list changed: like OpenSSH, start over with
			// every other method, so one that failed as a first factor
			// can serve as the second. The method that just succeeded
			// keeps its place (publickey goes on with its next key).
			c.partial = true
			for j, m := range c.cfg.Methods {
				if j != i && done[j] {
					runs[j], done[j] = m.start(), false
				}
			}
		case outSkipped:
			done[i] = true
		}
	}
}

// next returns the first method not finished that the server allows, or -1.
func (c *client) next(done []bool) int {
	for i, m := range c.cfg.Methods {
		if !done[i] && slices.Contains(c.allowed, m.Name()) {
			return i
		}
	}
	return -1
}

func (c *client) authError() error {
	return &AuthError{
		Tried:          slices.Clone(c.tried),
		Remaining:      slices.Clone(c.allowed),
		PartialSuccess: c.partial,
		Errors:         c.skipped,
	}
}

// send writes a USERAUTH_REQUEST for method with the given body.
func (c *client) send(method string, body []byte) error {
	c.requests++
	if !slices.Contains(c.tried, method) {
		c.tried = append(c.tried, method)
	}
	m := wire.UserAuthRequest{User: c.cfg.User, Service: wire.ServiceConnection, Method: method, Body: body}
	return c.l.write(m.Marshal(nil))
}

// read returns the next packet that is not a banner or EXT_INFO.
func (c *client) read() ([]byte, error) {
	for {
		c.packets++
		if c.packets > maxClientPackets {
			return nil, protocolError("too many packets during authentication")
		}
		p, err := c.l.read()
		if err != nil {
			return nil, err
		}
		switch p[0] {
		case wire.MsgUserAuthBanner:
			if err := c.banner(p); err != nil {
				return nil, err
			}
		case wire.MsgExtInfo:
			c.extInfo(p)
		case wire.MsgDisconnect:
			return nil, peerDisconnect(p)
		default:
			return p, nil
		}
	}
}

func (c *client) banner(p []byte) error {
	var b wire.UserAuthBanner
	if err := b.Unmarshal(p); err != nil {
		return protocolError("malformed USERAUTH_BANNER")
	}
	if c.cfg.BannerCallback == nil || c.banners >= maxBanners || len(b.Message) > maxBannerLen {
		return nil
	}
	c.banners++
	return c.cfg.BannerCallback(wire.Printable([]byte(b.Message)), wire.Printable([]byte(b.Language)))
}

// extInfo records server-sig-algs from an EXT_INFO the transport passed on.
// A malformed EXT_INFO is ignored: it only ever refines algorithm choice.
func (c *client) extInfo(p []byte) {
	var m wire.ExtInfo
	if m.Unmarshal(p) != nil {
		return
	}
	if v, ok := m.Lookup("server-sig-algs"); ok {
		d := wire.NewDecoder(wire.AppendString(nil, v))
		algs := d.NameList()
		if d.Finish() == nil {
			c.inbandAlgs, c.inbandKnown = algs, true
		}
	}
}

// serverSigAlgs returns the server's server-sig-algs, if known.
func (c *client) serverSigAlgs() ([]string, bool) {
	if c.inbandKnown {
		return c.inbandAlgs, true
	}
	if c.cfg.ServerSigAlgs != nil {
		return c.cfg.ServerSigAlgs()
	}
	return nil, false
}

// readEnd reads the reply that ends an exchange: SUCCESS or FAILURE.
func (c *client) readEnd(state string) (outcome, error) {
	p, err := c.read()
	if err != nil {
		return 0, err
	}
	return c.end(p, state)
}

// end interprets p as SUCCESS or FAILURE.
func (c *client) end(p []byte, state string) (outcome, error) {
	switch p[0] {
	case wire.MsgUserAuthSuccess:
		if wire.UnmarshalUserAuthSuccess(p) != nil {
			return 0, protocolError("malformed USERAUTH_SUCCESS")
		}
		return outSuccess, nil
	case wire.MsgUserAuthFailure:
		var f wire.UserAuthFailure
		if f.Unmarshal(p) != nil {
			return 0, protocolError("malformed USERAUTH_FAILURE")
		}
		c.allowed = f.Methods
		if f.PartialSuccess {
			return outPartial, nil
		}
		return outFailure, nil
	}
	return 0, unexpected(p, state)
}

// displayText sanitises peer text for a person and bounds its size.
func displayText(s string) (string, error) {
	if len(s) > maxDisplayText {
		return "", protocolError("prompt text too long")
	}
	return wire.Printable([]byte(s)), nil
}
