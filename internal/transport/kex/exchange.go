package kex

import (
	"crypto"
	"errors"
	"fmt"
	"io"

	"github.com/ssh2go/ssh2/internal/wire"
)

// agreement is the method-specific half of a single-round exchange: the
// client sends message 30 with its public value, the server answers with
// message 31 carrying K_S, its public value and the signature over H. This
// shape is shared by fixed-group Diffie-Hellman (RFC 4253 §8), ECDH
// (RFC 5656 §4), Curve25519 (RFC 8731 §3) and the ML-KEM hybrid.
type agreement interface {
	// hashFunc is the method's hash.
	hashFunc() crypto.Hash
	// mpintValues reports whether the public values are mpints (e and f of
	// finite-field DH) rather than strings.
	mpintValues() bool
	// clientInit creates the client's ephemeral key. It returns the client
	// public value and a function that checks the server's public value
	// and returns K, already encoded.
	clientInit(rand io.Reader) (pub []byte, finish func(peer []byte) ([]byte, error), err error)
	// serverReply checks the client's public value and returns the
	// server's public value and K, already encoded.
	serverReply(rand io.Reader, peer []byte) (pub, k []byte, err error)
}

// oneRound runs an agreement as a Method.
type oneRound struct {
	a agreement
}

var errEmptyHostKey = errors.New("kex: empty host key")

// readPublic decodes a public value as the agreement encodes it. For mpints
// it returns the magnitude with no leading zero and rejects negatives.
func readPublic(d *wire.Decoder, mpint bool) ([]byte, error) {
	if !mpint {
		return d.String(), nil
	}
	b := d.MpintBytes()
	if len(b) > 0 && b[0]&0x80 != 0 {
		return nil, invalidPublic("negative value")
	}
	if len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	return b, nil
}

func appendPublic(b, pub []byte, mpint bool) []byte {
	if mpint {
		return wire.AppendMpintUnsigned(b, pub)
	}
	return wire.AppendString(b, pub)
}

func hashPublic(x *exchangeHash, pub []byte, mpint bool) {
	if mpint {
		x.mpint(pub)
	} else {
		x.string(pub)
	}
}

// Client implements Method.
func (o oneRound) Client(c Conn, rand io.Reader, m *Magics) (*Result, error) {
	if m == nil {
		return nil, errNoMagics
	}
	mp := o.a.mpintValues()
	pub, finish, err := o.a.clientInit(rand)
	if err != nil {
		return nil, err
	}
	msg := appendPublic([]byte{wire.MsgKexDHInit}, pub, mp)
	if err := c.WritePacket(msg); err != nil {
		return nil, err
	}
	d, err := readMessage(c, wire.MsgKexDHReply, "key exchange reply")
	if err != nil {
		return nil, err
	}
	hostKey := d.String()
	peer, err := readPublic(&d, mp)
	if err != nil {
		return nil, err
	}
	sig := d.String()
	if err := d.Finish(); err != nil {
		return nil, malformed("key exchange reply")
	}
	if len(hostKey) == 0 {
		return nil, errEmptyHostKey
	}
	k, err := finish(peer)
	if err != nil {
		return nil, err
	}
	x, err := newExchangeHash(o.a.hashFunc(), m, hostKey)
	if err != nil {
		return nil, err
	}
	hashPublic(x, pub, mp)
	hashPublic(x, peer, mp)
	x.raw(k)
	return &Result{
		H:         x.sum(),
		K:         k,
		HostKey:   clone(hostKey),
		Signature: clone(sig),
		Hash:      o.a.hashFunc(),
	}, nil
}

// Server implements Method.
func (o oneRound) Server(c Conn, rand io.Reader, m *Magics, hk HostKey) (*Result, error) {
	if m == nil {
		return nil, errNoMagics
	}
	mp := o.a.mpintValues()
	d, err := readMessage(c, wire.MsgKexDHInit, "key exchange init")
	if err != nil {
		return nil, err
	}
	peer, err := readPublic(&d, mp)
	if err != nil {
		return nil, err
	}
	if err := d.Finish(); err != nil {
		return nil, malformed("key exchange init")
	}
	// peer aliases the packet buffer, which stays valid until the next
	// ReadPacket; the server reads nothing more.
	pub, k, err := o.a.serverReply(rand, peer)
	if err != nil {
		return nil, err
	}
	hostKey := hk.PublicKey()
	if len(hostKey) == 0 {
		return nil, errEmptyHostKey
	}
	x, err := newExchangeHash(o.a.hashFunc(), m, hostKey)
	if err != nil {
		return nil, err
	}
	hashPublic(x, peer, mp)
	hashPublic(x, pub, mp)
	x.raw(k)
	h := x.sum()
	sig, err := hk.Sign(rand, h)
	if err != nil {
		return nil, fmt.Errorf("kex: signing exchange hash: %w", err)
	}
	msg := make([]byte, 0, 1+4+len(hostKey)+5+len(pub)+4+len(sig))
	msg = append(msg, wire.MsgKexDHReply)
	msg = wire.AppendString(msg, hostKey)
	msg = appendPublic(msg, pub, mp)
	msg = wire.AppendString(msg, sig)
	if err := c.WritePacket(msg); err != nil {
		return nil, err
	}
	return &Result{H: h, K: k, HostKey: clone(hostKey), Signature: sig, Hash: o.a.hashFunc()}, nil
}
