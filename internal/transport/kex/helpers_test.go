package kex

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	mrand "math/rand/v2"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// chanConn is one end of an in-process packet pipe. Closing the write side
// (done when that end's exchange returns) makes the peer's ReadPacket
// return io.EOF, so a failing side never leaves the other blocked.
type chanConn struct {
	in  <-chan []byte
	out chan<- []byte
	log *[][]byte // every packet written, if non-nil
}

func (c *chanConn) WritePacket(p []byte) error {
	cp := bytes.Clone(p)
	if c.log != nil {
		*c.log = append(*c.log, cp)
	}
	c.out <- cp
	return nil
}

func (c *chanConn) ReadPacket() ([]byte, error) {
	p, ok := <-c.in
	if !ok {
		return nil, io.EOF
	}
	return p, nil
}

// pipe returns two connected ends; the channels hold more packets than
// any method sends, so writes never block.
func pipe() (a, b *chanConn, aOut, bOut chan []byte) {
	ab := make(chan []byte, 8)
	ba := make(chan []byte, 8)
	return &chanConn{in: ba, out: ab}, &chanConn{in: ab, out: ba}, ab, ba
}

// scriptConn replies with canned packets and records what it is sent.
type scriptConn struct {
	replies [][]byte
	sent    [][]byte
}

func (s *scriptConn) WritePacket(p []byte) error {
	s.sent = append(s.sent, bytes.Clone(p))
	return nil
}

func (s *scriptConn) ReadPacket() ([]byte, error) {
	if len(s.replies) == 0 {
		return nil, io.EOF
	}
	p := s.replies[0]
	s.replies = s.replies[1:]
	return p, nil
}

// testHostKey is an ed25519 host key producing wire-format blobs.
type testHostKey struct{ priv ed25519.PrivateKey }

func newTestHostKey() *testHostKey {
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	return &testHostKey{ed25519.NewKeyFromSeed(seed)}
}

func (k *testHostKey) PublicKey() []byte {
	b := sshString(nil, []byte("ssh-ed25519"))
	return sshString(b, k.priv.Public().(ed25519.PublicKey))
}

func (k *testHostKey) Sign(_ io.Reader, data []byte) ([]byte, error) {
	b := sshString(nil, []byte("ssh-ed25519"))
	return sshString(b, ed25519.Sign(k.priv, data)), nil
}

// verifyHostSig checks an ssh-ed25519 signature blob over h against a key blob.
func verifyHostSig(t *testing.T, keyBlob, sigBlob, h []byte) {
	t.Helper()
	kf := splitStrings(t, keyBlob)
	sf := splitStrings(t, sigBlob)
	if len(kf) != 2 || len(sf) != 2 || string(kf[0]) != "ssh-ed25519" || string(sf[0]) != "ssh-ed25519" {
		t.Fatalf("bad key or signature blob")
	}
	if !ed25519.Verify(ed25519.PublicKey(kf[1]), h, sf[1]) {
		t.Fatal("host key signature does not verify over H")
	}
}

func splitStrings(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 4 {
			t.Fatal("truncated string")
		}
		n := binary.BigEndian.Uint32(b)
		if uint64(n) > uint64(len(b)-4) {
			t.Fatal("truncated string")
		}
		out = append(out, b[4:4+n])
		b = b[4+n:]
	}
	return out
}

// The test's own encoders, written from RFC 4251 §5 independently of
// package wire.
func sshString(b, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func sshUint32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

// sshMpint encodes an unsigned big-endian magnitude as an mpint.
func sshMpint(b, u []byte) []byte {
	u = bytes.TrimLeft(u, "\x00")
	if len(u) > 0 && u[0] >= 0x80 {
		u = append([]byte{0}, u...)
	}
	return sshString(b, u)
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// testMagics are fixed identification strings and KEXINIT payloads.
func testMagics() *Magics {
	return &Magics{
		ClientVersion: []byte("SSH-2.0-client_1.0"),
		ServerVersion: []byte("SSH-2.0-server_1.0"),
		ClientKexInit: []byte{20, 1, 2, 3, 4},
		ServerKexInit: []byte{20, 5, 6, 7, 8, 9},
	}
}

// magicsPrefix is V_C || V_S || I_C || I_S || K_S, each as a string.
func magicsPrefix(m *Magics, hostKey []byte) []byte {
	var b []byte
	b = sshString(b, m.ClientVersion)
	b = sshString(b, m.ServerVersion)
	b = sshString(b, m.ClientKexInit)
	b = sshString(b, m.ServerKexInit)
	return sshString(b, hostKey)
}

// seededRand is a deterministic io.Reader.
func seededRand(seed byte) io.Reader {
	var s [32]byte
	s[0] = seed
	return mrand.NewChaCha8(s)
}

// runPair runs client and server of m against each other in goroutines.
func runPair(m Method, crand, srand io.Reader) (cr, sr *Result, clog, slog [][]byte, cerr, serr error) {
	cc, sc, cOut, sOut := pipe()
	cc.log, sc.log = &clog, &slog
	mg := testMagics()
	hk := newTestHostKey()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(sOut)
		sr, serr = m.Server(sc, srand, mg, hk)
	}()
	cr, cerr = m.Client(cc, crand, mg)
	close(cOut)
	<-done
	return
}

func allNames() []string { return append(Supported(), Insecure()...) }

func mustLookup(t testing.TB, name string) Method {
	t.Helper()
	m, ok := Lookup(name)
	if !ok {
		t.Fatalf("Lookup(%q) failed", name)
	}
	return m
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", target)
	}
	if !errors.Is(err, target) {
		t.Fatalf("got error %v, want %v", err, target)
	}
}
