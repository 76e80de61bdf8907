package mux

import (
	"math"
	"sync"

	"github.com/ssh2go/ssh2/internal/wire"
)

// Flow control (RFC 4254 §5.2).
//
// Receive side: the peer may send localWindow more bytes. Each data packet
// lowers it and lands in a buffer; Read moves bytes out of the buffer into
// unacked; once unacked reaches half the window it goes back to the peer
// in one WINDOW_ADJUST. So localWindow + buffered + unacked == windowSize
// at all times, and a channel never buffers more than its window. Data
// past the window, or a packet larger than localMaxPacket, is a protocol
// error.
//
// Send side: a write waits until remoteWindow is non-zero and sends at
// most min(remoteWindow, remoteMaxPacket) bytes per packet.

// hdrPool holds scratch space for message headers on the data path, so
// writes and window adjusts allocate nothing.
var hdrPool = sync.Pool{New: func() any { return new([16]byte) }}

// handleData takes a CHANNEL_DATA (ext false) or CHANNEL_EXTENDED_DATA
// payload from the reader goroutine.
func (c *Channel) handleData(data []byte, ext bool, code uint32) error {
	n := uint32(len(data))
	c.mu.Lock()
	switch {
	case c.opening:
		c.mu.Unlock()
		return protoErr("data on channel %d before it was confirmed", c.localID)
	case c.eofRecv || c.closeRecv:
		c.mu.Unlock()
		return protoErr("data on channel %d after EOF or CLOSE", c.localID)
	case uint64(len(data)) > uint64(c.localMaxPacket):
		c.mu.Unlock()
		return protoErr("channel %d: data packet of %d bytes exceeds maximum packet %d", c.localID, len(data), c.localMaxPacket)
	case n > c.localWindow:
		c.mu.Unlock()
		return protoErr("channel %d: %d bytes of data exceed the window of %d", c.localID, n, c.localWindow)
	}
	c.localWindow -= n
	if c.localClosed || c.closeSent || c.closeQueued {
		// We are closing: no one reads and no window is granted again.
		c.mu.Unlock()
		return nil
	}
	switch {
	case !ext:
		c.stdout.write(data)
		if c.stdout.Len() >= c.rdWant {
			wake(c.rdReady)
		}
	case code == wire.ExtendedDataStderr && !c.discardStderr:
		c.stderr.write(data)
		wake(c.erReady)
	default:
		// Extended data nobody reads: credit it as consumed at once.
		c.unacked += n
		if adj := c.takeAdjustLocked(); adj > 0 {
			c.mu.Unlock()
			c.sendAdjust(adj)
			return nil
		}
	}
	c.mu.Unlock()
	return nil
}

// takeAdjustLocked returns the window to grant back now, if enough has
// been consumed, and reserves the right to send it (see sendAdjust).
func (c *Channel) takeAdjustLocked() uint32 {
	if c.unacked == 0 || c.unacked < c.windowSize/2 || c.eofRecv || c.localClosed {
		return 0
	}
	if !c.beginSendLocked() {
		return 0
	}
	adj := c.unacked
	c.unacked = 0
	c.localWindow += adj
	return adj
}

// sendAdjust writes a WINDOW_ADJUST reserved by takeAdjustLocked.
func (c *Channel) sendAdjust(n uint32) {
	h := hdrPool.Get().(*[16]byte)
	msg := wire.ChannelWindowAdjust{RecipientChannel: c.remoteID, BytesToAdd: n}
	_ = c.m.w.WritePacket(msg.Marshal(h[:0]), nil) // failure means the connection is closing
	hdrPool.Put(h)
	c.endSend()
}

// handleWindowAdjust adds to the peer's window. A sum beyond 2³²−1 is
// clamped there, the most RFC 4254 §5.2 allows.
func (c *Channel) handleWindowAdjust(n uint32) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.opening {
		return protoErr("WINDOW_ADJUST on channel %d before it was confirmed", c.localID)
	}
	if c.closeRecv {
		return protoErr("WINDOW_ADJUST on channel %d after CLOSE", c.localID)
	}
	w := uint64(c.remoteWindow) + uint64(n)
	c.remoteWindow = uint32(min(w, math.MaxUint32))
	wake(c.wrReady)
	return nil
}
