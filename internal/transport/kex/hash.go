package kex

import (
	"crypto"
	_ "crypto/sha1" // registers crypto.SHA1 for the legacy methods
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/binary"
	"errors"
	"hash"

	"github.com/ssh2go/ssh2/internal/wire"
)

// exchangeHash accumulates H = HASH(V_C || V_S || I_C || I_S || K_S || ...)
// (RFC 4253 §8) without building the concatenation in memory.
type exchangeHash struct {
	h   hash.Hash
	buf [5]byte
}

var errNoMagics = errors.New("kex: missing version and KEXINIT strings")

// newExchangeHash starts H with the items every method hashes first: the
// two identification strings, the two KEXINIT payloads and the host key.
func newExchangeHash(fn crypto.Hash, m *Magics, hostKey []byte) (*exchangeHash, error) {
	if m == nil {
		return nil, errNoMagics
	}
	x := &exchangeHash{h: fn.New()}
	x.string(m.ClientVersion)
	x.string(m.ServerVersion)
	x.string(m.ClientKexInit)
	x.string(m.ServerKexInit)
	x.string(hostKey)
	return x, nil
}

// string hashes b as an SSH string.
func (x *exchangeHash) string(b []byte) {
	x.uint32(uint32(len(b)))
	x.h.Write(b)
}

// uint32 hashes v big-endian.
func (x *exchangeHash) uint32(v uint32) {
	binary.BigEndian.PutUint32(x.buf[:4], v)
	x.h.Write(x.buf[:4])
}

// mpint hashes the unsigned big-endian integer u as an mpint.
func (x *exchangeHash) mpint(u []byte) {
	for len(u) > 0 && u[0] == 0 {
		u = u[1:]
	}
	if len(u) > 0 && u[0]&0x80 != 0 {
		binary.BigEndian.PutUint32(x.buf[:4], uint32(len(u)+1))
		x.buf[4] = 0
		x.h.Write(x.buf[:5])
	} else {
		x.uint32(uint32(len(u)))
	}
	x.h.Write(u)
}

// raw hashes already-encoded bytes (K in its wire encoding).
func (x *exchangeHash) raw(b []byte) { x.h.Write(b) }

// sum finishes H.
func (x *exchangeHash) sum() []byte { return x.h.Sum(nil) }

// mpintK encodes a shared secret given as an unsigned big-endian integer as
// the mpint K used by the classic methods (RFC 4253 §8, RFC 5656 §4,
// RFC 8731 §3.1), length prefix included.
func mpintK(u []byte) []byte { return wire.AppendMpintUnsigned(nil, u) }

// stringK encodes a shared secret as an SSH string, the encoding of K for
// the hybrid post-quantum methods.
func stringK(b []byte) []byte { return wire.AppendString(nil, b) }
