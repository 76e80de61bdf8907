package mux

import (
	"errors"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
)

// rogue drives one mux by hand, as a misbehaving peer would.
type rogue struct {
	t   *testing.T
	m   *Mux
	rec *recorder
	chs []*Channel
}

func newRogue(t *testing.T, cfg Config) *rogue {
	r := &rogue{t: t, rec: &recorder{}}
	if cfg.OnChannelOpen == nil {
		cfg.OnChannelOpen = func(n *NewChannel) {
			c, err := n.Accept()
			if err != nil {
				t.Error(err)
				return
			}
			r.chs = append(r.chs, c)
		}
	}
	r.m = New(r.rec, cfg)
	t.Cleanup(func() { r.m.Close(nil) })
	return r
}

func (r *rogue) send(msg []byte) error { return r.m.HandlePacket(msg) }

// open makes the mux accept a channel whose peer id is 7 and returns our
// local id.
func (r *rogue) open(window, maxPacket uint32) uint32 {
	r.t.Helper()
	msg := wire.ChannelOpen{ChanType: "session", SenderChannel: 7, InitialWindow: window, MaxPacket: maxPacket}
	if err := r.send(msg.Marshal(nil)); err != nil {
		r.t.Fatal(err)
	}
	pk := r.rec.take()
	var conf wire.ChannelOpenConfirm
	if len(pk) != 1 || conf.Unmarshal(pk[0]) != nil || conf.RecipientChannel != 7 {
		r.t.Fatalf("no confirmation: %x", pk)
	}
	return conf.SenderChannel
}

func wantProtoErr(t *testing.T, err error) {
	t.Helper()
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Reason != wire.DisconnectProtocolError {
		t.Fatalf("want a protocol error, got %v", err)
	}
}

func data(id uint32, n int) []byte {
	return (&wire.ChannelData{RecipientChannel: id, Data: make([]byte, n)}).Marshal(nil)
}

func TestRogueDataBeyondWindow(t *testing.T) {
	r := newRogue(t, Config{WindowSize: 10000, MaxPacket: 8000})
	id := r.open(1<<20, 1<<15)
	if err := r.send(data(id, 8000)); err != nil {
		t.Fatal(err)
	}
	if err := r.send(data(id, 2000)); err != nil {
		t.Fatal(err)
	}
	wantProtoErr(t, r.send(data(id, 1)))
	if n := r.chs[0].stdout.Len(); n != 10000 {
		t.Fatalf("buffered %d", n)
	}
}

func TestRogueExtendedDataBeyondWindow(t *testing.T) {
	r := newRogue(t, Config{WindowSize: 100})
	id := r.open(1<<20, 1<<15)
	ext := &wire.ChannelExtendedData{RecipientChannel: id, Code: wire.ExtendedDataStderr, Data: make([]byte, 60)}
	if err := r.send(ext.Marshal(nil)); err != nil {
		t.Fatal(err)
	}
	// stdout and stderr share the window.
	wantProtoErr(t, r.send(data(id, 41)))
}

func TestRogueMaxPacket(t *testing.T) {
	r := newRogue(t, Config{MaxPacket: 1000})
	id := r.open(1<<20, 1<<15)
	if err := r.send(data(id, 1000)); err != nil {
		t.Fatal(err)
	}
	wantProtoErr(t, r.send(data(id, 1001)))
}

func TestRogueMisc(t *testing.T) {
	cases := []struct {
		name string
		msgs func(id uint32) [][]byte
	}{
		{"unknown channel", func(id uint32) [][]byte { return [][]byte{data(id+5, 1)} }},
		{"data after EOF", func(id uint32) [][]byte {
			return [][]byte{(&wire.ChannelRecipient{Msg: wire.MsgChannelEOF, RecipientChannel: id}).Marshal(nil), data(id, 1)}
		}},
		{"double close", func(id uint32) [][]byte {
			c := (&wire.ChannelRecipient{Msg: wire.MsgChannelClose, RecipientChannel: id}).Marshal(nil)
			// After the first CLOSE both sides closed and the id is free.
			return [][]byte{c, c}
		}},
		{"unsolicited channel reply", func(id uint32) [][]byte {
			return [][]byte{(&wire.ChannelRecipient{Msg: wire.MsgChannelSuccess, RecipientChannel: id}).Marshal(nil)}
		}},
		{"unsolicited global reply", func(uint32) [][]byte { return [][]byte{wire.MarshalRequestFailure(nil)} }},
		{"unsolicited global success", func(uint32) [][]byte { return [][]byte{{wire.MsgRequestSuccess, 1, 2}} }},
		{"confirm for open channel", func(id uint32) [][]byte {
			return [][]byte{(&wire.ChannelOpenConfirm{RecipientChannel: id, MaxPacket: 1}).Marshal(nil)}
		}},
		{"failure for open channel", func(id uint32) [][]byte {
			return [][]byte{(&wire.ChannelOpenFailure{RecipientChannel: id}).Marshal(nil)}
		}},
		{"truncated data", func(id uint32) [][]byte { return [][]byte{data(id, 10)[:12]} }},
		{"empty", func(uint32) [][]byte { return [][]byte{{}} }},
		{"not a connection message", func(uint32) [][]byte { return [][]byte{{wire.MsgKexInit}} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRogue(t, Config{})
			id := r.open(1<<20, 1<<15)
			msgs := c.msgs(id)
			for _, m := range msgs[:len(msgs)-1] {
				if err := r.send(m); err != nil {
					t.Fatal(err)
				}
			}
			wantProtoErr(t, r.send(msgs[len(msgs)-1]))
		})
	}
	r := newRogue(t, Config{})
	if err := r.send([]byte{85}); !errors.Is(err, ErrUnknownMessage) {
		t.Fatalf("unassigned number: %v", err)
	}
}

func TestRogueWindowAdjustOverflowClamped(t *testing.T) {
	r := newRogue(t, Config{})
	id := r.open(1<<31, 1<<15)
	adj := (&wire.ChannelWindowAdjust{RecipientChannel: id, BytesToAdd: 1 << 31}).Marshal(nil)
	for i := 0; i < 3; i++ {
		if err := r.send(adj); err != nil {
			t.Fatal(err)
		}
	}
	if w := r.chs[0].remoteWindow; w != 1<<32-1 {
		t.Fatalf("window %d", w)
	}
}

func TestRogueTooManyPendingRequests(t *testing.T) {
	r := newRogue(t, Config{MaxPendingRequests: 4, OnGlobalRequest: func(*GlobalRequest) {}})
	req := (&wire.GlobalRequest{Request: "x", WantReply: true}).Marshal(nil)
	for i := 0; i < 4; i++ {
		if err := r.send(req); err != nil {
			t.Fatal(err)
		}
	}
	wantProtoErr(t, r.send(req))
}

func TestRogueOpenZeroMaxPacketRefused(t *testing.T) {
	r := newRogue(t, Config{})
	msg := wire.ChannelOpen{ChanType: "session", SenderChannel: 3, InitialWindow: 100}
	if err := r.send(msg.Marshal(nil)); err != nil {
		t.Fatal(err)
	}
	var f wire.ChannelOpenFailure
	pk := r.rec.take()
	if len(pk) != 1 || f.Unmarshal(pk[0]) != nil || f.RecipientChannel != 3 {
		t.Fatalf("%x", pk)
	}
}

// Requests without a handler get FAILURE right away; with want-reply
// false they get nothing.
func TestRogueRequestReplies(t *testing.T) {
	r := newRogue(t, Config{})
	id := r.open(1<<20, 1<<15)
	for _, want := range []bool{true, false} {
		req := wire.ChannelRequest{RecipientChannel: id, Request: "shell", WantReply: want}
		if err := r.send(req.Marshal(nil)); err != nil {
			t.Fatal(err)
		}
		pk := r.rec.take()
		if !want {
			if len(pk) != 0 {
				t.Fatalf("reply to a no-reply request: %x", pk)
			}
			continue
		}
		var m wire.ChannelRecipient
		if len(pk) != 1 || m.Unmarshal(pk[0]) != nil || m.Msg != wire.MsgChannelFailure || m.RecipientChannel != 7 {
			t.Fatalf("%x", pk)
		}
	}
}

// FuzzHandlePacket feeds arbitrary message sequences to a mux that
// accepts channels and answers requests. It must never panic, and what it
// buffers stays within the windows it granted.
func FuzzHandlePacket(f *testing.F) {
	open := (&wire.ChannelOpen{ChanType: "session", SenderChannel: 1, InitialWindow: 1000, MaxPacket: 100}).Marshal(nil)
	seq := func(msgs ...[]byte) []byte {
		var b []byte
		for _, m := range msgs {
			b = append(b, byte(len(m)>>8), byte(len(m)))
			b = append(b, m...)
		}
		return b
	}
	f.Add(seq(open, data(0, 50), data(0, 60)))
	f.Add(seq(open, (&wire.ChannelRequest{RecipientChannel: 0, Request: "exec", WantReply: true, Payload: []byte{0, 0, 0, 1, 'x'}}).Marshal(nil)))
	f.Add(seq(open, (&wire.ChannelExtendedData{RecipientChannel: 0, Code: 1, Data: []byte("e")}).Marshal(nil),
		(&wire.ChannelRecipient{Msg: wire.MsgChannelEOF}).Marshal(nil), (&wire.ChannelRecipient{Msg: wire.MsgChannelClose}).Marshal(nil)))
	f.Add(seq((&wire.GlobalRequest{Request: "keepalive@openssh.com", WantReply: true}).Marshal(nil), wire.MarshalRequestFailure(nil)))
	f.Add(seq(open, open, (&wire.ChannelWindowAdjust{RecipientChannel: 1, BytesToAdd: 5}).Marshal(nil)))
	f.Fuzz(func(t *testing.T, in []byte) {
		const window = 1000
		var chans []*Channel
		cfg := Config{WindowSize: window, MaxPacket: 500, MaxChannels: 8, MaxPendingOpens: 4, MaxPendingRequests: 4}
		n := 0
		cfg.OnChannelOpen = func(nc *NewChannel) {
			n++
			switch n % 3 {
			case 0:
				nc.Reject(wire.OpenConnectFailed, "no")
			case 1:
				c, err := nc.AcceptConfig(ChannelConfig{OnRequest: func(r *ChannelRequest) { r.Reply(len(r.Payload)%2 == 0) }})
				if err == nil {
					chans = append(chans, c)
				}
			} // case 2: left pending
		}
		cfg.OnGlobalRequest = func(r *GlobalRequest) {
			if len(r.Payload) > 0 {
				r.Reply(true, r.Payload)
			}
		}
		m := New(discard{}, cfg)
		defer m.Close(nil)
		for len(in) >= 2 {
			l := int(in[0])<<8 | int(in[1])
			in = in[2:]
			if l > len(in) {
				l = len(in)
			}
			msg := in[:l]
			in = in[l:]
			if err := m.HandlePacket(msg); err != nil {
				break
			}
			for _, c := range chans {
				c.mu.Lock()
				b := c.stdout.Len() + c.stderr.Len()
				c.mu.Unlock()
				if b > window {
					t.Fatalf("channel buffers %d bytes, window %d", b, window)
				}
			}
			if len(chans) > cfg.MaxChannels {
				t.Fatal("too many channels")
			}
		}
	})
}

// discard is a PacketWriter that drops everything.
type discard struct{}

func (discard) WritePacket(hdr, body []byte) error { return nil }
