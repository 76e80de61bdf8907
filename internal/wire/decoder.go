package wire

import (
	"encoding/binary"
	"errors"
	"math/big"
	"strings"
	"unicode/utf8"
)

// ErrMalformed reports bytes that do not decode as the expected SSH data.
var ErrMalformed = errors.New("wire: malformed message")

// Decoder reads SSH data types from a byte slice. The zero value holds no
// data. The first failed read makes the decoder fail: every later read
// returns a zero value and Err reports ErrMalformed. Byte slices it returns
// alias the input.
type Decoder struct {
	buf    []byte
	failed bool
}

// NewDecoder returns a Decoder over b.
func NewDecoder(b []byte) Decoder { return Decoder{buf: b} }

// Err returns ErrMalformed if any read failed.
func (d *Decoder) Err() error {
	if d.failed {
		return ErrMalformed
	}
	return nil
}

// Finish returns an error if any read failed or unread bytes remain.
func (d *Decoder) Finish() error {
	if d.failed || len(d.buf) != 0 {
		return ErrMalformed
	}
	return nil
}

// Len is the number of unread bytes.
func (d *Decoder) Len() int { return len(d.buf) }

// Fail marks the decoder failed, for callers that find a semantic error.
func (d *Decoder) Fail() { d.failed = true; d.buf = nil }

func (d *Decoder) take(n int) []byte {
	if d.failed || n < 0 || n > len(d.buf) {
		d.Fail()
		return nil
	}
	b := d.buf[:n:n]
	d.buf = d.buf[n:]
	return b
}

// Byte reads one byte.
func (d *Decoder) Byte() byte {
	b := d.take(1)
	if b == nil {
		return 0
	}
	return b[0]
}

// Bool reads a boolean (RFC 4251 §5: any non-zero value is true).
func (d *Decoder) Bool() bool { return d.Byte() != 0 }

// Uint32 reads a big-endian uint32.
func (d *Decoder) Uint32() uint32 {
	b := d.take(4)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

// Uint64 reads a big-endian uint64.
func (d *Decoder) Uint64() uint64 {
	b := d.take(8)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// Bytes reads exactly n raw bytes.
func (d *Decoder) Bytes(n int) []byte { return d.take(n) }

// String reads a length-prefixed string and returns it without copying.
func (d *Decoder) String() []byte {
	n := d.Uint32()
	if d.failed {
		return nil
	}
	if uint64(n) > uint64(len(d.buf)) {
		d.Fail()
		return nil
	}
	return d.take(int(n))
}

// Text reads a string that must be valid UTF-8 and copies it.
func (d *Decoder) Text() string {
	b := d.String()
	if !utf8.Valid(b) {
		d.Fail()
		return ""
	}
	return string(b)
}

// NameList reads a comma-separated name-list (RFC 4251 §5). Names must be
// non-empty US-ASCII without commas.
func (d *Decoder) NameList() []string {
	b := d.String()
	if d.failed || len(b) == 0 {
		return nil
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f {
			d.Fail()
			return nil
		}
	}
	names := strings.Split(string(b), ",")
	for _, n := range names {
		if n == "" {
			d.Fail()
			return nil
		}
	}
	return names
}

// MpintBytes reads an mpint and returns its raw two's-complement bytes,
// rejecting non-minimal encodings (RFC 4251 §5).
func (d *Decoder) MpintBytes() []byte {
	b := d.String()
	if len(b) == 0 {
		return b
	}
	if b[0] == 0 && (len(b) == 1 || b[1]&0x80 == 0) {
		d.Fail()
		return nil
	}
	if b[0] == 0xff && len(b) > 1 && b[1]&0x80 != 0 {
		d.Fail()
		return nil
	}
	return b
}

// Mpint reads a non-negative mpint as a big.Int. Negative values fail.
func (d *Decoder) Mpint() *big.Int {
	b := d.MpintBytes()
	if d.failed {
		return nil
	}
	if len(b) > 0 && b[0]&0x80 != 0 {
		d.Fail()
		return nil
	}
	return new(big.Int).SetBytes(b)
}

// Rest returns all unread bytes.
func (d *Decoder) Rest() []byte {
	if d.failed {
		return nil
	}
	b := d.buf
	d.buf = nil
	return b
}
