package wire

import (
	"bytes"
	"reflect"
	"testing"
)

func TestKexInitRoundTrip(t *testing.T) {
	in := KexInit{
		KexAlgos:                []string{"curve25519-sha256", "ext-info-c"},
		HostKeyAlgos:            []string{"ssh-ed25519"},
		CiphersClientServer:     []string{"aes128-gcm@openssh.com"},
		CiphersServerClient:     []string{"aes128-gcm@openssh.com"},
		MACsClientServer:        []string{"hmac-sha2-256"},
		MACsServerClient:        []string{"hmac-sha2-256"},
		CompressionClientServer: []string{"none"},
		CompressionServerClient: []string{"none"},
		FirstKexFollows:         true,
	}
	in.Cookie[3] = 7
	b := in.Marshal(nil)
	var out KexInit
	if err := out.Unmarshal(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip:\n%+v\n%+v", in, out)
	}
	for i := 0; i < len(b); i++ {
		if err := out.Unmarshal(b[:i]); err == nil {
			t.Fatalf("truncated KEXINIT at %d accepted", i)
		}
	}
	if err := out.Unmarshal(append(b, 0)); err == nil {
		t.Fatal("trailing byte accepted")
	}
}

func TestNameListRejectsEmptyNames(t *testing.T) {
	for _, s := range []string{",a", "a,", "a,,b", "a b", "a\x00"} {
		d := NewDecoder(AppendText(nil, s))
		if d.NameList(); d.Err() == nil {
			t.Errorf("name-list %q accepted", s)
		}
	}
}

func TestMpint(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want []byte
	}{
		{nil, []byte{0, 0, 0, 0}},
		{[]byte{0, 0, 0x7f}, []byte{0, 0, 0, 1, 0x7f}},
		{[]byte{0x80}, []byte{0, 0, 0, 2, 0, 0x80}},
	} {
		got := AppendMpintUnsigned(nil, c.in)
		if !bytes.Equal(got, c.want) {
			t.Errorf("AppendMpintUnsigned(%x) = %x, want %x", c.in, got, c.want)
		}
		d := NewDecoder(got)
		v := d.Mpint()
		if d.Finish() != nil || !bytes.Equal(v.Bytes(), bytes.TrimLeft(c.in, "\x00")) {
			t.Errorf("Mpint(%x) = %v, %v", got, v, d.Err())
		}
	}
	for _, bad := range [][]byte{{0, 0, 0, 1, 0}, {0, 0, 0, 2, 0, 1}, {0, 0, 0, 1, 0x80}} {
		d := NewDecoder(bad)
		if d.Mpint(); d.Err() == nil {
			t.Errorf("mpint %x accepted", bad)
		}
	}
}

func TestExtInfoAndDisconnect(t *testing.T) {
	e := ExtInfo{Extensions: []Extension{{"server-sig-algs", []byte("ssh-ed25519")}, {"ping@openssh.com", []byte("0")}}}
	var e2 ExtInfo
	if err := e2.Unmarshal(e.Marshal(nil)); err != nil || !reflect.DeepEqual(e, e2) {
		t.Fatalf("ext-info round trip: %v %+v", err, e2)
	}
	if v, ok := e2.Lookup("ping@openssh.com"); !ok || string(v) != "0" {
		t.Fatal("lookup failed")
	}
	d := Disconnect{Reason: 11, Message: "bye\x1b[2J"}
	var d2 Disconnect
	if err := d2.Unmarshal(d.Marshal(nil)); err != nil || d2.Message != "bye?[2J" || d2.Reason != 11 {
		t.Fatalf("disconnect: %v %+v", err, d2)
	}
}

// FuzzTransportMessages feeds arbitrary bytes to every transport message
// decoder; none may panic, and what decodes must re-encode identically.
func FuzzTransportMessages(f *testing.F) {
	k := KexInit{KexAlgos: []string{"a"}}
	f.Add(k.Marshal(nil))
	f.Add((&ExtInfo{Extensions: []Extension{{"x", []byte("y")}}}).Marshal(nil))
	f.Add((&Disconnect{Reason: 2, Message: "m"}).Marshal(nil))
	f.Add((&Unimplemented{Seq: 9}).Marshal(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		var k, k2 KexInit
		if k.Unmarshal(b) == nil {
			// Booleans normalise to 0/1, so compare decoded values.
			if err := k2.Unmarshal(k.Marshal(nil)); err != nil || !reflect.DeepEqual(k, k2) {
				t.Fatalf("KEXINIT does not round-trip: %v", err)
			}
		}
		var e ExtInfo
		if e.Unmarshal(b) == nil && !bytes.Equal(e.Marshal(nil), b) {
			t.Fatalf("EXT_INFO re-encodes differently")
		}
		var d Disconnect
		_ = d.Unmarshal(b)
		var g Debug
		_ = g.Unmarshal(b)
		var u Unimplemented
		_ = u.Unmarshal(b)
	})
}
