package mux

import (
	"context"
	"slices"
	"sync"

	"github.com/ssh2go/ssh2/internal/wire"
)

// OpenChannel opens a channel of chanType with the type-specific extra
// data (RFC 4254 §5.1) and waits for the peer's answer. A refusal is an
// *OpenChannelError. If ctx ends first, the open is abandoned: a late
// confirmation is answered with CLOSE.
func (m *Mux) OpenChannel(ctx context.Context, chanType string, extra []byte) (*Channel, error) {
	return m.OpenChannelConfig(ctx, chanType, extra, ChannelConfig{})
}

// OpenChannelConfig is OpenChannel with per-channel settings.
func (m *Mux) OpenChannelConfig(ctx context.Context, chanType string, extra []byte, cc ChannelConfig) (*Channel, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := m.newChannel(chanType, cc)
	c.opening = true
	c.openRes = make(chan error, 1)
	if err := m.register(c, false); err != nil {
		return nil, err
	}
	msg := wire.ChannelOpen{
		ChanType:      chanType,
		SenderChannel: c.localID,
		InitialWindow: c.windowSize,
		MaxPacket:     c.localMaxPacket,
		Extra:         extra,
	}
	if err := m.writeMsg(msg.Marshal(nil)); err != nil {
		m.release(c)
		return nil, err
	}
	select {
	case err := <-c.openRes:
		if err != nil {
			return nil, err
		}
		return c, nil
	case <-ctx.Done():
	}
	c.mu.Lock()
	if c.opening {
		c.abandoned = true
		c.mu.Unlock()
		return nil, ctx.Err()
	}
	c.mu.Unlock()
	// The answer raced with ctx; it is already in openRes.
	if err := <-c.openRes; err != nil {
		return nil, err
	}
	c.Close()
	return nil, ctx.Err()
}

// handleOpenConfirm completes one of our opens.
func (m *Mux) handleOpenConfirm(payload []byte) error {
	var msg wire.ChannelOpenConfirm
	if msg.Unmarshal(payload) != nil {
		return protoErr("malformed CHANNEL_OPEN_CONFIRMATION")
	}
	c, err := m.lookup(msg.RecipientChannel)
	if err != nil {
		return err
	}
	if msg.MaxPacket == 0 {
		return protoErr("channel %d confirmed with a maximum packet of 0", c.localID)
	}
	c.mu.Lock()
	if !c.opening {
		c.mu.Unlock()
		return protoErr("unexpected CHANNEL_OPEN_CONFIRMATION for channel %d", c.localID)
	}
	c.opening = false
	c.setRemote(msg.SenderChannel, msg.InitialWindow, msg.MaxPacket)
	abandoned := c.abandoned
	if !abandoned {
		c.openRes <- nil
	}
	c.mu.Unlock()
	if abandoned {
		c.Close()
	}
	return nil
}

// handleOpenFailure ends one of our opens with the peer's refusal.
func (m *Mux) handleOpenFailure(payload []byte) error {
	var msg wire.ChannelOpenFailure
	if msg.Unmarshal(payload) != nil {
		return protoErr("malformed CHANNEL_OPEN_FAILURE")
	}
	c, err := m.lookup(msg.RecipientChannel)
	if err != nil {
		return err
	}
	c.mu.Lock()
	if !c.opening {
		c.mu.Unlock()
		return protoErr("unexpected CHANNEL_OPEN_FAILURE for channel %d", c.localID)
	}
	c.opening = false
	c.released = true
	c.mu.Unlock()
	// Free the id before the opener learns the outcome.
	m.release(c)
	c.openRes <- &OpenChannelError{Reason: msg.Reason, Message: msg.Message}
	return nil
}

// NewChannel is a channel open request from the peer. Answer it with
// Accept or Reject, from any goroutine, at any time; until then it counts
// against Config.MaxPendingOpens.
type NewChannel struct {
	m               *Mux
	chanType        string
	extra           []byte
	remoteID        uint32
	remoteWindow    uint32
	remoteMaxPacket uint32

	mu       sync.Mutex
	answered bool
}

// ChannelType returns the requested channel type, e.g. "session".
func (n *NewChannel) ChannelType() string { return n.chanType }

// ExtraData returns the type-specific data of the open, to decode with
// the wire package (wire.DirectTCPIP etc.).
func (n *NewChannel) ExtraData() []byte { return n.extra }

// Accept accepts the channel with the Mux's default settings.
func (n *NewChannel) Accept() (*Channel, error) { return n.AcceptConfig(ChannelConfig{}) }

// AcceptConfig accepts the channel with per-channel settings.
func (n *NewChannel) AcceptConfig(cc ChannelConfig) (*Channel, error) {
	if !n.answer() {
		return nil, ErrAlreadyAnswered
	}
	m := n.m
	c := m.newChannel(n.chanType, cc)
	c.setRemote(n.remoteID, n.remoteWindow, n.remoteMaxPacket)
	// Register before confirming: the peer may send data right after.
	if err := m.register(c, true); err != nil {
		return nil, err
	}
	msg := wire.ChannelOpenConfirm{
		RecipientChannel: c.remoteID,
		SenderChannel:    c.localID,
		InitialWindow:    c.windowSize,
		MaxPacket:        c.localMaxPacket,
	}
	if err := m.writeMsg(msg.Marshal(nil)); err != nil {
		c.connClosed(err)
		m.release(c)
		return nil, err
	}
	return c, nil
}

// Reject refuses the channel with a reason code (wire.OpenConnectFailed
// etc.) and a description for the peer's user.
func (n *NewChannel) Reject(reason uint32, message string) error {
	if !n.answer() {
		return ErrAlreadyAnswered
	}
	n.m.mu.Lock()
	n.m.pendingOpens--
	closed := n.m.closed
	n.m.mu.Unlock()
	if closed {
		return n.m.closedErr()
	}
	return n.m.writeMsg(openFailure(n.remoteID, reason, message))
}

func (n *NewChannel) answer() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.answered {
		return false
	}
	n.answered = true
	return true
}

func openFailure(remoteID, reason uint32, message string) []byte {
	msg := wire.ChannelOpenFailure{RecipientChannel: remoteID, Reason: reason, Message: message}
	return msg.Marshal(nil)
}

// handleOpen takes the peer's CHANNEL_OPEN. Over the limits, or without a
// handler, it is refused here; otherwise it goes to OnChannelOpen.
func (m *Mux) handleOpen(payload []byte) error {
	var msg wire.ChannelOpen
	if msg.Unmarshal(payload) != nil {
		return protoErr("malformed CHANNEL_OPEN")
	}
	refuse := func(reason uint32, text string) error {
		err := m.writeMsg(openFailure(msg.SenderChannel, reason, text))
		if err != nil && m.closedErr() == nil {
			return err
		}
		return nil
	}
	if m.cfg.OnChannelOpen == nil {
		return refuse(wire.OpenUnknownChannelType, "channel type not supported")
	}
	if msg.MaxPacket == 0 {
		return refuse(wire.OpenConnectFailed, "maximum packet size of 0")
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return m.err
	}
	full := m.pendingOpens >= m.cfg.MaxPendingOpens || m.inUse+m.pendingOpens >= m.cfg.MaxChannels
	if !full {
		m.pendingOpens++
	}
	m.mu.Unlock()
	if full {
		return refuse(wire.OpenResourceShortage, "too many channels")
	}
	m.cfg.OnChannelOpen(&NewChannel{
		m:               m,
		chanType:        msg.ChanType,
		extra:           slices.Clone(msg.Extra),
		remoteID:        msg.SenderChannel,
		remoteWindow:    msg.InitialWindow,
		remoteMaxPacket: msg.MaxPacket,
	})
	return nil
}
