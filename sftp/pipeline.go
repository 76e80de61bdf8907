package sftp

import (
	"context"
	"io"
)

// pipeline keeps many requests of one transfer in flight. Completed calls
// arrive on a channel shared by the transfer, in the server's order.
type pipeline struct {
	c           *Client
	ch          chan *call
	outstanding map[*call]struct{}
	free        []*call
	batch       []byte // queued requests, see queue
	scratch     []byte
}

func newPipeline(c *Client, n int) *pipeline {
	return &pipeline{c: c, ch: make(chan *call, n), outstanding: make(map[*call]struct{}, n)}
}

func (p *pipeline) inflight() int { return len(p.outstanding) }

// get returns an idle call bound to the pipeline's channel.
func (p *pipeline) get() *call {
	if n := len(p.free); n > 0 {
		cl := p.free[n-1]
		p.free = p.free[:n-1]
		return cl
	}
	return &call{ch: p.ch}
}

// put recycles a completed call.
func (p *pipeline) put(cl *call) {
	if cl.buf != nil {
		putBuf(cl.buf)
	}
	*cl = call{ch: p.ch}
	p.free = append(p.free, cl)
}

// start sends a request for cl.
func (p *pipeline) start(cl *call, encode func(b []byte, id uint32) []byte) error {
	if err := p.c.start(cl, encode); err != nil {
		return err
	}
	p.outstanding[cl] = struct{}{}
	return nil
}

// queue registers a request for cl and appends it to the pipeline's batch;
// flush sends the batch in one write, so refilling a window of small
// requests costs one system call, not one each.
func (p *pipeline) queue(cl *call, encode func(b []byte, id uint32) []byte) error {
	if err := p.c.register(cl); err != nil {
		return err
	}
	// Encoders write the length at b[0], so each packet is built apart.
	p.scratch = encode(p.scratch[:0], cl.id)
	p.batch = append(p.batch, p.scratch...)
	p.outstanding[cl] = struct{}{}
	return nil
}

// flush sends the queued requests.
func (p *pipeline) flush() error {
	if len(p.batch) == 0 {
		return nil
	}
	err := p.c.writePacket(p.batch)
	p.batch = p.batch[:0]
	return err
}

// next waits for any outstanding call to complete.
func (p *pipeline) next(ctx context.Context) (*call, error) {
	select {
	case cl := <-p.ch:
		delete(p.outstanding, cl)
		return cl, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// abort gives up on every outstanding call. Calls the reader already owns
// are waited for, so no reply is written into a buffer after abort
// returns.
func (p *pipeline) abort() {
	owned := 0
	for cl := range p.outstanding {
		if !p.c.abandon(cl) {
			owned++
		}
	}
	for ; owned > 0; owned-- {
		cl := <-p.ch
		if cl.buf != nil {
			putBuf(cl.buf)
		}
	}
	clear(p.outstanding)
}

// readStatus interprets a completed READ call: the bytes placed in its
// destination, io.EOF, or an error.
func readResult(cl *call) (int, error) {
	if cl.err != nil {
		return 0, cl.err
	}
	if cl.fast {
		return cl.n, nil
	}
	var rep reply
	if err := decodeReply(cl.body, &rep); err != nil {
		return 0, err
	}
	switch rep.typ {
	case fxpStatus:
		if rep.status.Code == StatusEOF {
			return 0, io.EOF
		}
		if err := statusErr(&rep); err != nil {
			return 0, err
		}
	case fxpData:
		// A DATA reply that was not read into dst: the call had none.
		return copy(cl.dst, rep.data), nil
	}
	return 0, errUnexpectedReply(&rep, &request{typ: fxpRead})
}

// writeResult interprets a completed WRITE (or other status-only) call.
func writeResult(cl *call) error {
	if cl.err != nil {
		return cl.err
	}
	// Fast path for the common SSH_FX_OK, without building the message.
	if b := cl.body; len(b) >= 9 && b[0] == fxpStatus && b[5]|b[6]|b[7]|b[8] == 0 {
		return nil
	}
	var rep reply
	if err := decodeReply(cl.body, &rep); err != nil {
		return err
	}
	if rep.typ != fxpStatus {
		return errUnexpectedReply(&rep, &request{typ: fxpWrite})
	}
	return statusErr(&rep)
}
