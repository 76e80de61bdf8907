package agent

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
)

func TestParseCygwinSocket(t *testing.T) {
	cs, err := parseCygwinSocket([]byte("!<socket >54321 s 01020304-A0B0C0D0-00000001-FFFFFFFF\x00"))
	if err != nil {
		t.Fatal(err)
	}
	want := [16]byte{4, 3, 2, 1, 0xd0, 0xc0, 0xb0, 0xa0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}
	if cs.port != 54321 || cs.secret != want {
		t.Fatalf("parsed %d %x", cs.port, cs.secret)
	}
	for _, bad := range []string{
		"", "!<socket >", "!<socket >1 s 0-0-0-0", "!<socket >70000 s 01020304-A0B0C0D0-00000001-FFFFFFFF",
		"!<socket >22 d 01020304-A0B0C0D0-00000001-FFFFFFFF", "!<socket >22 s 01020304-A0B0C0D0-00000001",
		"!<socket >22 s 0102030X-A0B0C0D0-00000001-FFFFFFFF",
	} {
		if _, err := parseCygwinSocket([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestCygwinHandshake(t *testing.T) {
	cs := &cygwinSocket{secret: [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}}
	a, b := net.Pipe()
	defer a.Close()
	got := make(chan []byte, 1)
	go func() {
		defer b.Close()
		buf := make([]byte, 28)
		io.ReadFull(b, buf[:16])
		b.Write(buf[:16])
		io.ReadFull(b, buf[16:])
		b.Write(make([]byte, 12))
		got <- buf
	}()
	if err := cygwinHandshake(a, cs, 0x01020304); err != nil {
		t.Fatal(err)
	}
	buf := <-got
	if !bytes.Equal(buf[:16], cs.secret[:]) || !bytes.Equal(buf[16:20], []byte{4, 3, 2, 1}) {
		t.Fatalf("handshake bytes %x", buf)
	}
}

func FuzzParseCygwinSocket(f *testing.F) {
	f.Add([]byte("!<socket >54321 s 01020304-A0B0C0D0-00000001-FFFFFFFF\x00"))
	f.Add([]byte("!<socket >1 s 0-0-0-0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := parseCygwinSocket(b)
		if err == nil && (cs.port <= 0 || cs.port > 65535) {
			t.Fatalf("port %d accepted", cs.port)
		}
	})
}
