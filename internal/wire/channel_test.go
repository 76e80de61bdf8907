package wire

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// codec is a message or a message body: something that encodes to bytes
// and decodes back.
type codec interface {
	Unmarshal([]byte) error
}

// encode returns the encoding of v, whichever method name it uses.
func encode(v codec) []byte {
	switch m := v.(type) {
	case interface{ Marshal([]byte) []byte }:
		return m.Marshal(nil)
	case interface{ Append([]byte) []byte }:
		return m.Append(nil)
	}
	panic("no encoder")
}

type codecCase struct {
	name string
	in   codec
	// fresh returns an empty value of the same type to decode into.
	fresh func() codec
	// open: the encoding ends with raw, unchecked bytes, so trailing bytes
	// are part of the message and some prefixes decode.
	open bool
	// optional: some strict prefixes are valid (optional trailing fields).
	optional bool
}

func channelCases() []codecCase {
	return []codecCase{
		{"ChannelOpen", &ChannelOpen{ChanType: "session", SenderChannel: 7, InitialWindow: 1 << 21, MaxPacket: 1 << 15, Extra: []byte{1, 2, 3}},
			func() codec { return new(ChannelOpen) }, true, false},
		{"ChannelOpenConfirm", &ChannelOpenConfirm{RecipientChannel: 1, SenderChannel: 2, InitialWindow: 3, MaxPacket: 4, Extra: []byte{}},
			func() codec { return new(ChannelOpenConfirm) }, true, false},
		{"ChannelOpenFailure", &ChannelOpenFailure{RecipientChannel: 9, Reason: OpenConnectFailed, Message: "no route", Language: "en"},
			func() codec { return new(ChannelOpenFailure) }, false, true},
		{"ChannelWindowAdjust", &ChannelWindowAdjust{RecipientChannel: 5, BytesToAdd: 1 << 20},
			func() codec { return new(ChannelWindowAdjust) }, false, false},
		{"ChannelData", &ChannelData{RecipientChannel: 3, Data: []byte("hello")},
			func() codec { return new(ChannelData) }, false, false},
		{"ChannelExtendedData", &ChannelExtendedData{RecipientChannel: 3, Code: ExtendedDataStderr, Data: []byte("oops")},
			func() codec { return new(ChannelExtendedData) }, false, false},
		{"ChannelEOF", &ChannelRecipient{Msg: MsgChannelEOF, RecipientChannel: 4},
			func() codec { return new(ChannelRecipient) }, false, false},
		{"ChannelClose", &ChannelRecipient{Msg: MsgChannelClose, RecipientChannel: 4},
			func() codec { return new(ChannelRecipient) }, false, false},
		{"ChannelSuccess", &ChannelRecipient{Msg: MsgChannelSuccess, RecipientChannel: 4},
			func() codec { return new(ChannelRecipient) }, false, false},
		{"ChannelFailure", &ChannelRecipient{Msg: MsgChannelFailure, RecipientChannel: 4},
			func() codec { return new(ChannelRecipient) }, false, false},
		{"ChannelRequest", &ChannelRequest{RecipientChannel: 8, Request: "exec", WantReply: true, Payload: []byte{0, 0, 0, 2, 'l', 's'}},
			func() codec { return new(ChannelRequest) }, true, false},
		{"DirectTCPIP", &DirectTCPIP{"example.com", 443, "10.0.0.1", 51000},
			func() codec { return new(DirectTCPIP) }, false, false},
		{"ForwardedTCPIP", &ForwardedTCPIP{"0.0.0.0", 8080, "192.0.2.4", 60000},
			func() codec { return new(ForwardedTCPIP) }, false, false},
		{"X11Open", &X11Open{"127.0.0.1", 6010},
			func() codec { return new(X11Open) }, false, false},
		{"DirectStreamlocal", &DirectStreamlocal{SocketPath: "/tmp/s.sock", Reserved: "", ReservedPort: 0},
			func() codec { return new(DirectStreamlocal) }, false, true},
		{"ForwardedStreamlocal", &ForwardedStreamlocal{SocketPath: "/run/x.sock", Reserved: ""},
			func() codec { return new(ForwardedStreamlocal) }, false, true},
		{"PtyRequest", &PtyRequest{Term: "xterm-256color", Columns: 80, Rows: 24, WidthPixels: 640, HeightPixels: 480,
			Modes: TerminalModes{TermECHO: 1, TermISPEED: 38400}.Append(nil)},
			func() codec { return new(PtyRequest) }, false, false},
		{"X11Request", &X11Request{true, "MIT-MAGIC-COOKIE-1", "00112233", 0},
			func() codec { return new(X11Request) }, false, false},
		{"EnvRequest", &EnvRequest{"LANG", "C.UTF-8"},
			func() codec { return new(EnvRequest) }, false, false},
		{"ExecRequest", &ExecRequest{"ls -l \xff"},
			func() codec { return new(ExecRequest) }, false, false},
		{"SubsystemRequest", &SubsystemRequest{"sftp"},
			func() codec { return new(SubsystemRequest) }, false, false},
		{"WindowChange", &WindowChange{120, 40, 0, 0},
			func() codec { return new(WindowChange) }, false, false},
		{"XonXoff", &XonXoff{true},
			func() codec { return new(XonXoff) }, false, false},
		{"SignalRequest", &SignalRequest{SignalTERM},
			func() codec { return new(SignalRequest) }, false, false},
		{"ExitStatus", &ExitStatus{127},
			func() codec { return new(ExitStatus) }, false, false},
		{"ExitSignal", &ExitSignal{SignalSEGV, true, "Segmentation fault", "en-US"},
			func() codec { return new(ExitSignal) }, false, false},
		{"GlobalRequest", &GlobalRequest{"tcpip-forward", true, []byte{0, 0, 0, 0, 0, 0, 0, 80}},
			func() codec { return new(GlobalRequest) }, true, false},
		{"RequestSuccess", &RequestSuccess{[]byte{0, 0, 0x1f, 0x90}},
			func() codec { return new(RequestSuccess) }, true, false},
		{"TCPIPForward", &TCPIPForward{"localhost", 0},
			func() codec { return new(TCPIPForward) }, false, false},
		{"TCPIPForwardReply", &TCPIPForwardReply{40123},
			func() codec { return new(TCPIPForwardReply) }, false, false},
		{"StreamlocalForward", &StreamlocalForward{"/tmp/fwd.sock"},
			func() codec { return new(StreamlocalForward) }, false, false},
	}
}

func TestChannelCodecsRoundTrip(t *testing.T) {
	for _, c := range channelCases() {
		t.Run(c.name, func(t *testing.T) {
			b := encode(c.in)
			out := c.fresh()
			if err := out.Unmarshal(b); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(c.in, out) {
				t.Fatalf("round trip:\n%+v\n%+v", c.in, out)
			}
			if !bytes.Equal(encode(out), b) {
				t.Fatal("re-encoding differs")
			}
			if c.open || c.optional {
				return
			}
			for i := 0; i < len(b); i++ {
				if err := c.fresh().Unmarshal(b[:i]); !errors.Is(err, ErrMalformed) {
					t.Fatalf("prefix of %d bytes: err = %v", i, err)
				}
			}
			if err := c.fresh().Unmarshal(append(b, 0)); !errors.Is(err, ErrMalformed) {
				t.Fatalf("trailing byte: err = %v", err)
			}
		})
	}
}

// Messages must reject a payload that carries another message number.
func TestChannelMessagesCheckNumber(t *testing.T) {
	for _, c := range channelCases() {
		b := encode(c.in)
		if _, ok := c.in.(interface{ Marshal([]byte) []byte }); !ok {
			continue
		}
		b[0] = MsgIgnore
		if err := c.fresh().Unmarshal(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s with wrong number: err = %v", c.name, err)
		}
	}
	if err := UnmarshalRequestFailure([]byte{MsgRequestFailure}); err != nil {
		t.Fatal(err)
	}
	if err := UnmarshalRequestFailure(MarshalRequestFailure(nil)); err != nil {
		t.Fatal(err)
	}
	for _, p := range [][]byte{nil, {MsgRequestSuccess}, {MsgRequestFailure, 0}} {
		if err := UnmarshalRequestFailure(p); err == nil {
			t.Errorf("UnmarshalRequestFailure(%x) accepted", p)
		}
	}
}

func TestProtoNamesChecked(t *testing.T) {
	bad := []string{"", "has space", "tab\t", "\x7f", string(make([]byte, 65))}
	for _, n := range bad {
		m := ChannelOpen{ChanType: n}
		if err := new(ChannelOpen).Unmarshal(m.Marshal(nil)); err == nil {
			t.Errorf("channel type %q accepted", n)
		}
		r := ChannelRequest{Request: n}
		if err := new(ChannelRequest).Unmarshal(r.Marshal(nil)); err == nil {
			t.Errorf("request name %q accepted", n)
		}
		g := GlobalRequest{Request: n}
		if err := new(GlobalRequest).Unmarshal(g.Marshal(nil)); err == nil {
			t.Errorf("global request name %q accepted", n)
		}
	}
}

func TestDataHeaders(t *testing.T) {
	h := AppendChannelDataHeader(nil, 0x01020304, 5)
	if len(h) != ChannelDataHeaderLen {
		t.Fatal(len(h))
	}
	var m ChannelData
	if err := m.Unmarshal(append(h, "abcde"...)); err != nil || m.RecipientChannel != 0x01020304 || string(m.Data) != "abcde" {
		t.Fatalf("%v %+v", err, m)
	}
	h = AppendChannelExtendedDataHeader(nil, 1, 2, 3)
	if len(h) != ChannelExtendedDataHeaderLen {
		t.Fatal(len(h))
	}
	var e ChannelExtendedData
	if err := e.Unmarshal(append(h, "xyz"...)); err != nil || e.Code != 2 || string(e.Data) != "xyz" {
		t.Fatalf("%v %+v", err, e)
	}
	// A length field claiming more than the payload holds.
	if err := m.Unmarshal(AppendChannelDataHeader(nil, 1, 1<<30)); err == nil {
		t.Fatal("overlong data length accepted")
	}
}

func TestOpenFailureWithoutLanguage(t *testing.T) {
	b := []byte{MsgChannelOpenFailure, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 'n', '\x1b'}
	var m ChannelOpenFailure
	if err := m.Unmarshal(b); err != nil {
		t.Fatal(err)
	}
	if m.Reason != 2 || m.Message != "n?" || m.Language != "" {
		t.Fatalf("%+v", m)
	}
}

func TestStreamlocalReservedOptional(t *testing.T) {
	b := AppendText(nil, "/p")
	var d DirectStreamlocal
	if err := d.Unmarshal(b); err != nil || d.SocketPath != "/p" {
		t.Fatal(err, d)
	}
	if err := d.Unmarshal(AppendText(b, "")); err == nil {
		t.Fatal("reserved string without reserved uint32 accepted")
	}
	var f ForwardedStreamlocal
	if err := f.Unmarshal(b); err != nil || f.SocketPath != "/p" {
		t.Fatal(err, f)
	}
}

func TestTerminalModes(t *testing.T) {
	in := TerminalModes{TermVINTR: 3, TermECHO: 0, TermIUTF8: 1, TermOSPEED: 9600, TermISPEED: 9600}
	b := in.Append(nil)
	want := []byte{1, 0, 0, 0, 3, 42, 0, 0, 0, 1, 53, 0, 0, 0, 0, 128, 0, 0, 0x25, 0x80, 129, 0, 0, 0x25, 0x80, 0}
	if !bytes.Equal(b, want) {
		t.Fatalf("encoding\n got %x\nwant %x", b, want)
	}
	out, err := ParseTerminalModes(b)
	if err != nil || !reflect.DeepEqual(in, out) {
		t.Fatalf("%v %v", err, out)
	}
	// Missing TTY_OP_END is tolerated; parsing stops at opcodes >= 160.
	out, err = ParseTerminalModes([]byte{53, 0, 0, 0, 1, 160, 1, 2})
	if err != nil || len(out) != 1 || out[TermECHO] != 1 {
		t.Fatalf("%v %v", err, out)
	}
	// Data after TTY_OP_END is ignored.
	out, err = ParseTerminalModes([]byte{0, 53, 0})
	if err != nil || len(out) != 0 {
		t.Fatalf("%v %v", err, out)
	}
	if _, err := ParseTerminalModes([]byte{53, 0, 0, 0}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("truncated argument: %v", err)
	}
	// Invalid opcodes are not encoded.
	if b := (TerminalModes{TermEnd: 1, 200: 5}).Append(nil); !bytes.Equal(b, []byte{0}) {
		t.Fatalf("%x", b)
	}
	if TermECHO.String() != "ECHO" || TerminalMode(99).String() != "mode(99)" || TermISPEED.String() != "TTY_OP_ISPEED" {
		t.Fatal("names")
	}
}

// FuzzChannelCodecs decodes arbitrary bytes as every channel and global
// message and body; whatever decodes must re-encode to something that
// decodes to the same value.
func FuzzChannelCodecs(f *testing.F) {
	for _, c := range channelCases() {
		f.Add(encode(c.in))
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range channelCases() {
			v := c.fresh()
			if v.Unmarshal(b) != nil {
				continue
			}
			w := c.fresh()
			if err := w.Unmarshal(encode(v)); err != nil {
				t.Fatalf("%s: re-decode: %v", c.name, err)
			}
			if !reflect.DeepEqual(v, w) {
				t.Fatalf("%s: %+v != %+v", c.name, v, w)
			}
		}
		if m, err := ParseTerminalModes(b); err == nil {
			m2, err := ParseTerminalModes(m.Append(nil))
			if err != nil || !reflect.DeepEqual(m, m2) {
				t.Fatalf("modes: %v %v %v", err, m, m2)
			}
		}
	})
}
