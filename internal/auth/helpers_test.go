package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"sync"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errClosed = errors.New("pipe closed")

// pipeConn is one end of an in-process packet pipe. Both ends share one
// close signal.
type pipeConn struct {
	in     chan []byte
	out    chan []byte
	closed chan struct{}
	once   *sync.Once
	sid    []byte
}

func newPipe() (client, server *pipeConn) {
	a, b := make(chan []byte, 64), make(chan []byte, 64)
	closed, once := make(chan struct{}), new(sync.Once)
	sid := []byte("session-identifier-0123456789abc")
	return &pipeConn{in: a, out: b, closed: closed, once: once, sid: sid},
		&pipeConn{in: b, out: a, closed: closed, once: once, sid: sid}
}

func (p *pipeConn) WritePacket(b []byte) error {
	cp := append([]byte(nil), b...)
	select {
	case <-p.closed:
		return errClosed
	default:
	}
	select {
	case p.out <- cp:
		return nil
	case <-p.closed:
		return errClosed
	}
}

func (p *pipeConn) ReadPacket() ([]byte, error) {
	// Data already sent is delivered before the close is seen.
	select {
	case b := <-p.in:
		return b, nil
	default:
	}
	select {
	case b := <-p.in:
		return b, nil
	case <-p.closed:
		return nil, errClosed
	}
}

func (p *pipeConn) SessionID() []byte { return p.sid }
func (p *pipeConn) Close()            { p.once.Do(func() { close(p.closed) }) }

// mustRead reads a packet or fails the test.
func (p *pipeConn) mustRead(t *testing.T) []byte {
	t.Helper()
	b, err := p.ReadPacket()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return b
}

func (p *pipeConn) mustWrite(t *testing.T, b []byte) {
	t.Helper()
	if err := p.WritePacket(b); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// runPair runs RunClient and RunServer against each other.
func runPair(t *testing.T, ccfg *ClientConfig, scfg *ServerConfig) (clientErr error, res *Result, serverErr error) {
	t.Helper()
	return runPairCtx(context.Background(), t, ccfg, scfg)
}

func runPairCtx(ctx context.Context, t *testing.T, ccfg *ClientConfig, scfg *ServerConfig) (clientErr error, res *Result, serverErr error) {
	t.Helper()
	c, s := newPipe()
	defer c.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		res, serverErr = RunServer(ctx, s, scfg)
		if serverErr != nil {
			s.Close()
		}
	}()
	clientErr = RunClient(ctx, c, ccfg)
	if clientErr != nil {
		c.Close()
	}
	wg.Wait()
	return clientErr, res, serverErr
}

var (
	keyOnce                       sync.Once
	edSigner, ed2Signer, ecSigner keys.Signer
	rsaSigner                     keys.Signer
)

func testKeys(t testing.TB) {
	keyOnce.Do(func() {
		_, e1, _ := ed25519.GenerateKey(rand.Reader)
		_, e2, _ := ed25519.GenerateKey(rand.Reader)
		ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		rk, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		edSigner = mustSigner(e1)
		ed2Signer = mustSigner(e2)
		ecSigner = mustSigner(ec)
		rsaSigner = mustSigner(rk)
	})
}

func mustSigner(k crypto.Signer) keys.Signer {
	s, err := keys.NewSigner(k)
	if err != nil {
		panic(err)
	}
	return s
}

// userauthRequest encodes a USERAUTH_REQUEST.
func userauthRequest(user, method string, body []byte) []byte {
	return (&wire.UserAuthRequest{User: user, Service: wire.ServiceConnection, Method: method, Body: body}).Marshal(nil)
}

// serviceRequest is the client's first packet.
var serviceRequest = (&wire.ServiceRequest{Service: wire.ServiceUserAuth}).Marshal(nil)
