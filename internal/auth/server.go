package auth

import (
	"context"
	"slices"

	"github.com/ssh2go/ssh2/internal/wire"
)

const (
	// DefaultMaxAuthTries is OpenSSH's default MaxAuthTries.
	DefaultMaxAuthTries = 6
	// maxServerRequests bounds all USERAUTH_REQUESTs of a connection,
	// including those that do not count as failures.
	maxServerRequests = 128
	// maxPasswordLen bounds passwords passed to the callback.
	maxPasswordLen = 1024
)

// Attempt describes the client's current authentication attempt. The
// values are copies: changing them changes nothing.
type Attempt struct {
	User      string
	SessionID []byte
	// Previous lists the steps that already succeeded partially.
	Previous []Step
}

// PasswordRequest is a password attempt. With Change set the client
// answers RequirePasswordChange (or volunteers a change): Password is the
// old password and NewPassword the new one.
type PasswordRequest struct {
	Attempt
	Password    string
	Change      bool
	NewPassword string
}

// KeyboardInteractiveRequest is a keyboard-interactive attempt.
type KeyboardInteractiveRequest struct {
	Attempt
	// Submethods is the client's hint (RFC 4256 §3.1), often empty.
	Submethods string
}

// ServerConfig configures RunServer. A method is offered when its
// callback is set. Callbacks run in RunServer's goroutine.
type ServerConfig struct {
	// NoneCallback decides a "none" request; nil rejects it. A rejected
	// "none" does not count towards MaxAuthTries.
	NoneCallback func(ctx context.Context, a *Attempt) Decision
	// PasswordCallback decides a password attempt.
	PasswordCallback func(ctx context.Context, r *PasswordRequest) Decision
	// PublicKeyCallback decides a public key. It is called with
	// Verified false when the client only asks whether a key would be
	// accepted (only Accept or Partial versus Reject matters then, and
	// nothing is granted), and with Verified true only after the
	// signature by that exact key has been checked.
	PublicKeyCallback func(ctx context.Context, r *PublicKeyRequest) Decision
	// KeyboardInteractiveCallback runs a keyboard-interactive exchange,
	// asking questions through challenge.
	KeyboardInteractiveCallback func(ctx context.Context, r *KeyboardInteractiveRequest, challenge Challenge) Decision
	// BannerCallback, if set, returns a banner to send once, before the
	// reply to the client's first request; "" sends none.
	BannerCallback func(ctx context.Context, user string) string
	// PublicKeyAlgorithms are the signature algorithms accepted. Nil
	// means DefaultPublicKeyAlgorithms (no SHA-1 "ssh-rsa", no "ssh-dss").
	PublicKeyAlgorithms []string
	// MaxAuthTries is the number of failed attempts after which the
	// connection is dropped; 0 means DefaultMaxAuthTries. As in OpenSSH,
	// "none" requests and public key queries answered with PK_OK do not
	// count; rejected queries do.
	MaxAuthTries int
}

// server is the state of one RunServer call.
type server struct {
	l        link
	cfg      *ServerConfig
	algs     []string
	sid      []byte
	maxTries int

	started  bool
	user     string
	service  string
	allowed  []string // methods that can continue, "none" never listed
	steps    []Step
	failures int
	requests int
	pending  []byte // request read while a keyboard-interactive exchange ran
}

// RunServer runs the server side of user authentication over c, from the
// "ssh-userauth" service request until the client is accepted. It returns
// the Result, or a *DisconnectError (the caller sends DISCONNECT with its
// reason and closes the connection), a transport error, or the context's
// error. The pre-authentication time limit is ctx's deadline.
func RunServer(ctx context.Context, c Conn, cfg *ServerConfig) (*Result, error) {
	s := &server{l: link{ctx: ctx, c: c}, cfg: cfg, algs: cfg.PublicKeyAlgorithms, sid: c.SessionID(), maxTries: cfg.MaxAuthTries}
	if s.algs == nil {
		s.algs = DefaultPublicKeyAlgorithms
	}
	if s.maxTries <= 0 {
		s.maxTries = DefaultMaxAuthTries
	}
	s.allowed = s.configured()
	if err := s.serviceRequest(); err != nil {
		return nil, err
	}
	for {
		res, err := s.handle()
		if res != nil || err != nil {
			return res, err
		}
	}
}

// configured lists the methods with callbacks, in OpenSSH's order.
func (s *server) configured() []string {
	var m []string
	if s.cfg.PublicKeyCallback != nil {
		m = append(m, wire.MethodPublicKey)
	}
	if s.cfg.PasswordCallback != nil {
		m = append(m, wire.MethodPassword)
	}
	if s.cfg.KeyboardInteractiveCallback != nil {
		m = append(m, wire.MethodKeyboardInteractive)
	}
	return m
}

// read returns the next packet, ignoring EXT_INFO from the client.
func (s *server) read() ([]byte, error) {
	for {
		p, err := s.l.read()
		if err != nil {
			return nil, err
		}
		switch p[0] {
		case wire.MsgExtInfo:
			continue
		case wire.MsgDisconnect:
			return nil, peerDisconnect(p)
		}
		return p, nil
	}
}

func (s *server) serviceRequest() error {
	p, err := s.read()
	if err != nil {
		return err
	}
	if p[0] != wire.MsgServiceRequest {
		return unexpected(p, "instead of SERVICE_REQUEST")
	}
	var req wire.ServiceRequest
	if req.Unmarshal(p) != nil {
		return protocolError("malformed SERVICE_REQUEST")
	}
	if req.Service != wire.ServiceUserAuth {
		return &DisconnectError{Reason: wire.DisconnectServiceNotAvailable, Message: "service not available", Err: ErrProtocol}
	}
	return s.l.write((&wire.ServiceAccept{Service: wire.ServiceUserAuth}).Marshal(nil))
}

// attempt returns a fresh Attempt for a callback.
func (s *server) attempt() Attempt {
	return Attempt{User: s.user, SessionID: slices.Clone(s.sid), Previous: slices.Clone(s.steps)}
}

// handle processes one USERAUTH_REQUEST and replies to it.
func (s *server) handle() (*Result, error) {
	p := s.pending
	s.pending = nil
	if p == nil {
		var err error
		if p, err = s.read(); err != nil {
			return nil, err
		}
	}
	if p[0] != wire.MsgUserAuthRequest {
		return nil, unexpected(p, "instead of USERAUTH_REQUEST")
	}
	s.requests++
	if s.requests > maxServerRequests {
		return nil, &DisconnectError{Reason: wire.DisconnectNoMoreAuthMethodsAvailable, Message: "too many authentication requests", Err: ErrTooManyAuthFailures}
	}
	var req wire.UserAuthRequest
	if req.Unmarshal(p) != nil {
		return nil, protocolError("malformed USERAUTH_REQUEST")
	}
	if err := s.checkUser(&req); err != nil {
		return nil, err
	}
	if err := s.sendBanner(); err != nil {
		return nil, err
	}

	ctx := s.l.ctx
	var d Decision
	var step = Step{Method: req.Method}
	counts := true
	switch {
	case req.Method == wire.MethodNone:
		counts = false
		if s.cfg.NoneCallback != nil && len(s.steps) == 0 {
			a := s.attempt()
			d = s.cfg.NoneCallback(ctx, &a)
		}
	case !slices.Contains(s.allowed, req.Method):
		// Not offered (or not among the methods a partial success
		// requires): reject without looking at the body.
	case req.Method == wire.MethodPassword:
		var err error
		if d, err = s.password(req.Body); err != nil {
			return nil, err
		}
	case req.Method == wire.MethodPublicKey:
		var (
			pkok bool
			err  error
		)
		d, step, pkok, err = s.publicKey(req.Body)
		if err != nil || pkok {
			return nil, err
		}
	case req.Method == wire.MethodKeyboardInteractive:
		var (
			abandoned bool
			err       error
		)
		d, abandoned, err = s.keyboardInteractive(req.Body)
		if err != nil {
			return nil, err
		}
		if abandoned {
			// RFC 4256: no reply to the abandoned exchange; the
			// pending request gets one. It still costs a try.
			return nil, s.fail(true)
		}
	}
	return s.apply(d, step, counts)
}

// checkUser validates the user and service and pins them for the
// connection: like OpenSSH, a change of either is a protocol error.
func (s *server) checkUser(req *wire.UserAuthRequest) error {
	if !s.started {
		if len(req.User) > MaxUserLen || len(req.User) == 0 {
			return &DisconnectError{Reason: wire.DisconnectIllegalUserName, Message: "illegal user name", Err: ErrProtocol}
		}
		for i := 0; i < len(req.User); i++ {
			if req.User[i] == 0 {
				return &DisconnectError{Reason: wire.DisconnectIllegalUserName, Message: "illegal user name", Err: ErrProtocol}
			}
		}
		if req.Service != wire.ServiceConnection {
			return &DisconnectError{Reason: wire.DisconnectServiceNotAvailable, Message: "service not available", Err: ErrProtocol}
		}
		s.started = true
		s.user, s.service = req.User, req.Service
		return nil
	}
	if req.User != s.user || req.Service != s.service {
		return protocolError("change of user name or service is not allowed")
	}
	return nil
}

func (s *server) sendBanner() error {
	if s.requests != 1 || s.cfg.BannerCallback == nil {
		return nil
	}
	msg := s.cfg.BannerCallback(s.l.ctx, s.user)
	if msg == "" {
		return nil
	}
	return s.l.write((&wire.UserAuthBanner{Message: msg}).Marshal(nil))
}

// apply turns a decision into a reply.
func (s *server) apply(d Decision, step Step, counts bool) (*Result, error) {
	if d.verdict == verdictChangePassword && step.Method != wire.MethodPassword {
		d = Reject()
	}
	switch d.verdict {
	case verdictAccept:
		s.steps = append(s.steps, step)
		res := &Result{User: s.user, Steps: s.steps, Permissions: d.perms}
		for _, st := range s.steps {
			if st.PublicKey != nil {
				res.PublicKey = st.PublicKey
			}
		}
		if err := s.l.write(wire.MarshalUserAuthSuccess(nil)); err != nil {
			return nil, err
		}
		return res, nil
	case verdictPartial:
		var next []string
		for _, m := range d.next {
			if slices.Contains(s.configured(), m) && !slices.Contains(next, m) {
				next = append(next, m)
			}
		}
		if len(next) == 0 {
			return nil, s.fail(counts)
		}
		s.steps = append(s.steps, step)
		s.allowed = next
		return nil, s.l.write((&wire.UserAuthFailure{Methods: next, PartialSuccess: true}).Marshal(nil))
	case verdictChangePassword:
		if err := s.countFailure(); err != nil {
			return nil, err
		}
		return nil, s.l.write((&wire.UserAuthPasswdChangeReq{Prompt: d.prompt}).Marshal(nil))
	}
	return nil, s.fail(counts)
}

// countFailure counts one failed attempt and returns the disconnect
// error once MaxAuthTries is reached.
func (s *server) countFailure() error {
	s.failures++
	if s.failures >= s.maxTries {
		return &DisconnectError{Reason: wire.DisconnectNoMoreAuthMethodsAvailable, Message: "too many authentication failures", Err: ErrTooManyAuthFailures}
	}
	return nil
}

// fail counts a failure (when counts) and sends USERAUTH_FAILURE, unless
// the request that failed was abandoned for a pending one.
func (s *server) fail(counts bool) error {
	if counts {
		if err := s.countFailure(); err != nil {
			return err
		}
	}
	if s.pending != nil {
		return nil
	}
	return s.l.write((&wire.UserAuthFailure{Methods: s.allowed}).Marshal(nil))
}

// password decides a password request.
func (s *server) password(body []byte) (Decision, error) {
	var b wire.PasswordBody
	if b.Unmarshal(body) != nil {
		return Decision{}, protocolError("malformed password request")
	}
	if len(b.Password) > maxPasswordLen || len(b.NewPassword) > maxPasswordLen {
		return Reject(), nil
	}
	r := PasswordRequest{Attempt: s.attempt(), Password: b.Password, Change: b.Change, NewPassword: b.NewPassword}
	return s.cfg.PasswordCallback(s.l.ctx, &r), nil
}

// keyboardInteractive runs the callback with a fresh challenger.
func (s *server) keyboardInteractive(body []byte) (d Decision, abandoned bool, err error) {
	var b wire.KeyboardInteractiveBody
	if b.Unmarshal(body) != nil {
		return Decision{}, false, protocolError("malformed keyboard-interactive request")
	}
	ch := &challenger{s: s}
	r := KeyboardInteractiveRequest{Attempt: s.attempt(), Submethods: b.Submethods}
	d = s.cfg.KeyboardInteractiveCallback(s.l.ctx, &r, ch.challenge)
	failed, pending, fatal := ch.close()
	if fatal != nil {
		return Decision{}, false, fatal
	}
	if pending != nil {
		s.pending = pending
		return Decision{}, true, nil
	}
	if failed {
		return Reject(), false, nil
	}
	return d, false, nil
}
