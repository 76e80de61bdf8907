package transport

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/ssh2go/ssh2/internal/transport/cipher"
	"github.com/ssh2go/ssh2/internal/transport/kex"
	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// rawPeer speaks the transport protocol step by step, so a test can break
// the rules our Conn never breaks: send messages before KEXINIT, or keep
// counting sequence numbers across NEWKEYS under strict KEX.
type rawPeer struct {
	isClient             bool
	nc                   net.Conn
	r                    packetReader
	w                    packetWriter
	version, peerVersion []byte
	kexInit, peerKexInit []byte
}

// rawAlgorithms are what a rawPeer offers: one of each, with a MAC that
// covers the sequence number, so a sequence mismatch shows as a MAC error
// (AES-GCM would not notice: its nonce is a counter of its own).
var rawAlgorithms = Algorithms{
	Kex: kex.Curve25519SHA256, HostKey: keys.SigED25519,
	CipherClientServer: "aes128-ctr", CipherServerClient: "aes128-ctr",
	MACClientServer: "hmac-sha2-256", MACServerClient: "hmac-sha2-256",
	CompressClientServer: "none", CompressServerClient: "none",
}

func newRawPeer(nc net.Conn, isClient bool) *rawPeer {
	return &rawPeer{isClient: isClient, nc: nc, version: []byte("SSH-2.0-rawpeer"),
		r: packetReader{r: bufio.NewReader(nc), opener: cipher.NewNoneOpener(), maxPacket: DefaultMaxPacket},
		w: newPacketWriter(nc)}
}

// versions sends our identification line and reads the peer's.
func (p *rawPeer) versions() error {
	if _, err := p.nc.Write(append(slices.Clone(p.version), '\r', '\n')); err != nil {
		return err
	}
	v, err := readVersion(p.r.r, p.isClient)
	p.peerVersion = v
	return err
}

func (p *rawPeer) send(payload []byte) error { return p.w.write(payload, nil) }

func (p *rawPeer) recv() ([]byte, error) {
	b, err := p.r.read()
	return slices.Clone(b), err
}

// sendKexInit sends a KEXINIT offering rawAlgorithms, with the strict KEX
// marker of our role when strict is set.
func (p *rawPeer) sendKexInit(strict bool) error {
	m := wire.KexInit{KexAlgos: []string{rawAlgorithms.Kex}, HostKeyAlgos: []string{rawAlgorithms.HostKey},
		CiphersClientServer: []string{"aes128-ctr"}, CiphersServerClient: []string{"aes128-ctr"},
		MACsClientServer: []string{"hmac-sha2-256"}, MACsServerClient: []string{"hmac-sha2-256"},
		CompressionClientServer: []string{"none"}, CompressionServerClient: []string{"none"}}
	if strict {
		if p.isClient {
			m.KexAlgos = append(m.KexAlgos, strictKexClient)
		} else {
			m.KexAlgos = append(m.KexAlgos, strictKexServer)
		}
	}
	p.kexInit = m.Marshal(nil)
	return p.send(p.kexInit)
}

// recvKexInit reads the peer's KEXINIT, which must come next.
func (p *rawPeer) recvKexInit() error {
	b, err := p.recv()
	if err != nil {
		return err
	}
	if b[0] != wire.MsgKexInit {
		return fmt.Errorf("expected KEXINIT, got message %d", b[0])
	}
	p.peerKexInit = b
	return nil
}

// kex runs the curve25519 exchange and NEWKEYS. resetSeq says whether our
// sequence numbers restart at zero after NEWKEYS, as strict KEX demands.
// hostKey is used by a server.
func (p *rawPeer) kex(hostKey keys.Signer, resetSeq bool) error {
	m := &kex.Magics{ClientVersion: p.version, ServerVersion: p.peerVersion, ClientKexInit: p.kexInit, ServerKexInit: p.peerKexInit}
	if !p.isClient {
		m = &kex.Magics{ClientVersion: p.peerVersion, ServerVersion: p.version, ClientKexInit: p.peerKexInit, ServerKexInit: p.kexInit}
	}
	method, _ := kex.Lookup(rawAlgorithms.Kex)
	var res *kex.Result
	var err error
	if p.isClient {
		res, err = method.Client(rawKexConn{p}, rand.Reader, m)
	} else {
		res, err = method.Server(rawKexConn{p}, rand.Reader, m, rawHostKey(hostKey))
	}
	if err != nil {
		return err
	}
	sealer, opener, err := (&Conn{isClient: p.isClient}).newCiphers(rawAlgorithms, res, res.H)
	if err != nil {
		return err
	}
	if err := p.send([]byte{wire.MsgNewKeys}); err != nil {
		return err
	}
	p.w.sealer = sealer
	b, err := p.recv()
	if err != nil {
		return err
	}
	if len(b) != 1 || b[0] != wire.MsgNewKeys {
		return fmt.Errorf("expected NEWKEYS, got %x", b)
	}
	p.r.opener = opener
	if resetSeq {
		p.w.seq, p.r.seq = 0, 0
	}
	return nil
}

func rawHostKey(s keys.Signer) hostKey {
	return hostKey{s: s, algo: rawAlgorithms.HostKey, pub: s.PublicKey()}
}

type rawKexConn struct{ p *rawPeer }

func (k rawKexConn) WritePacket(b []byte) error { return k.p.send(b) }
func (k rawKexConn) ReadPacket() ([]byte, error) {
	return k.p.recv()
}

// rawAgainst connects a rawPeer in the given role to our Conn in the
// other role, whose handshake runs in the background; its outcome
// arrives on the returned channel. The test must receive it.
func rawAgainst(t *testing.T, rawIsClient bool) (*rawPeer, <-chan connResult) {
	t.Helper()
	a, b := tcpPair(t)
	raw := newRawPeer(a, rawIsClient)
	out := make(chan connResult, 1)
	go func() {
		var c *Conn
		var err error
		if rawIsClient {
			c, err = Server(context.Background(), b, &Config{HostKeys: []keys.Signer{hostKeys()[keys.TypeED25519]}})
		} else {
			c, err = Client(context.Background(), b, &Config{HostKeyCallback: func(keys.PublicKey) error { return nil }})
		}
		out <- connResult{c, err} // tcpPair's cleanup closes the connection

	}()
	return raw, out
}

type connResult struct {
	c   *Conn
	err error
}

// rawPeerTimeout bounds a test with a raw peer.
const rawPeerTimeout = 10 * time.Second

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	acc := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		acc <- c
	}()
	a, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b := <-acc
	if b == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	// A test that waits for a message that never comes fails rather
	// than hangs: no step here takes more than a fraction of a second.
	a.SetDeadline(time.Now().Add(rawPeerTimeout))
	return a, b
}

// expectDisconnect reads from the raw peer until a DISCONNECT arrives and
// checks its reason.
func expectDisconnect(t *testing.T, raw *rawPeer, reason uint32) {
	t.Helper()
	for {
		b, err := raw.recv()
		if err != nil {
			t.Fatalf("connection ended without DISCONNECT: %v", err)
		}
		if b[0] != wire.MsgDisconnect {
			continue
		}
		var d wire.Disconnect
		if err := d.Unmarshal(b); err != nil || d.Reason != reason {
			t.Fatalf("DISCONNECT %+v (%v), want reason %d", d, err, reason)
		}
		return
	}
}

func debugMsg(text string) []byte {
	return wire.AppendText(wire.AppendText([]byte{wire.MsgDebug, 1}, text), "")
}

func TestStrictKexServerRejectsMessagesOutsideKex(t *testing.T) {
	ignore := []byte{wire.MsgIgnore, 0, 0, 0, 0}
	for _, tc := range []struct {
		name          string
		before, after []byte // sent before our KEXINIT / right after it
	}{
		{"ignore before KEXINIT", ignore, nil},
		{"debug before KEXINIT", debugMsg("hello"), nil},
		{"unimplemented before KEXINIT", (&wire.Unimplemented{Seq: 0}).Marshal(nil), nil},
		{"ignore during key exchange", nil, ignore},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, strict := range []bool{true, false} {
				raw, res := rawAgainst(t, true)
				if err := raw.versions(); err != nil {
					t.Fatal(err)
				}
				if err := raw.recvKexInit(); err != nil {
					t.Fatal(err)
				}
				if tc.before != nil {
					if err := raw.send(tc.before); err != nil {
						t.Fatal(err)
					}
				}
				if err := raw.sendKexInit(strict); err != nil {
					t.Fatal(err)
				}
				if tc.after != nil {
					if err := raw.send(tc.after); err != nil {
						t.Fatal(err)
					}
				}
				if strict {
					// The server must refuse to go on: the Terrapin prefix.
					expectDisconnect(t, raw, wire.DisconnectProtocolError)
					r := <-res
					var de *DisconnectError
					if !errors.As(r.err, &de) || de.Reason != wire.DisconnectProtocolError || !de.Local {
						t.Fatalf("strict: server returned %v, want a protocol-error disconnect", r.err)
					}
					continue
				}
				// Without strict KEX the message is allowed (RFC 4253
				// §11.2-11.4) and the key exchange completes.
				if err := raw.kex(nil, false); err != nil {
					t.Fatalf("non-strict key exchange: %v", err)
				}
				if r := <-res; r.err != nil {
					t.Fatalf("non-strict: server failed: %v", r.err)
				}
			}
		})
	}
}

// TestStrictKexResetsSequenceNumbers checks, on both sides of ours, that
// sequence numbers restart at zero after NEWKEYS exactly when strict KEX
// was negotiated: a peer that does the same can talk to us, a peer that
// does not fails the MAC of the first encrypted packet in each direction.
func TestStrictKexResetsSequenceNumbers(t *testing.T) {
	for _, ourRole := range []string{"server", "client"} {
		for _, strict := range []bool{true, false} {
			for _, peerResets := range []bool{true, false} {
				name := fmt.Sprintf("our %s/strict=%v/peer resets=%v", ourRole, strict, peerResets)
				t.Run(name, func(t *testing.T) {
					testSequenceReset(t, ourRole == "server", strict, peerResets)
				})
			}
		}
	}
}

func testSequenceReset(t *testing.T, ourServer, strict, peerResets bool) {
	raw, res := rawAgainst(t, ourServer)
	if err := raw.versions(); err != nil {
		t.Fatal(err)
	}
	if ourServer {
		if err := raw.recvKexInit(); err != nil {
			t.Fatal(err)
		}
		if err := raw.sendKexInit(strict); err != nil {
			t.Fatal(err)
		}
	} else {
		if err := raw.sendKexInit(strict); err != nil {
			t.Fatal(err)
		}
		if err := raw.recvKexInit(); err != nil {
			t.Fatal(err)
		}
	}
	if err := raw.kex(hostKeys()[keys.TypeED25519], peerResets); err != nil {
		t.Fatal(err)
	}
	r := <-res
	if r.err != nil {
		t.Fatalf("handshake: %v", r.err)
	}
	ours := r.c
	agree := strict == peerResets

	// Ours to the peer.
	marker := []byte{wire.MsgGlobalRequest, 0xab}
	if err := ours.WritePacket(marker); err != nil {
		t.Fatal(err)
	}
	got, err := raw.recv()
	if agree && (err != nil || !bytes.Equal(got, marker)) {
		t.Fatalf("peer read %x, %v; want %x", got, err, marker)
	}
	if !agree && err == nil {
		t.Fatalf("peer decrypted %x with mismatched sequence numbers", got)
	}

	// The peer to ours (a fresh sequence number on the peer's side: its
	// reading state may be broken, its writing state is not).
	if err := raw.send(marker); err != nil {
		t.Fatal(err)
	}
	got, err = ours.ReadPacket()
	if agree {
		if err != nil || !bytes.Equal(got, marker) {
			t.Fatalf("we read %x, %v; want %x", got, err, marker)
		}
		return
	}
	var de *DisconnectError
	if !errors.As(err, &de) || de.Reason != wire.DisconnectMACError {
		t.Fatalf("we read %x, %v; want a MAC error", got, err)
	}
}
