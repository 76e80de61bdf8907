package auth

import "context"

// Conn is the packet interface of an established transport. The transport
// has already handled IGNORE, DEBUG and key re-exchange messages.
//
// When the context given to RunClient or RunServer ends while a
// ReadPacket or WritePacket call is blocked, the run returns the context's
// error at once and leaves that call running in a goroutine; the caller
// must then close the underlying connection so the call returns and the
// goroutine ends.
type Conn interface {
	// WritePacket sends one packet payload. The payload is not retained.
	WritePacket(payload []byte) error
	// ReadPacket returns the next payload; it is valid until the next call.
	ReadPacket() ([]byte, error)
	// SessionID is the exchange hash of the first key exchange.
	SessionID() []byte
}

// link runs Conn calls under a context.
type link struct {
	ctx context.Context
	c   Conn
}

type readResult struct {
	p   []byte
	err error
}

// read returns the next non-empty packet, or the context's error as soon
// as the context ends.
func (l *link) read() ([]byte, error) {
	if err := l.ctx.Err(); err != nil {
		return nil, err
	}
	var p []byte
	var err error
	if l.ctx.Done() == nil {
		p, err = l.c.ReadPacket()
	} else {
		ch := make(chan readResult, 1)
		go func() {
			p, err := l.c.ReadPacket()
			ch <- readResult{p, err}
		}()
		select {
		case r := <-ch:
			p, err = r.p, r.err
		case <-l.ctx.Done():
			return nil, l.ctx.Err()
		}
	}
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, protocolError("empty packet")
	}
	return p, nil
}

// write sends p, which must not be modified afterwards (a write abandoned
// because the context ended may still be using it).
func (l *link) write(p []byte) error {
	if err := l.ctx.Err(); err != nil {
		return err
	}
	if l.ctx.Done() == nil {
		return l.c.WritePacket(p)
	}
	ch := make(chan error, 1)
	go func() { ch <- l.c.WritePacket(p) }()
	select {
	case err := <-ch:
		return err
	case <-l.ctx.Done():
		return l.ctx.Err()
	}
}
