package mux

import (
	"sync"

	"github.com/ssh2go/ssh2/internal/wire"
)

// ChannelConfig tunes one channel. Zero fields take the Mux's Config.
type ChannelConfig struct {
	// WindowSize is the receive window granted to the peer, and so the
	// most the channel buffers.
	WindowSize uint32
	// MaxPacket is the largest data payload the peer may send at once.
	MaxPacket uint32
	// DiscardStderr drops extended data (stderr) on arrival and credits
	// the window at once, for callers that never read Stderr: stdout and
	// stderr share one window (RFC 4254 §5.2), so unread stderr would
	// otherwise stall the channel.
	DiscardStderr bool
	// OnRequest receives the peer's channel requests, on the reader
	// goroutine; it must not block. Setting it here, rather than with
	// SetRequestHandler later, guarantees no early request is missed.
	OnRequest func(*ChannelRequest)
}

// Channel is one SSH channel (RFC 4254 §5): a bidirectional byte stream
// with a separate stderr stream, flow control and requests. Its methods
// are safe for concurrent use.
type Channel struct {
	m        *Mux
	chanType string
	localID  uint32
	remoteID uint32

	writeMu sync.Mutex // serialises Write, Stderr().Write and CloseWrite
	reqMu   sync.Mutex // orders our requests on the wire as in reqWait

	mu sync.Mutex
	// Opening state (outgoing opens only).
	opening   bool
	abandoned bool       // the opener gave up; close when confirmed
	openRes   chan error // receives the open's outcome
	// Receive side.
	stdout, stderr  buffer
	windowSize      uint32 // W: the window we grant in total
	localWindow     uint32 // what the peer may still send
	unacked         uint32 // consumed but not yet granted again
	rdWant          int    // stdout bytes a waiting ReadAtLeast needs before a wake-up
	localMaxPacket  uint32
	discardStderr   bool
	eofRecv         bool
	closeRecv       bool
	onRequest       func(*ChannelRequest)
	reqWait         []chan bool // our want-reply requests, in order
	remoteWindow    uint32
	remoteMaxPacket uint32 // already capped by Config.MaxSendPacket
	// Send side. inflight counts messages being written; CLOSE waits for
	// them so nothing follows it on the wire.
	inflight    int
	eofSent     bool
	closeQueued bool // CLOSE must go out when inflight drops to 0
	closeSent   bool // CLOSE is being or has been written
	closeDone   bool // CLOSE has been written
	released    bool // local id given back
	localClosed bool // Close was called
	err         error
	finished    bool          // peer's CLOSE arrived or the connection is gone
	done        chan struct{} // made on demand by Done; closed when finished

	// Wake-ups: a token is left in these when state changes. A waiter
	// that leaves while the condition still holds passes the token on.
	rdReady, erReady, wrReady chan struct{}
	rdDeadline, wrDeadline    deadline

	replies   replyQueue
	stderrRW  stderrStream
	sendReply func(ok bool, _ []byte) error
}

// newChannel makes a channel with our receive parameters.
func (m *Mux) newChannel(chanType string, cc ChannelConfig) *Channel {
	if cc.WindowSize == 0 {
		cc.WindowSize = m.cfg.WindowSize
	}
	if cc.MaxPacket == 0 {
		cc.MaxPacket = m.cfg.MaxPacket
	}
	c := &Channel{
		m:              m,
		chanType:       chanType,
		windowSize:     cc.WindowSize,
		localWindow:    cc.WindowSize,
		localMaxPacket: cc.MaxPacket,
		discardStderr:  cc.DiscardStderr,
		onRequest:      cc.OnRequest,
		rdReady:        make(chan struct{}, 1),
		erReady:        make(chan struct{}, 1),
		wrReady:        make(chan struct{}, 1),
	}
	c.rdDeadline.init()
	c.wrDeadline.init()
	c.replies.limit = m.cfg.MaxPendingRequests
	c.stderrRW.c = c
	c.sendReply = c.writeReply
	return c
}

// setRemote records the peer's side of the channel.
func (c *Channel) setRemote(id, window, maxPacket uint32) {
	c.remoteID = id
	c.remoteWindow = window
	c.remoteMaxPacket = min(maxPacket, c.m.cfg.MaxSendPacket)
}

// ChannelType returns the channel type given at open.
func (c *Channel) ChannelType() string { return c.chanType }

// LocalID returns our channel number; RemoteID the peer's.
func (c *Channel) LocalID() uint32 { return c.localID }

// RemoteID returns the peer's channel number.
func (c *Channel) RemoteID() uint32 { return c.remoteID }

// SetRequestHandler sets the function that receives the peer's channel
// requests; see ChannelConfig.OnRequest. Requests that arrive while no
// handler is set are refused.
func (c *Channel) SetRequestHandler(f func(*ChannelRequest)) {
	c.mu.Lock()
	c.onRequest = f
	c.mu.Unlock()
}

func wake(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// wakeAllLocked wakes every waiter so it re-examines the state.
func (c *Channel) wakeAllLocked() {
	wake(c.rdReady)
	wake(c.erReady)
	wake(c.wrReady)
}

// beginSendLocked reserves the right to write one message; it fails once
// CLOSE is due. endSend must follow.
func (c *Channel) beginSendLocked() bool {
	if c.closeQueued || c.closeSent || c.err != nil {
		return false
	}
	c.inflight++
	return true
}

// endSend ends a write begun with beginSendLocked and sends a CLOSE that
// was waiting for it.
func (c *Channel) endSend() {
	c.mu.Lock()
	c.inflight--
	send := c.inflight == 0 && c.closeQueued && !c.closeSent
	if send {
		c.closeSent = true
	}
	c.mu.Unlock()
	if send {
		c.writeClose()
	}
}

// queueClose arranges for CLOSE to be sent once no write is in flight.
func (c *Channel) queueClose() {
	c.mu.Lock()
	if c.closeQueued || c.closeSent || c.err != nil {
		c.mu.Unlock()
		return
	}
	c.closeQueued = true
	send := c.inflight == 0
	if send {
		c.closeSent = true
	}
	c.mu.Unlock()
	if send {
		c.writeClose()
	}
}

// writeClose writes CLOSE and frees the id if the peer's CLOSE is in.
func (c *Channel) writeClose() {
	msg := wire.ChannelRecipient{Msg: wire.MsgChannelClose, RecipientChannel: c.remoteID}
	var b [5]byte
	_ = c.m.writeMsg(msg.Marshal(b[:0])) // a failed write means the connection is closing
	c.mu.Lock()
	c.closeDone = true
	rel := c.closeRecv && !c.released
	c.released = c.released || rel
	c.mu.Unlock()
	if rel {
		c.m.release(c)
	}
}

// Close closes the channel: unread data is dropped, blocked calls return,
// and CLOSE is sent (after any write in progress). The channel number is
// reused once the peer's CLOSE arrives too.
func (c *Channel) Close() error {
	c.mu.Lock()
	if c.localClosed {
		c.mu.Unlock()
		return nil
	}
	c.localClosed = true
	c.stdout.reset()
	c.stderr.reset()
	c.wakeAllLocked()
	c.mu.Unlock()
	c.rdDeadline.stop()
	c.wrDeadline.stop()
	c.replies.kill()
	c.queueClose()
	return nil
}

// CloseWrite sends EOF: the peer reads end of stream, and this side may
// still read. Writes after it fail.
func (c *Channel) CloseWrite() error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.mu.Lock()
	if c.eofSent {
		c.mu.Unlock()
		return nil
	}
	if c.localClosed || c.closeRecv || !c.beginSendLocked() {
		err := c.errLocked()
		c.mu.Unlock()
		return err
	}
	c.eofSent = true
	c.mu.Unlock()
	msg := wire.ChannelRecipient{Msg: wire.MsgChannelEOF, RecipientChannel: c.remoteID}
	var b [5]byte
	err := c.m.writeMsg(msg.Marshal(b[:0]))
	c.endSend()
	return err
}

// errLocked is the error for an operation on a channel that is no longer
// usable.
func (c *Channel) errLocked() error {
	if c.err != nil && !c.localClosed {
		return c.err
	}
	return ErrClosed
}

// closedChan is a closed channel, for Done on a finished channel.
var closedChan = func() chan struct{} { ch := make(chan struct{}); close(ch); return ch }()

// Done returns a channel that is closed when the channel is over: the
// peer's CLOSE has arrived (in answer to ours or not), or the connection
// is gone. Buffered data may still be readable.
func (c *Channel) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.finished {
		return closedChan
	}
	if c.done == nil {
		c.done = make(chan struct{})
	}
	return c.done
}

// Err returns the connection's error if the connection was lost before
// the peer closed the channel, and nil otherwise.
func (c *Channel) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeRecv {
		return nil
	}
	return c.err
}

// markDoneLocked marks the channel over and releases Done's waiters.
func (c *Channel) markDoneLocked() {
	if c.finished {
		return
	}
	c.finished = true
	if c.done != nil {
		close(c.done)
	}
}

// connClosed fails the channel because the connection is gone.
func (c *Channel) connClosed(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	if c.opening {
		c.opening = false
		c.openRes <- err
	}
	c.markDoneLocked()
	waiters := c.reqWait
	c.reqWait = nil
	c.wakeAllLocked()
	c.mu.Unlock()
	for _, w := range waiters {
		close(w)
	}
	c.replies.kill()
	c.rdDeadline.stop()
	c.wrDeadline.stop()
}

// handleEOF records the peer's EOF.
func (c *Channel) handleEOF() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.opening || c.closeRecv {
		return protoErr("EOF on channel %d in the wrong state", c.localID)
	}
	c.eofRecv = true
	wake(c.rdReady)
	wake(c.erReady)
	return nil
}

// handleClose records the peer's CLOSE and answers it.
func (c *Channel) handleClose() error {
	c.mu.Lock()
	if c.opening || c.closeRecv {
		c.mu.Unlock()
		return protoErr("CLOSE on channel %d in the wrong state", c.localID)
	}
	c.closeRecv = true
	c.markDoneLocked()
	waiters := c.reqWait
	c.reqWait = nil
	c.wakeAllLocked()
	rel := c.closeDone && !c.released
	c.released = c.released || rel
	c.mu.Unlock()
	for _, w := range waiters {
		close(w)
	}
	c.replies.kill()
	if rel {
		c.m.release(c)
		return nil
	}
	c.queueClose()
	return nil
}
