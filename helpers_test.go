package ssh2

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"testing"

	"github.com/ssh2go/ssh2/keys"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newTestSigner(t testing.TB) Signer {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := keys.NewSigner(k)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testServer serves srv on a loopback listener for the duration of the
// test and returns the address.
func testServer(t *testing.T, srv *Server) string {
	t.Helper()
	if srv.Config.HostKeys == nil {
		srv.Config.HostKeys = []Signer{newTestSigner(t)}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; err != ErrServerClosed {
			t.Errorf("Serve returned %v", err)
		}
	})
	return ln.Addr().String()
}

// passwordServer accepts user "alice" with password "secret".
func passwordConfig() *ServerConfig {
	return &ServerConfig{
		PasswordCallback: func(_ context.Context, r *PasswordRequest) Decision {
			if r.User == "alice" && r.Password == "secret" {
				return Accept()
			}
			return Reject()
		},
	}
}

func dialPassword(t *testing.T, addr, password string) (*Client, error) {
	t.Helper()
	return Dial(context.Background(), "tcp", addr, &ClientConfig{
		User:            "alice",
		Auth:            []AuthMethod{Password(password)},
		HostKeyCallback: InsecureIgnoreHostKey(),
	})
}

func mustDial(t *testing.T, addr string) *Client {
	t.Helper()
	c, err := dialPassword(t, addr, "secret")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func dialRaw(addr string) (net.Conn, error) { return net.Dial("tcp", addr) }
