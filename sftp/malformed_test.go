package sftp

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
)

// rawSession is our server driven with hand-made packets.
type rawSession struct {
	t    *testing.T
	w    *io.PipeWriter
	r    *io.PipeReader
	done chan error
	once sync.Once
	err  error
}

func newRawSession(t *testing.T, h Handler) *rawSession {
	cr, sw := io.Pipe()
	sr, cw := io.Pipe()
	rs := &rawSession{t: t, w: cw, r: cr, done: make(chan error, 1)}
	go func() {
		err := (&Server{Handler: h, MaxHandles: 4}).ServePipe(context.Background(), sr, sw)
		sw.Close()
		sr.Close()
		rs.done <- err
	}()
	rs.send(appendInit(nil, 3))
	body := rs.recv()
	if v, _, err := decodeVersion(body, fxpVersion); err != nil || v != 3 {
		t.Fatalf("version %d %v", v, err)
	}
	t.Cleanup(func() { rs.close() })
	return rs
}

func (rs *rawSession) send(pkt []byte) {
	if _, err := rs.w.Write(pkt); err != nil {
		rs.t.Fatalf("send: %v", err)
	}
}

func (rs *rawSession) recv() []byte {
	body, err := readPacket(rs.r, nil, 1<<20)
	if err != nil {
		rs.t.Fatalf("recv: %v", err)
	}
	return body
}

// expectStatus reads a reply and checks it is a STATUS with the code.
func (rs *rawSession) expectStatus(id uint32, code StatusCode) {
	rs.t.Helper()
	var rep reply
	if err := decodeReply(rs.recv(), &rep); err != nil {
		rs.t.Fatal(err)
	}
	if rep.typ != fxpStatus || rep.id != id || rep.status.Code != code {
		rs.t.Fatalf("got reply type %d id %d code %v, want status %v for id %d", rep.typ, rep.id, rep.status.Code, code, id)
	}
}

func (rs *rawSession) close() error {
	rs.once.Do(func() {
		rs.w.Close()
		rs.err = <-rs.done
		rs.r.Close()
	})
	return rs.err
}

func rawPacket(typ byte, id uint32, payload []byte) []byte {
	b := beginRequest(nil, typ, id)
	return finishPacket(append(b, payload...))
}

func TestServerMalformed(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("data"), 0o644)
	h, err := NewDirHandler(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	rs := newRawSession(t, h)

	// Unknown request type.
	rs.send(rawPacket(99, 1, nil))
	rs.expectStatus(1, StatusBadMessage)
	// Truncated OPEN (path length beyond the packet).
	rs.send(rawPacket(fxpOpen, 2, []byte{0, 0, 0, 200, 'x'}))
	rs.expectStatus(2, StatusBadMessage)
	// Trailing garbage.
	rs.send(rawPacket(fxpStat, 3, append(appendString(nil, "f"), 1, 2, 3)))
	rs.expectStatus(3, StatusBadMessage)
	// Attributes announcing a huge extended count.
	payload := appendString(nil, "f")
	payload = appendUint32(payload, AttrExtended)
	payload = appendUint32(payload, 0xffffffff)
	rs.send(rawPacket(fxpSetstat, 4, payload))
	rs.expectStatus(4, StatusBadMessage)
	// Unknown handles for every handle-taking request.
	for i, typ := range []byte{fxpRead, fxpWrite, fxpFstat, fxpClose, fxpReaddir, fxpFsetstat} {
		p := appendString(nil, "nonexistent")
		switch typ {
		case fxpRead:
			p = appendUint32(appendUint64(p, 0), 10)
		case fxpWrite:
			p = appendString(appendUint64(p, 0), "zz")
		case fxpFsetstat:
			p = appendUint32(p, 0)
		}
		rs.send(rawPacket(typ, uint32(10+i), p))
		rs.expectStatus(uint32(10+i), StatusFailure)
	}
	// A handle longer than 256 bytes.
	rs.send(rawPacket(fxpFstat, 20, appendString(nil, string(make([]byte, 300)))))
	rs.expectStatus(20, StatusBadMessage)
	// Invalid UTF-8 and NUL in paths.
	rs.send(rawPacket(fxpStat, 21, appendString(nil, "\xff\xfe")))
	rs.expectStatus(21, StatusBadMessage)
	rs.send(rawPacket(fxpStat, 22, appendString(nil, "f\x00../etc")))
	rs.expectStatus(22, StatusBadMessage)
	// Requests after CLOSE.
	rs.send(appendRequest(nil, &request{typ: fxpOpen, id: 30, path: "f", flags: FlagRead}))
	var rep reply
	if err := decodeReply(rs.recv(), &rep); err != nil || rep.typ != fxpHandle {
		t.Fatalf("open: %v %d", err, rep.typ)
	}
	hd := rep.handle
	rs.send(appendRequest(nil, &request{typ: fxpClose, id: 31, handle: hd}))
	rs.expectStatus(31, StatusOK)
	rs.send(appendRequest(nil, &request{typ: fxpRead, id: 32, handle: hd, length: 4}))
	rs.expectStatus(32, StatusFailure)
	rs.send(appendRequest(nil, &request{typ: fxpClose, id: 33, handle: hd}))
	rs.expectStatus(33, StatusFailure)
	// The handle bound (4 in this session).
	for i := 0; i < 4; i++ {
		rs.send(appendRequest(nil, &request{typ: fxpOpen, id: uint32(40 + i), path: "f", flags: FlagRead}))
		if err := decodeReply(rs.recv(), &rep); err != nil || rep.typ != fxpHandle {
			t.Fatalf("open %d: %v %d", i, err, rep.typ)
		}
	}
	rs.send(appendRequest(nil, &request{typ: fxpOpen, id: 50, path: "f", flags: FlagRead}))
	rs.expectStatus(50, StatusFailure)
	// A huge READ length is served capped, not allocated.
	rs.send(appendRequest(nil, &request{typ: fxpRead, id: 51, handle: rep.handle, length: 0xffffffff}))
	if err := decodeReply(rs.recv(), &rep); err != nil || rep.typ != fxpData || string(rep.data) != "data" {
		t.Fatalf("read: %v %d %q", err, rep.typ, rep.data)
	}
	// Unknown extension.
	rs.send(rawPacket(fxpExtended, 52, appendString(nil, "nope@example.com")))
	rs.expectStatus(52, StatusOpUnsupported)
	// Clean EOF ends the session without error, closing the open handles.
	if err := rs.close(); err != nil {
		t.Fatalf("server: %v", err)
	}
}

func TestServerOversizedPacket(t *testing.T) {
	rs := newRawSession(t, NewFSHandler(fstest.MapFS{}))
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], 0x7fffffff)
	go rs.w.Write(hdr[:]) // the server stops reading after the length
	// The server ends the session: its output reaches EOF.
	if _, err := readPacket(rs.r, nil, 1<<20); !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("read after oversized packet: %v", err)
	}
	if err := rs.close(); !errors.Is(err, ErrPacketTooLarge) {
		t.Fatalf("server error %v, want ErrPacketTooLarge", err)
	}
}

func TestServerBadInit(t *testing.T) {
	cr, sw := io.Pipe()
	sr, cw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- (&Server{Handler: NewFSHandler(fstest.MapFS{})}).ServePipe(context.Background(), sr, sw)
		sw.Close()
	}()
	go cw.Write(rawPacket(fxpOpen, 1, nil))
	if err := <-done; err == nil {
		t.Fatal("server accepted a session not starting with INIT")
	}
	cw.Close()
	cr.Close()
}

// TestClientMalformedReply checks the client ends the session cleanly on
// replies that do not parse or answer nothing.
func TestClientMalformedReply(t *testing.T) {
	for name, bad := range map[string][]byte{
		"unknown id":   finishPacket(appendUint32(beginRequest(nil, fxpStatus, 9999), 0)),
		"oversized":    {0x7f, 0xff, 0xff, 0xff},
		"short":        {0, 0, 0, 2, fxpStatus, 0},
		"bad handle":   finishPacket(appendUint32(beginRequest(nil, fxpHandle, 1), 5000)),
		"unknown type": finishPacket(beginRequest(nil, 77, 1)),
	} {
		t.Run(name, func(t *testing.T) {
			cr, sw := io.Pipe()
			sr, cw := io.Pipe()
			go func() {
				readPacket(sr, nil, 1<<20) // INIT
				sw.Write(appendVersion(nil, 3, nil))
				readPacket(sr, nil, 1<<20) // the STAT
				sw.Write(bad)
				io.Copy(io.Discard, sr)
				sw.Close()
			}()
			c, err := NewClientPipe(context.Background(), cr, cw)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Stat(context.Background(), "x"); err == nil {
				t.Fatal("stat succeeded")
			}
			c.Close()
			sr.Close()
		})
	}
}
