package transport

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"sync"

	"github.com/ssh2go/ssh2/internal/transport/cipher"
)

// DefaultMaxPacket is the largest packet_length accepted by default:
// OpenSSH's limit, well above the 35000 bytes RFC 4253 §6.1 requires.
const DefaultMaxPacket = 256 * 1024

// minPadding is the least padding RFC 4253 §6 allows.
const minPadding = 4

// packetReader reads and opens binary packets (RFC 4253 §6). It is used
// by one goroutine only. The slice read returns is valid until the next
// read: the buffer goes back to a pool when read is called again, so an
// idle connection, blocked waiting for a header, holds no packet buffer.
type packetReader struct {
	r         *bufio.Reader
	opener    cipher.Opener
	seq       uint32
	maxPacket int
	hdr       [32]byte // the first HeaderLen bytes of the packet being read
	buf       *[]byte  // the packet being read or last returned
	bytes     uint64   // bytes read since the last key change
	packets   uint64   // packets read since the last key change
}

func (p *packetReader) read() ([]byte, error) {
	p.release()
	hl := p.opener.HeaderLen()
	if hl > len(p.hdr) {
		return nil, &protocolError{reason: 2, msg: "cipher header too long"}
	}
	if _, err := io.ReadFull(p.r, p.hdr[:hl]); err != nil {
		return nil, err
	}
	n, err := p.opener.Length(p.seq, p.hdr[:hl])
	if err != nil {
		return nil, &protocolError{reason: 2, msg: err.Error()}
	}
	if n < 1+minPadding || n > uint32(p.maxPacket) {
		return nil, &protocolError{reason: 2, msg: fmt.Sprintf("packet length %d out of range", n)}
	}
	total := 4 + int(n) + p.opener.Overhead()
	if total < hl {
		return nil, &protocolError{reason: 2, msg: "packet shorter than cipher block"}
	}
	p.buf = getBuffer(total)
	b := (*p.buf)[:total]
	copy(b, p.hdr[:hl])
	if _, err := io.ReadFull(p.r, b[hl:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	pt, err := p.opener.Open(p.seq, b)
	if err != nil {
		return nil, &protocolError{reason: 5, msg: err.Error()} // MAC error
	}
	p.seq++
	p.bytes += uint64(total)
	p.packets++
	if len(pt) != 4+int(n) {
		return nil, &protocolError{reason: 2, msg: "cipher returned a packet of the wrong size"}
	}
	pad := int(pt[4])
	if pad < minPadding || 1+pad >= int(n) {
		return nil, &protocolError{reason: 2, msg: fmt.Sprintf("bad padding length %d", pad)}
	}
	return pt[5 : 4+int(n)-pad], nil
}

// release returns the last packet's buffer to the pool.
func (p *packetReader) release() {
	if p.buf != nil {
		putBuffer(p.buf)
		p.buf = nil
	}
}

// packetWriter seals and writes binary packets. The caller serialises
// calls. A packet goes out in one Write, from a pooled buffer, unless the
// caller holds it back (writeHeld) to send a run of channel data packets
// in one Write; an idle connection holds no buffer either way.
type packetWriter struct {
	w       io.Writer
	sealer  cipher.Sealer
	seq     uint32
	pad     *mrand.ChaCha8 // padding bytes: unpredictable, cheap, allocation-free
	bytes   uint64
	packets uint64
	held    *[]byte // sealed packets not yet written; nil when none
}

// heldSize bounds the sealed packets held back before one Write: eight
// full 32 KiB channel data packets.
const heldSize = 8 * pooledSize

var heldPool = sync.Pool{New: func() any {
	b := make([]byte, 0, heldSize)
	return &b
}}

func newPacketWriter(w io.Writer) packetWriter {
	var seed [32]byte
	_, _ = rand.Read(seed[:]) // crypto/rand.Read never fails on supported platforms
	return packetWriter{w: w, sealer: cipher.NewNoneSealer(), pad: mrand.NewChaCha8(seed)}
}

// write sends one packet whose payload is hdr followed by body, after any
// packets held back.
func (p *packetWriter) write(hdr, body []byte) error {
	if p.held == nil {
		plen, total := p.sizes(len(hdr) + len(body))
		buf := getBuffer(total)
		defer putBuffer(buf)
		out := p.seal((*buf)[:4+plen:total], hdr, body)
		_, err := p.w.Write(out)
		return err
	}
	if err := p.writeHeld(hdr, body); err != nil {
		return err
	}
	return p.flush()
}

// writeHeld seals a packet and holds it back, to be written with the
// packets that follow; the caller must write or flush soon.
func (p *packetWriter) writeHeld(hdr, body []byte) error {
	plen, total := p.sizes(len(hdr) + len(body))
	if p.held != nil && len(*p.held)+total > cap(*p.held) {
		if err := p.flush(); err != nil {
			return err
		}
	}
	if total > heldSize {
		return p.write(hdr, body) // a rare jumbo packet goes alone
	}
	if p.held == nil {
		p.held = heldPool.Get().(*[]byte)
	}
	start := len(*p.held)
	region := (*p.held)[start : start+4+plen : start+total]
	out := p.seal(region, hdr, body)
	if &out[0] != &region[0] {
		copy((*p.held)[start:start+total], out)
	}
	*p.held = (*p.held)[:start+len(out)]
	return nil
}

// flush writes the packets held back, if any.
func (p *packetWriter) flush() error {
	if p.held == nil {
		return nil
	}
	_, err := p.w.Write(*p.held)
	*p.held = (*p.held)[:0]
	heldPool.Put(p.held)
	p.held = nil
	return err
}

// sizes returns the packet length field for a payload of n bytes and the
// packet's size on the wire.
func (p *packetWriter) sizes(n int) (plen, total int) {
	bs := p.sealer.BlockSize()
	aligned := 5 + n
	if p.sealer.LengthInClear() {
		aligned = 1 + n
	}
	pad := bs - aligned%bs
	if pad < minPadding {
		pad += bs
	}
	plen = 1 + n + pad
	return plen, 4 + plen + p.sealer.Overhead()
}

// seal fills b (len 4+plen, with capacity for the MAC or tag) with the
// packet carrying hdr and body, and seals it in place.
func (p *packetWriter) seal(b, hdr, body []byte) []byte {
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	n := 5 + copy(b[5:], hdr)
	n += copy(b[n:], body)
	b[4] = byte(len(b) - n)
	p.fillPadding(b[n:])
	out := p.sealer.Seal(p.seq, b)
	p.seq++
	p.bytes += uint64(len(out))
	p.packets++
	return out
}

func (p *packetWriter) fillPadding(b []byte) {
	for len(b) >= 8 {
		binary.LittleEndian.PutUint64(b, p.pad.Uint64())
		b = b[8:]
	}
	if len(b) > 0 {
		var t [8]byte
		binary.LittleEndian.PutUint64(t[:], p.pad.Uint64())
		copy(b, t[:])
	}
}
