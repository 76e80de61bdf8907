package mux

import (
	"context"
	"slices"

	"github.com/ssh2go/ssh2/internal/wire"
)

// ChannelRequest is a request the peer sent on a channel (RFC 4254 §5.4).
// If WantReply is set, call Reply exactly once, from any goroutine, at any
// time; replies go out in the order the requests arrived, so a request
// left unanswered holds back the replies to later ones.
type ChannelRequest struct {
	Type      string
	WantReply bool
	Payload   []byte // request-specific data, to decode with the wire package

	c   *Channel
	seq uint64
}

// Reply answers the request with CHANNEL_SUCCESS or CHANNEL_FAILURE. It
// does nothing for a request that wants no reply. It returns ErrClosed if
// the channel is gone and ErrAlreadyAnswered on a second call.
func (r *ChannelRequest) Reply(ok bool) error {
	if !r.WantReply {
		return nil
	}
	if !r.c.replies.set(r.seq, ok, nil) {
		return r.replyErr()
	}
	return r.c.replies.flush(r.c.sendReply)
}

func (r *ChannelRequest) replyErr() error {
	r.c.replies.mu.Lock()
	dead := r.c.replies.dead
	r.c.replies.mu.Unlock()
	if dead {
		return ErrClosed
	}
	return ErrAlreadyAnswered
}

// writeReply sends CHANNEL_SUCCESS or CHANNEL_FAILURE.
func (c *Channel) writeReply(ok bool, _ []byte) error {
	c.mu.Lock()
	if !c.beginSendLocked() {
		c.mu.Unlock()
		return ErrClosed
	}
	c.mu.Unlock()
	msg := wire.ChannelRecipient{Msg: wire.MsgChannelFailure, RecipientChannel: c.remoteID}
	if ok {
		msg.Msg = wire.MsgChannelSuccess
	}
	var b [5]byte
	err := c.m.writeMsg(msg.Marshal(b[:0]))
	c.endSend()
	return err
}

// handleRequest takes the peer's CHANNEL_REQUEST.
func (c *Channel) handleRequest(msg *wire.ChannelRequest) error {
	c.mu.Lock()
	if c.opening || c.closeRecv {
		c.mu.Unlock()
		return protoErr("request on channel %d in the wrong state", c.localID)
	}
	if c.localClosed || c.closeQueued || c.closeSent {
		c.mu.Unlock() // our CLOSE answers it
		return nil
	}
	h := c.onRequest
	c.mu.Unlock()
	var seq uint64
	if msg.WantReply {
		var ok bool
		if seq, ok = c.replies.add(); !ok {
			return protoErr("channel %d: more than %d requests awaiting reply", c.localID, c.replies.limit)
		}
	}
	if h == nil {
		if msg.WantReply {
			c.replies.set(seq, false, nil)
			_ = c.replies.flush(c.sendReply)
		}
		return nil
	}
	h(&ChannelRequest{
		Type:      msg.Request,
		WantReply: msg.WantReply,
		Payload:   slices.Clone(msg.Payload),
		c:         c,
		seq:       seq,
	})
	return nil
}

// SendRequest sends a channel request (RFC 4254 §5.4). With wantReply it
// waits for the peer's answer and reports whether it succeeded; without,
// it returns false once the request is sent. If ctx ends first it returns
// ctx.Err() and the answer, when it comes, is dropped.
func (c *Channel) SendRequest(ctx context.Context, name string, wantReply bool, payload []byte) (bool, error) {
	c.reqMu.Lock()
	c.mu.Lock()
	if c.localClosed || c.closeRecv || !c.beginSendLocked() {
		err := c.errLocked()
		c.mu.Unlock()
		c.reqMu.Unlock()
		return false, err
	}
	var res chan bool
	if wantReply {
		res = make(chan bool, 1)
		c.reqWait = append(c.reqWait, res)
	}
	c.mu.Unlock()
	msg := wire.ChannelRequest{RecipientChannel: c.remoteID, Request: name, WantReply: wantReply, Payload: payload}
	err := c.m.writeMsg(msg.Marshal(nil))
	c.endSend()
	c.reqMu.Unlock()
	if err != nil || !wantReply {
		return false, err
	}
	select {
	case ok, alive := <-res:
		if !alive {
			c.mu.Lock()
			err := c.errLocked()
			c.mu.Unlock()
			return false, err
		}
		return ok, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// handleReply matches CHANNEL_SUCCESS or _FAILURE to our oldest request.
func (c *Channel) handleReply(ok bool) error {
	c.mu.Lock()
	if len(c.reqWait) == 0 {
		c.mu.Unlock()
		return protoErr("channel %d: reply to no request", c.localID)
	}
	w := c.reqWait[0]
	c.reqWait[0] = nil
	c.reqWait = c.reqWait[1:]
	if len(c.reqWait) == 0 {
		c.reqWait = nil
	}
	c.mu.Unlock()
	w <- ok
	return nil
}

// GlobalRequest is a global request from the peer (RFC 4254 §4). If
// WantReply is set, call Reply exactly once, from any goroutine; replies go
// out in arrival order.
type GlobalRequest struct {
	Type      string
	WantReply bool
	Payload   []byte

	m   *Mux
	seq uint64
}

// Reply answers with REQUEST_SUCCESS carrying data, or REQUEST_FAILURE.
func (r *GlobalRequest) Reply(ok bool, data []byte) error {
	if !r.WantReply {
		return nil
	}
	if !r.m.globalReply.set(r.seq, ok, slices.Clone(data)) {
		if err := r.m.closedErr(); err != nil {
			return err
		}
		return ErrAlreadyAnswered
	}
	return r.m.globalReply.flush(r.m.writeGlobalReply)
}

func (m *Mux) writeGlobalReply(ok bool, data []byte) error {
	if !ok {
		return m.writeMsg(wire.MarshalRequestFailure(nil))
	}
	msg := wire.RequestSuccess{Data: data}
	return m.writeMsg(msg.Marshal(nil))
}

// handleGlobalRequest takes the peer's GLOBAL_REQUEST.
func (m *Mux) handleGlobalRequest(payload []byte) error {
	if err := m.closedErr(); err != nil {
		return err
	}
	var msg wire.GlobalRequest
	if msg.Unmarshal(payload) != nil {
		return protoErr("malformed GLOBAL_REQUEST")
	}
	var seq uint64
	if msg.WantReply {
		var ok bool
		if seq, ok = m.globalReply.add(); !ok {
			return protoErr("more than %d global requests awaiting reply", m.globalReply.limit)
		}
	}
	h := m.cfg.OnGlobalRequest
	if h == nil {
		if msg.WantReply {
			m.globalReply.set(seq, false, nil)
			_ = m.globalReply.flush(m.writeGlobalReply)
		}
		return nil
	}
	h(&GlobalRequest{
		Type:      msg.Request,
		WantReply: msg.WantReply,
		Payload:   slices.Clone(msg.Payload),
		m:         m,
		seq:       seq,
	})
	return nil
}

// SendRequest sends a global request (RFC 4254 §4). With wantReply it
// waits for the answer and returns its success and response data; replies
// are matched to requests in order.
func (m *Mux) SendRequest(ctx context.Context, name string, wantReply bool, payload []byte) (bool, []byte, error) {
	m.globalReqMu.Lock()
	m.mu.Lock()
	if m.closed {
		err := m.err
		m.mu.Unlock()
		m.globalReqMu.Unlock()
		return false, nil, err
	}
	var res chan globalResult
	if wantReply {
		res = make(chan globalResult, 1)
		m.globalWait = append(m.globalWait, res)
	}
	m.mu.Unlock()
	msg := wire.GlobalRequest{Request: name, WantReply: wantReply, Payload: payload}
	err := m.writeMsg(msg.Marshal(nil))
	m.globalReqMu.Unlock()
	if err != nil || !wantReply {
		return false, nil, err
	}
	select {
	case r, alive := <-res:
		if !alive {
			return false, nil, m.closedErr()
		}
		return r.ok, r.data, nil
	case <-ctx.Done():
		return false, nil, ctx.Err()
	}
}

// handleGlobalReply matches REQUEST_SUCCESS or _FAILURE to our oldest
// global request. An unsolicited reply is a protocol error.
func (m *Mux) handleGlobalReply(payload []byte) error {
	var r globalResult
	if payload[0] == wire.MsgRequestSuccess {
		var msg wire.RequestSuccess
		if msg.Unmarshal(payload) != nil {
			return protoErr("malformed REQUEST_SUCCESS")
		}
		r = globalResult{ok: true, data: slices.Clone(msg.Data)}
	} else if wire.UnmarshalRequestFailure(payload) != nil {
		return protoErr("malformed REQUEST_FAILURE")
	}
	m.mu.Lock()
	if len(m.globalWait) == 0 {
		m.mu.Unlock()
		return protoErr("global request reply with no request outstanding")
	}
	w := m.globalWait[0]
	m.globalWait[0] = nil
	m.globalWait = m.globalWait[1:]
	if len(m.globalWait) == 0 {
		m.globalWait = nil
	}
	m.mu.Unlock()
	w <- r
	return nil
}
