package sftp

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

func TestChunkSizes(t *testing.T) {
	for _, tc := range []struct {
		name        string
		limits      Limits
		chunk       int
		read, write int
	}{
		{"no limits", Limits{}, 0, defaultChunk, defaultChunk},
		{"OpenSSH", Limits{256 << 10, 255 << 10, 255 << 10, 0}, 0, 255 << 10, 255 << 10},
		{"small read and write", Limits{256 << 10, 100, 200, 0}, 0, 100, 200},
		{"one byte", Limits{0, 1, 1, 0}, 0, 1, 1},
		{"packet bound only", Limits{1000, 0, 0, 0}, 0, 1000 - dataHeaderLen, 1000 - writeHeaderLen},
		{"packet below the headers", Limits{100, 0, 0, 0}, 0, 100 - dataHeaderLen, 1},
		{"chosen size under the limits", Limits{256 << 10, 255 << 10, 255 << 10, 0}, 40000, 40000, 40000},
		{"chosen size over the limits", Limits{0, 300, 400, 0}, 40000, 300, 400},
		{"tiny chosen size, no limits: the floor", Limits{}, 10, minChunk, minChunk},
		{"tiny chosen size, tinier limits", Limits{0, 100, 50, 0}, 10, 100, 50},
	} {
		c := &Client{cfg: clientConfig{maxPacket: DefaultMaxPacket, chunkSize: tc.chunk}, limits: tc.limits}
		if r, w := c.chunkSizes(); r != tc.read || w != tc.write {
			t.Errorf("%s: read %d write %d, want %d %d", tc.name, r, w, tc.read, tc.write)
		}
	}
}

// TestServerLimitsRespected runs transfers against OpenSSH's sftp-server
// whose limits@openssh.com reply is rewritten on the way to smaller
// figures, and checks every READ and WRITE the client sends: none is
// larger than the limits, the largest is exactly the limit, and the data
// arrives byte-exact.
func TestServerLimitsRespected(t *testing.T) {
	for _, tc := range []struct {
		name        string
		limits      limitFigures // what the client is told
		read, write int          // the largest payloads expected
	}{
		{"read 100 write 200", limitFigures{read: 100, write: 200}, 100, 200},
		{"packet 1000", limitFigures{packet: 1000, read: noLimit, write: noLimit}, 1000 - dataHeaderLen, 1000 - writeHeaderLen},
		{"no limits", limitFigures{packet: noLimit, read: noLimit, write: noLimit}, defaultChunk, defaultChunk},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var spy *limitsSpy
			c := openSSHClientWrap(t, dir, func(nc net.Conn) io.ReadWriteCloser {
				spy = &limitsSpy{Conn: nc, rewrite: tc.limits}
				return spy
			})
			ctx := context.Background()
			data := randBytes(70000+17, 21)
			src, dst := filepath.Join(t.TempDir(), "src"), filepath.Join(t.TempDir(), "dst")
			if err := os.WriteFile(src, data, 0o600); err != nil {
				t.Fatal(err)
			}
			if n, err := c.Upload(ctx, src, "up", nil); err != nil || n != int64(len(data)) {
				t.Fatal(n, err)
			}
			mustEqualFile(t, filepath.Join(dir, "up"), data)
			if n, err := c.Download(ctx, "up", dst, nil); err != nil || n != int64(len(data)) {
				t.Fatal(n, err)
			}
			mustEqualFile(t, dst, data)
			f, err := c.Create(ctx, "f")
			if err != nil {
				t.Fatal(err)
			}
			if n, err := f.WriteAt(data, 3); err != nil || n != len(data) {
				t.Fatal(n, err)
			}
			p := make([]byte, len(data))
			if n, err := f.ReadAt(p, 3); err != nil || n != len(p) || !bytes.Equal(p, data) {
				t.Fatalf("ReadAt: %d, %v", n, err)
			}
			var buf bytes.Buffer
			f.Seek(3, io.SeekStart)
			if n, err := io.Copy(&buf, f); err != nil || !bytes.Equal(buf.Bytes(), data) {
				t.Fatalf("io.Copy: %d, %v", n, err)
			}
			f.Close()
			read, write, err := spy.largest()
			if err != nil {
				t.Fatal(err)
			}
			if read != tc.read || write != tc.write {
				t.Errorf("largest READ %d, WRITE %d; want exactly %d and %d", read, write, tc.read, tc.write)
			}
		})
	}
}

// limitFigures are the figures limitsSpy puts in a limits@openssh.com
// reply: 0 keeps the server's, noLimit sends 0 (no limit).
type limitFigures struct{ packet, read, write uint64 }

// noLimit asks limitsSpy to report a limit as 0 (none).
const noLimit = ^uint64(0)

// limitsSpy sits between our client and a server: it rewrites the
// limits@openssh.com reply with the non-zero figures of rewrite, and
// records the largest READ length and WRITE payload the client sends.
type limitsSpy struct {
	net.Conn
	rewrite limitFigures

	limitsID  atomic.Int64 // id of the limits request (ids start at 1)
	rewritten atomic.Bool  // whether its reply was rewritten
	rbuf      []byte       // reply bytes not yet delivered (reader only)

	mu          sync.Mutex // guards the client's side below
	wbuf        []byte     // client bytes not yet parsed
	read, write int
	err         error
}

func (s *limitsSpy) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.wbuf = append(s.wbuf, p...)
	for len(s.wbuf) >= 4 {
		n := int(binary.BigEndian.Uint32(s.wbuf))
		if len(s.wbuf) < 4+n {
			break
		}
		s.request(s.wbuf[4 : 4+n])
		s.wbuf = s.wbuf[4+n:]
	}
	s.mu.Unlock()
	return s.Conn.Write(p)
}

// request records one request body.
func (s *limitsSpy) request(b []byte) {
	d := decoder{b: b}
	typ := d.byte()
	id := d.uint32()
	switch typ {
	case fxpRead:
		d.string()
		d.uint64()
		s.read = max(s.read, int(d.uint32()))
	case fxpWrite:
		d.string()
		d.uint64()
		s.write = max(s.write, len(d.bytes()))
	case fxpExtended:
		if d.string() == extLimits {
			s.limitsID.Store(int64(id))
		}
	}
	if d.failed {
		s.err = ErrMalformed
	}
}

func (s *limitsSpy) Read(p []byte) (int, error) {
	if len(s.rbuf) == 0 {
		var hdr [4]byte
		if _, err := io.ReadFull(s.Conn, hdr[:]); err != nil {
			return 0, err
		}
		body := make([]byte, binary.BigEndian.Uint32(hdr[:]))
		if _, err := io.ReadFull(s.Conn, body); err != nil {
			return 0, io.ErrUnexpectedEOF
		}
		if len(body) == 1+4+32 && body[0] == fxpExtendedReply && int64(binary.BigEndian.Uint32(body[1:])) == s.limitsID.Load() {
			for i, v := range []uint64{s.rewrite.packet, s.rewrite.read, s.rewrite.write} {
				switch v {
				case 0:
				case noLimit:
					binary.BigEndian.PutUint64(body[5+8*i:], 0)
				default:
					binary.BigEndian.PutUint64(body[5+8*i:], v)
				}
			}
			s.rewritten.Store(true)
		}
		s.rbuf = append(hdr[:], body...)
	}
	n := copy(p, s.rbuf)
	s.rbuf = s.rbuf[n:]
	return n, nil
}

// largest returns the largest READ length and WRITE payload sent.
func (s *limitsSpy) largest() (read, write int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.rewritten.Load() {
		return 0, 0, errors.New("no limits@openssh.com reply was rewritten")
	}
	return s.read, s.write, s.err
}
