package mux

import (
	"io"
	"os"
	"time"

	"github.com/ssh2go/ssh2/internal/wire"
)

// Read reads channel data (stdout). After the peer's EOF or CLOSE it
// returns io.EOF once the buffered data is drained; after the connection
// is lost, the connection's error. It honours the read deadline.
func (c *Channel) Read(p []byte) (int, error) { return c.read(p, false) }

// Write sends p as channel data, split to fit the peer's window and
// maximum packet. It blocks while the peer's window is exhausted, until
// the peer grants more, the write deadline passes, or the channel closes.
func (c *Channel) Write(p []byte) (int, error) { return c.write(p, false) }

// Stderr returns the channel's extended data stream of type 1 (stderr):
// reads get the peer's stderr, writes send ours. It shares the channel's
// window with Read and Write in each direction.
func (c *Channel) Stderr() io.ReadWriter { return &c.stderrRW }

type stderrStream struct{ c *Channel }

func (s *stderrStream) Read(p []byte) (int, error)  { return s.c.read(p, true) }
func (s *stderrStream) Write(p []byte) (int, error) { return s.c.write(p, true) }

// SetDeadline sets the read and write deadlines, as net.Conn does.
func (c *Channel) SetDeadline(t time.Time) error {
	c.rdDeadline.set(t)
	c.wrDeadline.set(t)
	return nil
}

// SetReadDeadline sets the deadline for Read and Stderr().Read, including
// calls already blocked. A timed-out call returns os.ErrDeadlineExceeded.
func (c *Channel) SetReadDeadline(t time.Time) error { c.rdDeadline.set(t); return nil }

// SetWriteDeadline sets the deadline for Write and Stderr().Write,
// including calls already blocked. A write that times out may have sent
// part of its data; the count says how much.
func (c *Channel) SetWriteDeadline(t time.Time) error { c.wrDeadline.set(t); return nil }

// ReadAtLeast reads into p until it holds at least min bytes, with the
// results of io.ReadAtLeast, but the reader is woken only once enough
// data has arrived rather than for every packet: a reader that knows the
// size of the message it waits for (an SFTP data reply) saves a wake-up
// per packet. It waits for at most half the window at a time, which the
// peer can always send. Other concurrent readers of the channel may be
// woken late while it waits.
func (c *Channel) ReadAtLeast(p []byte, min int) (int, error) {
	if len(p) < min {
		return 0, io.ErrShortBuffer
	}
	n := 0
	for n < min {
		k, err := c.readWant(p[n:], false, min-n)
		n += k
		if err != nil {
			switch {
			case n >= min:
				err = nil
			case err == io.EOF && n > 0:
				err = io.ErrUnexpectedEOF
			}
			return n, err
		}
	}
	return n, nil
}

func (c *Channel) read(p []byte, ext bool) (int, error) { return c.readWant(p, ext, 1) }

// readWant reads what is buffered once there are want bytes (or the
// stream has ended). For stdout it tells handleData how much to wait for,
// capped at half the window: with unacknowledged data below half the
// window (takeAdjustLocked), the peer may always send that much.
func (c *Channel) readWant(p []byte, ext bool, want int) (int, error) {
	buf, ready := &c.stdout, c.rdReady
	if ext {
		buf, ready = &c.stderr, c.erReady
	}
	if len(p) == 0 {
		return 0, nil
	}
	want = max(1, min(want, len(p), int(c.windowSize/2)))
	for {
		c.mu.Lock()
		if !ext {
			c.rdWant = 0 // set again below only while waiting
		}
		if c.rdDeadline.passed() {
			c.mu.Unlock()
			return 0, os.ErrDeadlineExceeded
		}
		if c.localClosed {
			c.mu.Unlock()
			return 0, ErrClosed
		}
		if buf.Len() >= want || buf.Len() > 0 && (c.eofRecv || c.closeRecv || c.err != nil) {
			n := buf.read(p)
			c.unacked += uint32(n)
			adj := c.takeAdjustLocked()
			if buf.Len() > 0 {
				wake(ready) // for another reader
			}
			c.mu.Unlock()
			if adj > 0 {
				c.sendAdjust(adj)
			}
			return n, nil
		}
		var err error
		switch {
		case c.eofRecv || c.closeRecv:
			err = io.EOF
		case c.err != nil:
			err = c.err
		}
		if err == nil && !ext {
			c.rdWant = want
		}
		c.mu.Unlock()
		if err != nil {
			wake(ready)
			return 0, err
		}
		select {
		case <-ready:
		case <-c.rdDeadline.wait():
		}
	}
}

func (c *Channel) write(p []byte, ext bool) (int, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	holder, _ := c.m.w.(HoldingPacketWriter)
	held := false // the last packet was held back: flush before returning early
	defer func() {
		if held {
			_ = holder.Flush() // a failure shows in the connection's error
		}
	}()
	sent := 0
	for len(p) > 0 {
		if c.wrDeadline.passed() {
			return sent, os.ErrDeadlineExceeded
		}
		c.mu.Lock()
		if c.localClosed || c.closeRecv || c.eofSent || c.closeQueued || c.closeSent || c.err != nil {
			err := c.errLocked()
			if c.eofSent && !c.localClosed && c.err == nil {
				err = errWriteAfterEOF
			}
			c.mu.Unlock()
			return sent, err
		}
		if c.remoteWindow == 0 || c.remoteMaxPacket == 0 {
			c.mu.Unlock()
			select {
			case <-c.wrReady:
			case <-c.wrDeadline.wait():
			}
			continue
		}
		n := min(c.remoteWindow, c.remoteMaxPacket)
		if uint64(len(p)) < uint64(n) {
			n = uint32(len(p))
		}
		c.remoteWindow -= n
		c.inflight++
		// Another packet follows at once when this one leaves data and
		// window for it.
		more := holder != nil && len(p) > int(n) && c.remoteWindow > 0
		c.mu.Unlock()

		h := hdrPool.Get().(*[16]byte)
		var hdr []byte
		if ext {
			hdr = wire.AppendChannelExtendedDataHeader(h[:0], c.remoteID, wire.ExtendedDataStderr, int(n))
		} else {
			hdr = wire.AppendChannelDataHeader(h[:0], c.remoteID, int(n))
		}
		var err error
		if more {
			err = holder.WritePacketHeld(hdr, p[:n])
		} else {
			err = c.m.w.WritePacket(hdr, p[:n])
		}
		held = more && err == nil
		hdrPool.Put(h)
		c.endSend()
		if err != nil {
			return sent, err
		}
		sent += int(n)
		p = p[n:]
	}
	return sent, nil
}
