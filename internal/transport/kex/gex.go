package kex

import (
	"crypto"
	"encoding/binary"
	"fmt"
	"io"
	"math/big"

	"github.com/ssh2go/ssh2/internal/wire"
)

// Group exchange size limits, in bits.
const (
	// DefaultGEXMin, DefaultGEXPreferred and DefaultGEXMax are the sizes a
	// client requests when GroupExchange leaves them zero (RFC 8270 §3
	// sets 2048 as the minimum; the maximum is OpenSSH's).
	DefaultGEXMin       = 2048
	DefaultGEXPreferred = 3072
	DefaultGEXMax       = 8192

	// gexClientFloor is the smallest Min a client may be configured with,
	// for legacy servers; gexCeiling is the largest group either side will
	// handle, bounding the cost of a hostile peer's numbers.
	gexClientFloor = 1024
	gexCeiling     = 16384
	// gexServerFloor is the smallest group a server offers (RFC 8270 §4).
	gexServerFloor = 2048
)

// GroupExchange is diffie-hellman-group-exchange-sha256 (or -sha1): the
// client asks for a group size, the server chooses a group, then the two
// run Diffie-Hellman in it (RFC 4419, RFC 8270). Lookup returns a new value
// with defaults; set the fields before the exchange starts.
//
// The client checks the group it receives: its size must lie in [Min, Max],
// p must be odd, 1 < g < p-1, and p must pass big.Int.ProbablyPrime(0), a
// Baillie-PSW test (one Miller-Rabin round to base 2 plus a strong Lucas
// test), skipped for the RFC 3526 groups, which are known safe primes. The
// test costs about two full-size modular exponentiations — more than the
// exchange itself, about 45 ms at 3072 bits and 0.5 s at 8192 bits on a
// 2020s x86 core — and rejects composite moduli from a buggy server. It
// does not also test (p-1)/2, which would double the cost: a malicious
// server gains nothing from a weak group that it could not get by
// disclosing the session keys.
type GroupExchange struct {
	// Hash is crypto.SHA256 or crypto.SHA1; zero means SHA-256.
	Hash crypto.Hash
	// Min, Preferred and Max are the client's request in bits; zero means
	// DefaultGEXMin, DefaultGEXPreferred and DefaultGEXMax.
	Min, Preferred, Max int
	// Groups are the groups a server may choose from, usually read with
	// ParseModuli. Nil means the RFC 3526 MODP groups 14 to 18. Groups
	// smaller than 2048 bits are never offered.
	Groups []Group
}

func (x *GroupExchange) hash() crypto.Hash {
	if x.Hash == 0 {
		return crypto.SHA256
	}
	return x.Hash
}

// request returns the client's min, n and max, checked.
func (x *GroupExchange) request() (min, n, max int, err error) {
	min, n, max = x.Min, x.Preferred, x.Max
	if min == 0 {
		min = DefaultGEXMin
	}
	if n == 0 {
		n = DefaultGEXPreferred
	}
	if max == 0 {
		max = DefaultGEXMax
	}
	if n < min {
		n = min
	}
	if n > max {
		n = max
	}
	if min < gexClientFloor || max > gexCeiling || min > max {
		return 0, 0, 0, fmt.Errorf("%w: group exchange sizes min %d, max %d outside [%d, %d]", ErrConfig, min, max, gexClientFloor, gexCeiling)
	}
	return min, n, max, nil
}

// readUnsigned reads a non-negative mpint and returns its magnitude.
func readUnsigned(d *wire.Decoder) ([]byte, bool) {
	b := d.MpintBytes()
	if len(b) > 0 && b[0]&0x80 != 0 {
		return nil, false
	}
	if len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	return b, true
}

// checkGroup is the client's check of the server's group.
func checkGroup(p, g []byte, min, max int) (*Group, error) {
	if len(p) > (max+7)/8 {
		return nil, fmt.Errorf("%w: modulus larger than %d bits", ErrInvalidGroup, max)
	}
	grp := &Group{P: new(big.Int).SetBytes(p), G: new(big.Int).SetBytes(g)}
	if bits := grp.Bits(); bits < min || bits > max {
		return nil, fmt.Errorf("%w: %d-bit modulus outside [%d, %d]", ErrInvalidGroup, bits, min, max)
	}
	if grp.P.Bit(0) == 0 {
		return nil, fmt.Errorf("%w: even modulus", ErrInvalidGroup)
	}
	pm1 := new(big.Int).Sub(grp.P, bigOne)
	if grp.G.Cmp(bigOne) <= 0 || grp.G.Cmp(pm1) >= 0 {
		return nil, fmt.Errorf("%w: generator out of range", ErrInvalidGroup)
	}
	if !isBuiltinPrime(grp.P) && !grp.P.ProbablyPrime(0) {
		return nil, fmt.Errorf("%w: modulus is not prime", ErrInvalidGroup)
	}
	return grp, nil
}

// Client implements Method.
func (x *GroupExchange) Client(c Conn, rand io.Reader, m *Magics) (*Result, error) {
	if m == nil {
		return nil, errNoMagics
	}
	min, n, max, err := x.request()
	if err != nil {
		return nil, err
	}
	req := []byte{wire.MsgKexDHGexReq}
	req = wire.AppendUint32(req, uint32(min))
	req = wire.AppendUint32(req, uint32(n))
	req = wire.AppendUint32(req, uint32(max))
	if err := c.WritePacket(req); err != nil {
		return nil, err
	}

	d, err := readMessage(c, wire.MsgKexDHGexGroup, "group exchange group")
	if err != nil {
		return nil, err
	}
	p, okP := readUnsigned(&d)
	g, okG := readUnsigned(&d)
	if err := d.Finish(); err != nil || !okP || !okG {
		return nil, malformed("group exchange group")
	}
	grp, err := checkGroup(p, g, min, max)
	if err != nil {
		return nil, err
	}

	e, finish, err := dhClientInit(rand, grp)
	if err != nil {
		return nil, err
	}
	if err := c.WritePacket(wire.AppendMpintUnsigned([]byte{wire.MsgKexDHGexInit}, e)); err != nil {
		return nil, err
	}

	d, err = readMessage(c, wire.MsgKexDHGexReply, "group exchange reply")
	if err != nil {
		return nil, err
	}
	hostKey := d.String()
	f, err := readPublic(&d, true)
	if err != nil {
		return nil, err
	}
	sig := d.String()
	if err := d.Finish(); err != nil {
		return nil, malformed("group exchange reply")
	}
	if len(hostKey) == 0 {
		return nil, errEmptyHostKey
	}
	k, err := finish(f)
	if err != nil {
		return nil, err
	}
	h, err := newExchangeHash(x.hash(), m, hostKey)
	if err != nil {
		return nil, err
	}
	h.uint32(uint32(min))
	h.uint32(uint32(n))
	h.uint32(uint32(max))
	h.mpint(grp.P.Bytes())
	h.mpint(grp.G.Bytes())
	h.mpint(e)
	h.mpint(f)
	h.raw(k)
	return &Result{H: h.sum(), K: k, HostKey: clone(hostKey), Signature: clone(sig), Hash: x.hash()}, nil
}

// Server implements Method. It also accepts the obsolete
// SSH_MSG_KEX_DH_GEX_REQUEST_OLD (RFC 4419 §5), which carries only n; H
// then hashes n alone.
func (x *GroupExchange) Server(c Conn, rand io.Reader, m *Magics, hk HostKey) (*Result, error) {
	if m == nil {
		return nil, errNoMagics
	}
	p, err := c.ReadPacket()
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, malformed("empty packet")
	}
	d := wire.NewDecoder(p[1:])
	var min, n, max uint32
	old := false
	switch p[0] {
	case wire.MsgKexDHGexReq:
		min, n, max = d.Uint32(), d.Uint32(), d.Uint32()
	case wire.MsgKexDHGexOld:
		old = true
		n = d.Uint32()
		min, max = gexServerFloor, DefaultGEXMax
	default:
		return nil, fmt.Errorf("%w: got message %d, want %d (group exchange request)", ErrUnexpectedMessage, p[0], wire.MsgKexDHGexReq)
	}
	if err := d.Finish(); err != nil {
		return nil, malformed("group exchange request")
	}
	want := n
	if old {
		want = max32(min, min32(n, max))
	}
	grp, err := chooseGroup(x.Groups, rand, min, want, max)
	if err != nil {
		return nil, err
	}
	msg := []byte{wire.MsgKexDHGexGroup}
	msg = wire.AppendMpint(msg, grp.P)
	msg = wire.AppendMpint(msg, grp.G)
	if err := c.WritePacket(msg); err != nil {
		return nil, err
	}

	d, err = readMessage(c, wire.MsgKexDHGexInit, "group exchange init")
	if err != nil {
		return nil, err
	}
	e, err := readPublic(&d, true)
	if err != nil {
		return nil, err
	}
	if err := d.Finish(); err != nil {
		return nil, malformed("group exchange init")
	}
	f, k, err := dhServerReply(rand, grp, e)
	if err != nil {
		return nil, err
	}
	hostKey := hk.PublicKey()
	if len(hostKey) == 0 {
		return nil, errEmptyHostKey
	}
	h, err := newExchangeHash(x.hash(), m, hostKey)
	if err != nil {
		return nil, err
	}
	if old {
		h.uint32(n)
	} else {
		h.uint32(min)
		h.uint32(n)
		h.uint32(max)
	}
	h.mpint(grp.P.Bytes())
	h.mpint(grp.G.Bytes())
	h.mpint(e)
	h.mpint(f)
	h.raw(k)
	sum := h.sum()
	sig, err := hk.Sign(rand, sum)
	if err != nil {
		return nil, fmt.Errorf("kex: signing exchange hash: %w", err)
	}
	msg = make([]byte, 0, 1+4+len(hostKey)+5+len(f)+4+len(sig))
	msg = append(msg, wire.MsgKexDHGexReply)
	msg = wire.AppendString(msg, hostKey)
	msg = wire.AppendMpintUnsigned(msg, f)
	msg = wire.AppendString(msg, sig)
	if err := c.WritePacket(msg); err != nil {
		return nil, err
	}
	return &Result{H: sum, K: k, HostKey: clone(hostKey), Signature: sig, Hash: x.hash()}, nil
}

// chooseGroup picks the server's group for a request: among usable groups
// (at least 2048 bits and within [min, max]) the smallest that is at least
// n clamped into that window; failing that, the largest usable one. Among
// groups of the chosen size it picks one at random, as sshd does.
func chooseGroup(groups []Group, rand io.Reader, min, n, max uint32) (*Group, error) {
	if min > n || n > max {
		return nil, fmt.Errorf("%w: request min %d, n %d, max %d is not ordered", ErrNoGroup, min, n, max)
	}
	if groups == nil {
		groups = builtinGEXGroups
	}
	lo := min
	if lo < gexServerFloor {
		lo = gexServerFloor
	}
	target := n
	if target < lo {
		target = lo
	}
	best := -1 // size in bits of the chosen groups
	for i := range groups {
		g := &groups[i]
		if g.P == nil || g.G == nil {
			continue
		}
		bits := g.Bits()
		if bits < int(lo) || bits > int(max) {
			continue
		}
		switch {
		case best < 0:
			best = bits
		case bits >= int(target) && (best < int(target) || bits < best):
			best = bits
		case best < int(target) && bits > best:
			best = bits
		}
	}
	if best < 0 {
		return nil, fmt.Errorf("%w: no group between %d and %d bits", ErrNoGroup, lo, max)
	}
	count := 0
	for i := range groups {
		if groups[i].P != nil && groups[i].G != nil && groups[i].Bits() == best {
			count++
		}
	}
	pick := 0
	if count > 1 {
		var b [4]byte
		if _, err := io.ReadFull(rand, b[:]); err != nil {
			return nil, err
		}
		pick = int(binary.BigEndian.Uint32(b[:]) % uint32(count))
	}
	for i := range groups {
		if groups[i].P != nil && groups[i].G != nil && groups[i].Bits() == best {
			if pick == 0 {
				return &groups[i], nil
			}
			pick--
		}
	}
	return nil, ErrNoGroup // not reached: count > pick
}

func min32(a, b uint32) uint32 {
	if a < b {
		return a
	}
	return b
}

func max32(a, b uint32) uint32 {
	if a > b {
		return a
	}
	return b
}

// isBuiltinPrime reports whether p is one of the RFC 3526 safe primes,
// whose primality needs no re-testing.
func isBuiltinPrime(p *big.Int) bool {
	for i := range builtinGEXGroups {
		if builtinGEXGroups[i].P.Cmp(p) == 0 {
			return true
		}
	}
	return false
}
