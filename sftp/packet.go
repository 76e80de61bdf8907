package sftp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ProtocolVersion is the SFTP protocol version this package speaks.
const ProtocolVersion = 3

// Packet types (draft-ietf-secsh-filexfer-02 section 3).
const (
	fxpInit          = 1
	fxpVersion       = 2
	fxpOpen          = 3
	fxpClose         = 4
	fxpRead          = 5
	fxpWrite         = 6
	fxpLstat         = 7
	fxpFstat         = 8
	fxpSetstat       = 9
	fxpFsetstat      = 10
	fxpOpendir       = 11
	fxpReaddir       = 12
	fxpRemove        = 13
	fxpMkdir         = 14
	fxpRmdir         = 15
	fxpRealpath      = 16
	fxpStat          = 17
	fxpRename        = 18
	fxpReadlink      = 19
	fxpSymlink       = 20
	fxpStatus        = 101
	fxpHandle        = 102
	fxpData          = 103
	fxpName          = 104
	fxpAttrs         = 105
	fxpExtended      = 200
	fxpExtendedReply = 201
)

// Size limits.
const (
	// DefaultMaxPacket is the default bound on the length of one incoming
	// packet (excluding its 4-byte length field), as OpenSSH's sftp-server
	// uses. Packets announcing a larger length end the session.
	DefaultMaxPacket = 256 * 1024

	// MaxHandleLen is the longest handle the protocol allows (256 bytes).
	MaxHandleLen = 256

	// minMaxPacket is the smallest packet bound we accept as configuration:
	// a 32 KiB data payload plus headers must fit (draft section 3).
	minMaxPacket = 34000

	// dataHeaderLen is the size of a DATA reply before its payload:
	// type, id and the payload's length.
	dataHeaderLen = 1 + 4 + 4
)

// ErrMalformed reports a packet that does not decode as the message its
// type announces: too short, too long, or with an impossible field.
var ErrMalformed = errors.New("sftp: malformed packet")

// ErrPacketTooLarge reports a packet whose announced length exceeds the
// configured bound.
var ErrPacketTooLarge = errors.New("sftp: packet too large")

// ErrClosed is returned by operations on a closed [Client], [File] or
// [Server].
var ErrClosed = errors.New("sftp: closed")

// errShortPacket is returned for a packet too short to hold a type and id.
var errShortPacket = fmt.Errorf("%w: too short", ErrMalformed)

// decoder reads SFTP data types from a byte slice with bounds checks. The
// first failed read makes every later read return a zero value, and err
// reports ErrMalformed. Strings and byte slices alias the input.
type decoder struct {
	b      []byte
	failed bool
}

func (d *decoder) fail() { d.failed = true; d.b = nil }

func (d *decoder) take(n int) []byte {
	if d.failed || n < 0 || n > len(d.b) {
		d.fail()
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	v := d.take(1)
	if v == nil {
		return 0
	}
	return v[0]
}

func (d *decoder) uint32() uint32 {
	v := d.take(4)
	if v == nil {
		return 0
	}
	return binary.BigEndian.Uint32(v)
}

func (d *decoder) uint64() uint64 {
	v := d.take(8)
	if v == nil {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// bytes reads a length-prefixed byte string, aliasing the input.
func (d *decoder) bytes() []byte {
	n := d.uint32()
	if d.failed {
		return nil
	}
	if uint64(n) > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	return d.take(int(n))
}

func (d *decoder) string() string { return string(d.bytes()) }

// count reads a uint32 element count and rejects counts that cannot fit
// in the remaining bytes given the minimum element size, so a hostile count
// never drives an allocation larger than the packet itself.
func (d *decoder) count(minElem int) int {
	n := d.uint32()
	if d.failed {
		return 0
	}
	if uint64(n)*uint64(minElem) > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

// finish reports ErrMalformed if a read failed or bytes remain unread.
func (d *decoder) finish() error {
	if d.failed || len(d.b) != 0 {
		return ErrMalformed
	}
	return nil
}

func appendUint32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }
func appendUint64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }

func appendString(b []byte, s string) []byte {
	b = appendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func appendBytes(b []byte, s []byte) []byte {
	b = appendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// beginPacket starts a packet of the given type in b (usually b[:0]),
// leaving room for the length, which finishPacket fills in.
func beginPacket(b []byte, typ byte) []byte {
	return append(b, 0, 0, 0, 0, typ)
}

// beginRequest starts a packet with a request id.
func beginRequest(b []byte, typ byte, id uint32) []byte {
	return appendUint32(beginPacket(b, typ), id)
}

// finishPacket writes the length of the packet that starts at b[0].
func finishPacket(b []byte) []byte {
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	return b
}

// readPacket reads one packet from r into buf (grown as needed up to max)
// and returns its body: the type byte and what follows. A length above max
// returns ErrPacketTooLarge without reading the body; a zero length returns
// errShortPacket.
func readPacket(r io.Reader, buf []byte, max uint32) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > max {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrPacketTooLarge, n, max)
	}
	if n == 0 {
		return nil, errShortPacket
	}
	if uint32(cap(buf)) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}

// validHandle reports whether h is an acceptable handle: non-empty and no
// longer than MaxHandleLen.
func validHandle(h []byte) bool { return len(h) > 0 && len(h) <= MaxHandleLen }
