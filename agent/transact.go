package agent

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"
)

// transactConn adapts a message-at-a-time transport (Pageant's shared
// memory exchange) to the io.ReadWriter a Client expects: Write collects
// one length-prefixed request, hands it to transact once complete and
// queues the reply for Read.
type transactConn struct {
	mu       sync.Mutex
	maxReply int
	transact func(req []byte) ([]byte, error)
	req      []byte
	reply    []byte
	closed   bool
}

// Write buffers p; a complete request is exchanged at once.
func (c *transactConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, io.ErrClosedPipe
	}
	c.req = append(c.req, p...)
	for len(c.req) >= 4 {
		n := binary.BigEndian.Uint32(c.req)
		if n > MaxMessageSize {
			c.req = c.req[:0]
			return 0, ErrMessageTooLarge
		}
		if uint64(len(c.req)) < 4+uint64(n) {
			break
		}
		msg := c.req[:4+n]
		reply, err := c.transact(msg)
		if err != nil {
			c.req = c.req[:0]
			return 0, err
		}
		if len(reply) < 4 || uint64(binary.BigEndian.Uint32(reply))+4 != uint64(len(reply)) || len(reply) > c.maxReply {
			c.req = c.req[:0]
			return 0, fmt.Errorf("%w: bad reply framing", ErrMalformed)
		}
		c.reply = append(c.reply, reply...)
		c.req = c.req[:copy(c.req, c.req[4+n:])]
	}
	return len(p), nil
}

// Read returns queued reply bytes; with none queued it reports io.EOF,
// since no reply can arrive without a request.
func (c *transactConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.reply) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.reply)
	c.reply = c.reply[:copy(c.reply, c.reply[n:])]
	return n, nil
}

// Close makes later writes fail.
func (c *transactConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return nil
}
