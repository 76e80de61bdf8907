package auth

import (
	"fmt"
	"sync"

	"github.com/ssh2go/ssh2/internal/wire"
)

// Keyboard-interactive (RFC 4256), both sides.

const (
	// MaxPrompts bounds the prompts of one round.
	MaxPrompts = wire.MaxPrompts
	// maxKIRounds bounds the INFO_REQUEST rounds of one attempt.
	maxKIRounds = 32
	// maxResponseLen bounds each answer a server accepts.
	maxResponseLen = 4096
)

// Prompt is one question of a keyboard-interactive round.
type Prompt struct {
	Text string
	// Echo reports whether the answer may be shown as it is typed.
	Echo bool
}

// KeyboardInteractiveFunc answers one round of keyboard-interactive
// prompts with exactly one answer per prompt. Rounds may have no prompts
// (only a name or instruction to show). Texts from the server have
// control characters other than tab and newline replaced.
type KeyboardInteractiveFunc func(name, instruction string, prompts []Prompt) (answers []string, err error)

// KeyboardInteractive returns the "keyboard-interactive" method. An error
// from answer ends authentication.
func KeyboardInteractive(answer KeyboardInteractiveFunc) Method {
	return &kiMethod{answer: answer}
}

type kiMethod struct {
	answer KeyboardInteractiveFunc
}

func (m *kiMethod) Name() string     { return wire.MethodKeyboardInteractive }
func (m *kiMethod) start() methodRun { return m }

// attempt runs one keyboard-interactive exchange, all its rounds.
func (m *kiMethod) attempt(c *client) (outcome, bool, error) {
	if m.answer == nil {
		return outSkipped, true, nil
	}
	if err := c.send(wire.MethodKeyboardInteractive, (&wire.KeyboardInteractiveBody{}).Append(nil)); err != nil {
		return 0, true, err
	}
	for rounds := 0; ; rounds++ {
		p, err := c.read()
		if err != nil {
			return 0, true, err
		}
		if p[0] != wire.MsgUserAuthInfoRequest {
			out, err := c.end(p, "to keyboard-interactive")
			return out, true, err
		}
		if rounds >= maxKIRounds {
			return 0, true, protocolError("too many keyboard-interactive rounds")
		}
		var req wire.UserAuthInfoRequest
		if req.Unmarshal(p) != nil {
			return 0, true, protocolError("malformed USERAUTH_INFO_REQUEST")
		}
		name, err := displayText(req.Name)
		if err != nil {
			return 0, true, err
		}
		instr, err := displayText(req.Instruction)
		if err != nil {
			return 0, true, err
		}
		prompts := make([]Prompt, len(req.Prompts))
		for i, q := range req.Prompts {
			if prompts[i].Text, err = displayText(q.Text); err != nil {
				return 0, true, err
			}
			prompts[i].Echo = q.Echo
		}
		answers, err := m.answer(name, instr, prompts)
		if err != nil {
			return 0, true, fmt.Errorf("auth: keyboard-interactive callback: %w", err)
		}
		if len(answers) != len(prompts) {
			return 0, true, fmt.Errorf("auth: keyboard-interactive callback gave %d answers to %d prompts", len(answers), len(prompts))
		}
		if err := c.l.write((&wire.UserAuthInfoResponse{Responses: answers}).Marshal(nil)); err != nil {
			return 0, true, err
		}
	}
}

// Challenge sends one round of prompts to the client and returns its
// answers, one per prompt. A server's keyboard-interactive callback may
// call it several times, from one goroutine, until the callback returns.
// It fails with ErrChallengeAborted when the client gives up on the
// exchange, and with ErrChallengeClosed once the callback has returned or
// an earlier round failed; in every failing case the attempt fails
// whatever the callback decides.
type Challenge func(name, instruction string, prompts []Prompt) (answers []string, err error)

// challenger implements Challenge for one keyboard-interactive attempt.
type challenger struct {
	s *server

	mu      sync.Mutex
	rounds  int
	closed  bool
	failed  bool  // a round failed: the attempt must fail
	fatal   error // a protocol error that ends authentication
	pending []byte
}

func (ch *challenger) challenge(name, instruction string, prompts []Prompt) ([]string, error) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.closed || ch.failed {
		return nil, ErrChallengeClosed
	}
	ch.failed = true // until this round succeeds
	ch.rounds++
	if ch.rounds > maxKIRounds {
		return nil, fmt.Errorf("auth: more than %d keyboard-interactive rounds", maxKIRounds)
	}
	if len(prompts) > MaxPrompts {
		return nil, fmt.Errorf("auth: more than %d prompts", MaxPrompts)
	}
	req := wire.UserAuthInfoRequest{Name: name, Instruction: instruction, Prompts: make([]wire.Prompt, len(prompts))}
	for i, p := range prompts {
		req.Prompts[i] = wire.Prompt{Text: p.Text, Echo: p.Echo}
	}
	if err := ch.s.l.write(req.Marshal(nil)); err != nil {
		ch.fatal = err
		return nil, err
	}
	p, err := ch.s.read()
	if err != nil {
		ch.fatal = err
		return nil, err
	}
	switch p[0] {
	case wire.MsgUserAuthInfoResponse:
	case wire.MsgUserAuthRequest:
		// RFC 4252 §5: a new request abandons the exchange in progress.
		ch.pending = append([]byte(nil), p...)
		return nil, ErrChallengeAborted
	default:
		ch.fatal = unexpected(p, "during keyboard-interactive")
		return nil, ch.fatal
	}
	var resp wire.UserAuthInfoResponse
	if resp.Unmarshal(p) != nil {
		ch.fatal = protocolError("malformed USERAUTH_INFO_RESPONSE")
		return nil, ch.fatal
	}
	if len(resp.Responses) != len(prompts) {
		ch.fatal = protocolError("USERAUTH_INFO_RESPONSE answer count differs from prompt count")
		return nil, ch.fatal
	}
	for _, r := range resp.Responses {
		if len(r) > maxResponseLen {
			return nil, fmt.Errorf("auth: keyboard-interactive answer longer than %d bytes", maxResponseLen)
		}
	}
	ch.failed = false
	return resp.Responses, nil
}

// close ends the challenger's life and reports how the attempt went.
func (ch *challenger) close() (failed bool, pending []byte, fatal error) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	ch.closed = true
	return ch.failed, ch.pending, ch.fatal
}
