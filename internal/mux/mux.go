package mux

import (
	"sync"

	"github.com/ssh2go/ssh2/internal/wire"
)

// Defaults for Config and ChannelConfig.
const (
	DefaultWindowSize         = 2 << 20  // OpenSSH's channel window
	DefaultMaxPacket          = 32 << 10 // OpenSSH's channel max packet
	DefaultMaxSendPacket      = 64 << 10
	DefaultMaxChannels        = 1024
	DefaultMaxPendingOpens    = 64
	DefaultMaxPendingRequests = 128
)

// PacketWriter is what the mux needs from the transport.
type PacketWriter interface {
	// WritePacket sends one packet whose payload is hdr followed by body,
	// so channel data needs no extra copy. It must be safe for concurrent
	// use and must not keep hdr or body after it returns. It may block
	// (for example during a key exchange) when called by an application
	// goroutine; see the package documentation for calls made from
	// HandlePacket.
	WritePacket(hdr, body []byte) error
}

// HoldingPacketWriter is a PacketWriter that can hold channel data back
// to send a run of packets in one write. A channel writing more than one
// packet's worth uses WritePacketHeld for all but the last, and Flush if
// it stops early.
type HoldingPacketWriter interface {
	PacketWriter
	// WritePacketHeld is WritePacket for channel data followed at once
	// by more; it may hold the packet until the next write or Flush.
	WritePacketHeld(hdr, body []byte) error
	// Flush writes whatever is held.
	Flush() error
}

// Config tunes a Mux. Zero fields take the defaults above.
type Config struct {
	// WindowSize is the receive window granted to the peer on each
	// channel, and so the most a channel buffers. At most 2³²−1.
	WindowSize uint32
	// MaxPacket is the largest data payload the peer may send in one
	// CHANNEL_DATA or CHANNEL_EXTENDED_DATA message.
	MaxPacket uint32
	// MaxSendPacket caps the data bytes we put in one packet, below the
	// peer's advertised maximum, to stay within what transports accept.
	MaxSendPacket uint32
	// MaxChannels bounds the channels in use at once (open, opening, or
	// closing), counting incoming opens not yet answered.
	MaxChannels int
	// MaxPendingOpens bounds incoming opens not yet accepted or rejected.
	// Opens beyond it or MaxChannels get OPEN_FAILURE resource shortage.
	MaxPendingOpens int
	// MaxPendingRequests bounds the want-reply requests (per channel, and
	// global) not yet replied to; a peer that exceeds it is in violation.
	MaxPendingRequests int

	// OnChannelOpen receives incoming channel opens. It runs on the
	// reader goroutine and must not block; the NewChannel may be answered
	// later from any goroutine. If nil, every open is refused.
	OnChannelOpen func(*NewChannel)
	// OnGlobalRequest receives incoming global requests, on the reader
	// goroutine; it must not block. If nil, every request fails.
	OnGlobalRequest func(*GlobalRequest)
}

func (c *Config) setDefaults() {
	if c.WindowSize == 0 {
		c.WindowSize = DefaultWindowSize
	}
	if c.MaxPacket == 0 {
		c.MaxPacket = DefaultMaxPacket
	}
	if c.MaxSendPacket == 0 {
		c.MaxSendPacket = DefaultMaxSendPacket
	}
	if c.MaxChannels <= 0 {
		c.MaxChannels = DefaultMaxChannels
	}
	if c.MaxPendingOpens <= 0 {
		c.MaxPendingOpens = DefaultMaxPendingOpens
	}
	if c.MaxPendingRequests <= 0 {
		c.MaxPendingRequests = DefaultMaxPendingRequests
	}
}

// Mux multiplexes channels and global requests over one connection.
type Mux struct {
	w   PacketWriter
	cfg Config

	mu           sync.Mutex
	chans        []*Channel // by local id; nil means free
	free         []uint32   // free local ids below len(chans)
	inUse        int        // non-nil entries of chans
	pendingOpens int        // incoming opens not yet answered
	closed       bool
	err          error // why the connection closed

	globalReqMu sync.Mutex          // orders sending of our global requests
	globalWait  []chan globalResult // our want-reply global requests, in order
	globalReply replyQueue          // replies we owe, in order
}

type globalResult struct {
	ok   bool
	data []byte
}

// New returns a Mux that sends through w. It starts no goroutines: the
// caller feeds it with HandlePacket and ends it with Close.
func New(w PacketWriter, cfg Config) *Mux {
	cfg.setDefaults()
	m := &Mux{w: w, cfg: cfg}
	m.globalReply.limit = cfg.MaxPendingRequests
	return m
}

// HandlePacket processes one connection protocol message (numbers 80–100).
// The caller's reader goroutine calls it for each such packet in order;
// payload may be reused once it returns. It never blocks on the
// application. An error of type *ProtocolError means the peer violated
// RFC 4254 and the caller must disconnect; ErrUnknownMessage asks for
// SSH_MSG_UNIMPLEMENTED.
func (m *Mux) HandlePacket(payload []byte) error {
	if len(payload) == 0 {
		return protoErr("empty packet")
	}
	switch payload[0] {
	case wire.MsgChannelData:
		var msg wire.ChannelData
		if msg.Unmarshal(payload) != nil {
			return protoErr("malformed CHANNEL_DATA")
		}
		c, err := m.lookup(msg.RecipientChannel)
		if err != nil {
			return err
		}
		return c.handleData(msg.Data, false, 0)
	case wire.MsgChannelExtendedData:
		var msg wire.ChannelExtendedData
		if msg.Unmarshal(payload) != nil {
			return protoErr("malformed CHANNEL_EXTENDED_DATA")
		}
		c, err := m.lookup(msg.RecipientChannel)
		if err != nil {
			return err
		}
		return c.handleData(msg.Data, true, msg.Code)
	case wire.MsgChannelWindowAdjust:
		var msg wire.ChannelWindowAdjust
		if msg.Unmarshal(payload) != nil {
			return protoErr("malformed CHANNEL_WINDOW_ADJUST")
		}
		c, err := m.lookup(msg.RecipientChannel)
		if err != nil {
			return err
		}
		return c.handleWindowAdjust(msg.BytesToAdd)
	case wire.MsgChannelEOF, wire.MsgChannelClose, wire.MsgChannelSuccess, wire.MsgChannelFailure:
		var msg wire.ChannelRecipient
		if msg.Unmarshal(payload) != nil {
			return protoErr("malformed message %d", payload[0])
		}
		c, err := m.lookup(msg.RecipientChannel)
		if err != nil {
			return err
		}
		switch msg.Msg {
		case wire.MsgChannelEOF:
			return c.handleEOF()
		case wire.MsgChannelClose:
			return c.handleClose()
		default:
			return c.handleReply(msg.Msg == wire.MsgChannelSuccess)
		}
	case wire.MsgChannelRequest:
		var msg wire.ChannelRequest
		if msg.Unmarshal(payload) != nil {
			return protoErr("malformed CHANNEL_REQUEST")
		}
		c, err := m.lookup(msg.RecipientChannel)
		if err != nil {
			return err
		}
		return c.handleRequest(&msg)
	case wire.MsgChannelOpen:
		return m.handleOpen(payload)
	case wire.MsgChannelOpenConfirm:
		return m.handleOpenConfirm(payload)
	case wire.MsgChannelOpenFailure:
		return m.handleOpenFailure(payload)
	case wire.MsgGlobalRequest:
		return m.handleGlobalRequest(payload)
	case wire.MsgRequestSuccess, wire.MsgRequestFailure:
		return m.handleGlobalReply(payload)
	}
	if payload[0] > wire.MsgRequestFailure && payload[0] < wire.MsgChannelOpen {
		return ErrUnknownMessage
	}
	return protoErr("message %d is not a connection protocol message", payload[0])
}

// lookup returns the channel with local id, which must be in use.
func (m *Mux) lookup(id uint32) (*Channel, error) {
	m.mu.Lock()
	if m.closed {
		err := m.err
		m.mu.Unlock()
		return nil, err
	}
	var c *Channel
	if uint64(id) < uint64(len(m.chans)) {
		c = m.chans[id]
	}
	m.mu.Unlock()
	if c == nil {
		return nil, protoErr("message for unknown channel %d", id)
	}
	return c, nil
}

// register assigns c a free local id. reserved says the slot was already
// counted as a pending incoming open.
func (m *Mux) register(c *Channel, reserved bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if reserved {
		m.pendingOpens--
	}
	if m.closed {
		return m.err
	}
	if !reserved && m.inUse+m.pendingOpens >= m.cfg.MaxChannels {
		return ErrTooManyChannels
	}
	if n := len(m.free); n > 0 {
		c.localID = m.free[n-1]
		m.free = m.free[:n-1]
		m.chans[c.localID] = c
	} else {
		c.localID = uint32(len(m.chans))
		m.chans = append(m.chans, c)
	}
	m.inUse++
	return nil
}

// release frees c's local id.
func (m *Mux) release(c *Channel) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if uint64(c.localID) < uint64(len(m.chans)) && m.chans[c.localID] == c {
		m.chans[c.localID] = nil
		m.free = append(m.free, c.localID)
		m.inUse--
		if m.inUse == 0 {
			m.chans, m.free = nil, nil
		}
	}
}

// NumChannels reports how many channel ids are in use.
func (m *Mux) NumChannels() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.inUse
}

// Close tells the mux the connection is gone: every blocked and later
// operation fails with err (ErrClosed if nil), and buffered data stays
// readable. It is safe to call more than once; only the first err counts.
func (m *Mux) Close(err error) {
	if err == nil {
		err = ErrClosed
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	m.closed, m.err = true, err
	chans := m.chans
	m.chans, m.free = nil, nil
	waiters := m.globalWait
	m.globalWait = nil
	m.mu.Unlock()

	for _, w := range waiters {
		close(w)
	}
	m.globalReply.kill()
	for _, c := range chans {
		if c != nil {
			c.connClosed(err)
		}
	}
}

// closedErr returns the error the connection closed with, or nil.
func (m *Mux) closedErr() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return m.err
	}
	return nil
}

// writeMsg sends a small control message.
func (m *Mux) writeMsg(msg []byte) error { return m.w.WritePacket(msg, nil) }
