package ssh2

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/ssh2go/ssh2/internal/auth"
	"github.com/ssh2go/ssh2/internal/mux"
	"github.com/ssh2go/ssh2/internal/transport"
	"github.com/ssh2go/ssh2/internal/wire"
)

// DefaultLoginGraceTime bounds the handshake and authentication of a
// connection when ServerConfig.LoginGraceTime is zero (OpenSSH's default).
const DefaultLoginGraceTime = 120 * time.Second

// DefaultMaxUnauthenticated bounds connections that have not yet
// authenticated (OpenSSH's MaxStartups full limit).
const DefaultMaxUnauthenticated = 100

// ServerConfig configures a server. A method of authentication is offered
// when its callback is set.
type ServerConfig struct {
	Config

	// HostKeys are the server's host keys, at least one. A host
	// certificate signer (keys.NewCertSigner) makes the server offer the
	// certificate algorithms ("ssh-ed25519-cert-v01@openssh.com", ...) and
	// the plain ones of the key underneath.
	HostKeys []Signer

	// NoneCallback decides the "none" method; nil refuses it.
	NoneCallback func(ctx context.Context, a *AuthAttempt) Decision
	// PasswordCallback decides a password (and a password change).
	PasswordCallback func(ctx context.Context, r *PasswordRequest) Decision
	// PublicKeyCallback decides a public key. It is called with
	// r.Verified false when the client only asks whether a key would do,
	// and with r.Verified true only after the signature by r.Key was
	// verified; only the latter can grant access. For OpenSSH user
	// certificates, use a UserCertAuthority's PublicKeyCallback.
	PublicKeyCallback func(ctx context.Context, r *PublicKeyRequest) Decision
	// KeyboardInteractiveCallback runs keyboard-interactive questions.
	KeyboardInteractiveCallback func(ctx context.Context, r *KeyboardInteractiveRequest, ask Challenge) Decision
	// BannerCallback returns a banner shown before authentication, or "".
	BannerCallback func(ctx context.Context, user string) string

	// PublicKeyAlgorithms are the signature algorithms accepted for user
	// keys (and announced in server-sig-algs); nil leaves out SHA-1.
	PublicKeyAlgorithms []string
	// MaxAuthTries bounds failed authentication attempts (0: 6).
	MaxAuthTries int
	// LoginGraceTime bounds handshake plus authentication
	// (0: DefaultLoginGraceTime).
	LoginGraceTime time.Duration
	// MaxUnauthenticated bounds concurrent connections still in the
	// handshake or authentication (0: DefaultMaxUnauthenticated); more
	// are closed at once.
	MaxUnauthenticated int
	// Preamble lines are sent before the identification string.
	Preamble []string
}

// Server serves SSH connections, like http.Server serves HTTP.
type Server struct {
	// Config is the server configuration; required.
	Config *ServerConfig
	// Handler runs each session that starts a shell or a command. When
	// it returns, the session ends with exit status 0 unless it sent one.
	Handler func(s *Session)
	// SubsystemHandlers run sessions that request a named subsystem;
	// other subsystem names are refused.
	SubsystemHandlers map[string]func(s *Session)
	// SessionRequestCallback, if set, decides each session request
	// (pty-req, env, exec, shell, subsystem, window-change, signal, …)
	// before the default handling; returning false refuses it.
	SessionRequestCallback func(s *Session, r *SessionRequest) bool
	// ChannelHandlers handle channel types other than "session", such as
	// "direct-tcpip"; unknown types are refused.
	ChannelHandlers map[string]func(c *ServerConn, nc *NewChannel)

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*ServerConn]struct{}
	preAuth   int
	shutdown  bool
	connsWG   sync.WaitGroup
}

// NewChannel is a channel the peer asked to open; Accept or Reject it.
type NewChannel = mux.NewChannel

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = errors.New("ssh2: server closed")

// Serve accepts connections on ln and serves each in its own goroutine
// until ln fails or the server is shut down.
func (s *Server) Serve(ln net.Listener) error {
	if !s.track(ln, true) {
		return ErrServerClosed
	}
	defer s.track(ln, false)
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.closing() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay) // back off on EMFILE and the like, as net/http does
				continue
			}
			return err
		}
		delay = 0
		// Add under the lock, and never after shutdown began, so Close's
		// Wait cannot race with a new connection.
		s.mu.Lock()
		if s.shutdown {
			s.mu.Unlock()
			nc.Close()
			return ErrServerClosed
		}
		s.connsWG.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.connsWG.Done()
			_ = s.ServeConn(context.Background(), nc)
		}()
	}
}

// ListenAndServe listens on the TCP address addr and serves it.
func (s *Server) ListenAndServe(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// ServeConn runs the server side of one connection in the calling
// goroutine: handshake, authentication, then channels until the
// connection ends. It returns why the connection ended (nil for a clean
// close). ctx bounds the handshake and authentication only.
func (s *Server) ServeConn(ctx context.Context, nc net.Conn) error {
	cfg := s.Config
	if cfg == nil {
		nc.Close()
		return errors.New("ssh2: Server.Config is nil")
	}
	if !s.enterPreAuth() {
		nc.Close()
		return errors.New("ssh2: too many unauthenticated connections")
	}
	sc, err := s.handshake(ctx, nc)
	s.leavePreAuth()
	if err != nil {
		nc.Close()
		return err
	}
	if !s.trackConn(sc, true) {
		sc.t.Disconnect(wire.DisconnectByApplication, "server shutting down")
		return ErrServerClosed
	}
	defer s.trackConn(sc, false)
	sc.readLoop()
	return sc.Wait()
}

func (s *Server) handshake(ctx context.Context, nc net.Conn) (*ServerConn, error) {
	cfg := s.Config
	grace := cfg.LoginGraceTime
	if grace <= 0 {
		grace = DefaultLoginGraceTime
	}
	ctx, cancel := context.WithTimeout(ctx, grace)
	defer cancel()
	tcfg := cfg.transport()
	tcfg.HostKeys = cfg.HostKeys
	tcfg.Preamble = cfg.Preamble
	tcfg.ServerSigAlgs = cfg.PublicKeyAlgorithms
	t, err := transport.Server(ctx, nc, tcfg)
	if err != nil {
		return nil, err
	}
	info := &ConnInfo{RemoteAddr: nc.RemoteAddr(), LocalAddr: nc.LocalAddr(), ClientVersion: string(t.RemoteVersion()), SessionID: t.SessionID()}
	actx := context.WithValue(ctx, connInfoKey{}, info)
	acfg := &auth.ServerConfig{
		NoneCallback:                cfg.NoneCallback,
		PasswordCallback:            cfg.PasswordCallback,
		PublicKeyCallback:           cfg.PublicKeyCallback,
		KeyboardInteractiveCallback: cfg.KeyboardInteractiveCallback,
		BannerCallback:              cfg.BannerCallback,
		PublicKeyAlgorithms:         cfg.PublicKeyAlgorithms,
		MaxAuthTries:                cfg.MaxAuthTries,
	}
	// The transport cannot be interrupted in a read: close it when the
	// grace time runs out.
	stop := context.AfterFunc(ctx, func() { t.Close() })
	res, err := auth.RunServer(actx, authLink{t}, acfg)
	if !stop() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		var de *auth.DisconnectError
		if errors.As(err, &de) {
			t.Disconnect(de.Reason, de.Message)
		} else if ctx.Err() != nil {
			t.Disconnect(wire.DisconnectByApplication, "login grace time exceeded")
			err = fmt.Errorf("ssh2: authentication: %w", ctx.Err())
		} else {
			t.Close()
		}
		return nil, err
	}
	sc := &ServerConn{srv: s, Auth: res}
	sc.init(t, &cfg.Config, res.User, sc.handleChannelOpen, sc.handleGlobalRequest)
	return sc, nil
}

// Shutdown stops accepting connections and waits for the open ones to end
// on their own, until ctx is done; then it closes the rest.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeListeners()
	done := make(chan struct{})
	go func() { s.connsWG.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.closeConns()
		<-done
		return ctx.Err()
	}
}

// Close stops accepting connections and closes the open ones at once.
func (s *Server) Close() error {
	s.closeListeners()
	s.closeConns()
	s.connsWG.Wait()
	return nil
}

func (s *Server) closeListeners() {
	s.mu.Lock()
	s.shutdown = true
	for ln := range s.listeners {
		ln.Close()
	}
	s.mu.Unlock()
}

func (s *Server) closeConns() {
	s.mu.Lock()
	conns := make([]*ServerConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.t.Disconnect(wire.DisconnectByApplication, "server shutting down")
	}
}

func (s *Server) closing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shutdown
}

func (s *Server) track(ln net.Listener, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listeners == nil {
		s.listeners = map[net.Listener]struct{}{}
	}
	if !add {
		delete(s.listeners, ln)
		return true
	}
	if s.shutdown {
		return false
	}
	s.listeners[ln] = struct{}{}
	return true
}

func (s *Server) trackConn(c *ServerConn, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns == nil {
		s.conns = map[*ServerConn]struct{}{}
	}
	if !add {
		delete(s.conns, c)
		return true
	}
	if s.shutdown {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) enterPreAuth() bool {
	limit := s.Config.MaxUnauthenticated
	if limit <= 0 {
		limit = DefaultMaxUnauthenticated
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.preAuth >= limit {
		return false
	}
	s.preAuth++
	return true
}

func (s *Server) leavePreAuth() {
	s.mu.Lock()
	s.preAuth--
	s.mu.Unlock()
}
