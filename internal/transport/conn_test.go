package transport

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/ssh2go/ssh2/internal/transport/cipher"
	"github.com/ssh2go/ssh2/internal/transport/kex"
	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	hostKeysOnce sync.Once
	testHostKeys map[string]keys.Signer // by key type
)

func hostKeys() map[string]keys.Signer {
	hostKeysOnce.Do(func() {
		testHostKeys = map[string]keys.Signer{}
		_, ed, _ := ed25519.GenerateKey(rand.Reader)
		ks := []crypto.Signer{ed}
		for _, c := range []elliptic.Curve{elliptic.P256(), elliptic.P384(), elliptic.P521()} {
			k, _ := ecdsa.GenerateKey(c, rand.Reader)
			ks = append(ks, k)
		}
		r, _ := rsa.GenerateKey(rand.Reader, 2048)
		ks = append(ks, r)
		for _, k := range ks {
			s, err := keys.NewSigner(k)
			if err != nil {
				panic(err)
			}
			testHostKeys[s.PublicKey().Type()] = s
		}
	})
	return testHostKeys
}

func allHostKeys() []keys.Signer {
	var out []keys.Signer
	for _, s := range hostKeys() {
		out = append(out, s)
	}
	return out
}

// pair connects a client and a server transport over loopback TCP.
func pair(t *testing.T, ccfg, scfg *Config) (client, server *Conn) {
	t.Helper()
	c, s, err := tryPair(ccfg, scfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c, s
}

func tryPair(ccfg, scfg *Config) (client, server *Conn, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	defer ln.Close()
	if ccfg.HostKeyCallback == nil {
		ccfg.HostKeyCallback = func(keys.PublicKey) error { return nil }
	}
	if scfg.HostKeys == nil {
		scfg.HostKeys = allHostKeys()
	}
	type result struct {
		c   *Conn
		err error
	}
	done := make(chan result, 1)
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			done <- result{nil, err}
			return
		}
		s, err := Server(context.Background(), nc, scfg)
		done <- result{s, err}
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil, nil, err
	}
	c, cerr := Client(context.Background(), nc, ccfg)
	if cerr != nil {
		nc.Close() // the server may still wait for our version line
	}
	r := <-done
	if cerr != nil || r.err != nil {
		if c != nil {
			c.Close()
		}
		if r.c != nil {
			r.c.Close()
		}
		nc.Close()
		return nil, nil, fmt.Errorf("client: %v; server: %v", cerr, r.err)
	}
	return c, r.c, nil
}

// exchange sends n payloads each way at once and checks they arrive in
// order and intact while the connection may be re-keying. The readers go
// on reading until the end, as a connection's reader goroutine does, so
// key exchanges started by the last writes complete.
func exchange(t *testing.T, a, b *Conn, n int, rekey func()) {
	t.Helper()
	var senders, readers sync.WaitGroup
	errs := make(chan error, 4)
	received := make(chan struct{}, 2)
	send := func(c *Conn) {
		defer senders.Done()
		for i := 0; i < n; i++ {
			p := payload(i)
			if err := c.WriteData(p[:9], p[9:]); err != nil {
				errs <- err
				return
			}
		}
	}
	recv := func(c *Conn) {
		defer readers.Done()
		for i := 0; ; i++ {
			p, err := c.ReadPacket()
			if err != nil {
				if i < n {
					errs <- err
					received <- struct{}{}
				}
				return
			}
			if i >= n {
				errs <- fmt.Errorf("unexpected packet %d", i)
				continue
			}
			if !bytes.Equal(p, payload(i)) {
				errs <- fmt.Errorf("packet %d corrupted: got %d bytes", i, len(p))
			}
			if i == n-1 {
				received <- struct{}{}
			}
		}
	}
	senders.Add(2)
	readers.Add(2)
	go send(a)
	go send(b)
	go recv(a)
	go recv(b)
	if rekey != nil {
		rekey()
	}
	senders.Wait()
	<-received
	<-received
	a.Close()
	b.Close()
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// payload is a channel-data-like message whose size and bytes depend on i.
func payload(i int) []byte {
	n := 1 + (i*7919)%32768
	p := make([]byte, 9+n)
	p[0] = wire.MsgChannelData
	for j := 1; j < len(p); j++ {
		p[j] = byte(i + j*31)
	}
	return p
}

func TestEveryAlgorithm(t *testing.T) {
	type combo struct{ kex, hostKey, cipher, mac string }
	var combos []combo
	for _, k := range kex.Supported() {
		combos = append(combos, combo{k, keys.SigED25519, "aes128-ctr", "hmac-sha2-256-etm@openssh.com"})
	}
	for _, h := range []string{keys.SigED25519, keys.SigECDSA256, keys.SigECDSA384, keys.SigECDSA521, keys.SigRSASHA256, keys.SigRSASHA512, keys.SigRSASHA1} {
		combos = append(combos, combo{"curve25519-sha256", h, "aes256-gcm@openssh.com", "hmac-sha2-256"})
	}
	for _, ci := range cipher.SupportedCiphers() {
		for _, m := range cipher.SupportedMACs() {
			combos = append(combos, combo{"curve25519-sha256", keys.SigED25519, ci, m})
			if cipher.IsAEAD(ci) {
				break
			}
		}
	}
	for _, cb := range combos {
		t.Run(fmt.Sprintf("%s/%s/%s/%s", cb.kex, cb.hostKey, cb.cipher, cb.mac), func(t *testing.T) {
			var got []Algorithms
			cfg := &Config{KexAlgorithms: []string{cb.kex}, HostKeyAlgorithms: []string{cb.hostKey},
				Ciphers: []string{cb.cipher}, MACs: []string{cb.mac},
				OnKeyExchange: func(a Algorithms) { got = append(got, a) }}
			scfg := *cfg
			scfg.OnKeyExchange = nil
			c, s := pair(t, cfg, &scfg)
			if len(got) != 1 || got[0].Kex != cb.kex || got[0].HostKey != cb.hostKey || got[0].CipherClientServer != cb.cipher {
				t.Fatalf("negotiated %+v", got)
			}
			if !bytes.Equal(c.SessionID(), s.SessionID()) || len(c.SessionID()) == 0 {
				t.Fatal("session IDs differ")
			}
			exchange(t, c, s, 50, nil)
		})
	}
}

func TestDefaultsPreferPostQuantum(t *testing.T) {
	c, s := pair(t, &Config{}, &Config{})
	// EXT_INFO follows the server's NEWKEYS; the client handles it while
	// reading the next packet.
	if err := s.WritePacket([]byte{wire.MsgGlobalRequest}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadPacket(); err != nil {
		t.Fatal(err)
	}
	a := c.Algorithms()
	if a.Kex != "mlkem768x25519-sha256" || a.HostKey != keys.SigED25519 {
		t.Fatalf("defaults negotiated %+v", a)
	}
	if got := c.ServerSigAlgs(); len(got) == 0 || got[0] != keys.SigED25519 {
		t.Fatalf("server-sig-algs = %v", got)
	}
}

func TestRekeyOnDemandWithDataFlowing(t *testing.T) {
	for _, side := range []string{"client", "server"} {
		t.Run(side, func(t *testing.T) {
			c, s := pair(t, &Config{}, &Config{})
			starter := c
			if side == "server" {
				starter = s
			}
			exchange(t, c, s, 400, func() {
				// Another goroutine is reading: RequestKeyExchange waits for it.
				if err := starter.RequestKeyExchange(context.Background()); err != nil {
					t.Error(err)
				}
			})
			if c.Rounds() < 2 || s.Rounds() < 2 {
				t.Fatalf("rounds client %d server %d", c.Rounds(), s.Rounds())
			}
		})
	}
}

func TestRekeyByVolume(t *testing.T) {
	c, s := pair(t, &Config{RekeyBytes: 64 << 10}, &Config{})
	exchange(t, c, s, 300, nil) // ~4.9 MB each way: many re-keys
	if c.Rounds() < 10 || s.Rounds() < 10 {
		t.Fatalf("only %d/%d key exchanges for 4.9 MB with a 64 KiB limit", c.Rounds(), s.Rounds())
	}
}

func TestHostKeyRejected(t *testing.T) {
	refuse := errors.New("not this one")
	_, _, err := tryPair(&Config{HostKeyCallback: func(keys.PublicKey) error { return refuse }}, &Config{})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("not this one")) {
		t.Fatalf("err = %v", err)
	}
}

func TestNoCommonAlgorithm(t *testing.T) {
	_, _, err := tryPair(&Config{Ciphers: []string{"aes128-ctr"}}, &Config{Ciphers: []string{"aes256-ctr"}})
	if err == nil {
		t.Fatal("handshake succeeded without a common cipher")
	}
}

func TestServerPreambleAndVersion(t *testing.T) {
	c, s := pair(t, &Config{Version: "SSH-2.0-testclient"}, &Config{Preamble: []string{"hello", "world"}})
	if string(s.RemoteVersion()) != "SSH-2.0-testclient" || string(c.RemoteVersion()) != DefaultVersion {
		t.Fatalf("versions %q %q", s.RemoteVersion(), c.RemoteVersion())
	}
}

// rawServer accepts one connection and runs fn on it.
func rawServer(t *testing.T, fn func(net.Conn)) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		nc, err := ln.Accept()
		ln.Close()
		if err != nil {
			return
		}
		defer nc.Close()
		fn(nc)
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln.Addr().String()
}

func TestStrictKexRejectsIgnoreBeforeKexInit(t *testing.T) {
	// A server that sends IGNORE before its KEXINIT while offering strict
	// KEX: the Terrapin prefix. The client must refuse.
	addr := rawServer(t, func(nc net.Conn) {
		io.WriteString(nc, "SSH-2.0-evil\r\n")
		w := newPacketWriter(nc)
		w.write([]byte{wire.MsgIgnore, 0, 0, 0, 0}, nil)
		m := wire.KexInit{KexAlgos: []string{"curve25519-sha256", strictKexServer}, HostKeyAlgos: []string{keys.SigED25519},
			CiphersClientServer: []string{"aes128-ctr"}, CiphersServerClient: []string{"aes128-ctr"},
			MACsClientServer: []string{"hmac-sha2-256"}, MACsServerClient: []string{"hmac-sha2-256"},
			CompressionClientServer: []string{"none"}, CompressionServerClient: []string{"none"}}
		w.write(m.Marshal(nil), nil)
		io.Copy(io.Discard, nc)
	})
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Client(context.Background(), nc, &Config{HostKeyCallback: func(keys.PublicKey) error { return nil }})
	var de *DisconnectError
	if !errors.As(err, &de) || de.Reason != wire.DisconnectProtocolError {
		t.Fatalf("err = %v, want a protocol-error disconnect", err)
	}
}

func TestGarbageFromPeer(t *testing.T) {
	for name, junk := range map[string][]byte{
		"huge length": {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0},
		"tiny length": {0, 0, 0, 1, 0, 0, 0, 0},
		"eof":         {0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			addr := rawServer(t, func(nc net.Conn) {
				io.WriteString(nc, "SSH-2.0-junk\r\n")
				nc.Write(junk)
				if name == "eof" {
					return
				}
				io.Copy(io.Discard, nc)
			})
			nc, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Client(context.Background(), nc, &Config{HostKeyCallback: func(keys.PublicKey) error { return nil }}); err == nil {
				t.Fatal("handshake with garbage succeeded")
			}
		})
	}
}

func TestHandshakeContextTimeout(t *testing.T) {
	addr := rawServer(t, func(nc net.Conn) { io.Copy(io.Discard, nc) }) // never answers
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Client(ctx, nc, &Config{HostKeyCallback: func(keys.PublicKey) error { return nil }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestPingIsAnsweredInBand(t *testing.T) {
	c, s := pair(t, &Config{}, &Config{})
	if err := c.WritePacket(wire.AppendText([]byte{wire.MsgPing}, "abc")); err != nil {
		t.Fatal(err)
	}
	if err := c.WritePacket([]byte{wire.MsgGlobalRequest, 1}); err != nil {
		t.Fatal(err)
	}
	// The server answers the ping inside ReadPacket and returns the marker.
	p, err := s.ReadPacket()
	if err != nil || !bytes.Equal(p, []byte{wire.MsgGlobalRequest, 1}) {
		t.Fatalf("server read %x, %v", p, err)
	}
	if err := s.WritePacket([]byte{wire.MsgGlobalRequest, 2}); err != nil {
		t.Fatal(err)
	}
	// The client consumes the pong and then sees the server's marker.
	p, err = c.ReadPacket()
	if err != nil || !bytes.Equal(p, []byte{wire.MsgGlobalRequest, 2}) {
		t.Fatalf("client read %x, %v", p, err)
	}
}

func TestUnknownAlgorithmRejected(t *testing.T) {
	_, _, err := tryPair(&Config{Ciphers: []string{"aes128-ctr", "rot13"}}, &Config{})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("rot13")) {
		t.Fatalf("err = %v", err)
	}
}
