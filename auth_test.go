package ssh2

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/ssh2go/ssh2/keys"
)

func TestWrongPasswordRejected(t *testing.T) {
	addr := newEchoServer(t)
	_, err := dialPassword(t, addr, "wrong")
	var ae *AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *AuthError", err)
	}
}

func TestPublicKeyBoundToSigner(t *testing.T) {
	good, bad := newTestSigner(t), newTestSigner(t)
	var sawVerified keys.PublicKey
	cfg := &ServerConfig{PublicKeyCallback: func(_ context.Context, r *PublicKeyRequest) Decision {
		if !keys.Equal(r.Key, good.PublicKey()) {
			return Reject()
		}
		if r.Verified {
			sawVerified = r.Key
		}
		return Accept()
	}}
	var conn *ServerConn
	addr := testServer(t, &Server{Config: cfg, Handler: func(s *Session) { conn = s.Conn() }})
	dial := func(s Signer) (*Client, error) {
		return Dial(context.Background(), "tcp", addr, &ClientConfig{User: "bob", Auth: []AuthMethod{PublicKeys(s)}, HostKeyCallback: InsecureIgnoreHostKey()})
	}
	if _, err := dial(bad); err == nil {
		t.Fatal("unknown key accepted")
	}
	c, err := dial(good)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ch, err := c.Exec(context.Background(), "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	ch.Wait()
	ch.Close()
	if sawVerified == nil || conn == nil || !keys.Equal(conn.PublicKey(), good.PublicKey()) {
		t.Fatal("the session does not carry the key that signed")
	}
}

func TestKeyboardInteractiveAndPartialSuccess(t *testing.T) {
	key := newTestSigner(t)
	cfg := &ServerConfig{
		PublicKeyCallback: func(_ context.Context, r *PublicKeyRequest) Decision {
			if keys.Equal(r.Key, key.PublicKey()) {
				return Partial("keyboard-interactive")
			}
			return Reject()
		},
		KeyboardInteractiveCallback: func(_ context.Context, r *KeyboardInteractiveRequest, ask Challenge) Decision {
			if len(r.Previous) != 1 {
				return Reject()
			}
			a, err := ask("", "second factor", []Prompt{{Text: "Code: ", Echo: true}})
			if err != nil || len(a) != 1 || a[0] != "424242" {
				return Reject()
			}
			return Accept()
		},
	}
	addr := testServer(t, &Server{Config: cfg, Handler: echoHandler})
	var asked []string
	c, err := Dial(context.Background(), "tcp", addr, &ClientConfig{
		User: "carol",
		Auth: []AuthMethod{PublicKeys(key), KeyboardInteractive(func(_, instr string, ps []Prompt) ([]string, error) {
			asked = append(asked, instr)
			return []string{"424242"}, nil
		})},
		HostKeyCallback: InsecureIgnoreHostKey(),
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if len(asked) != 1 || asked[0] != "second factor" {
		t.Fatalf("prompts %v", asked)
	}
}

func TestHostKeyCallbacks(t *testing.T) {
	hk := newTestSigner(t)
	cfg := passwordConfig()
	cfg.HostKeys = []Signer{hk}
	addr := testServer(t, &Server{Config: cfg, Handler: echoHandler})
	dial := func(cb HostKeyCallback) error {
		c, err := Dial(context.Background(), "tcp", addr, &ClientConfig{User: "alice", Auth: []AuthMethod{Password("secret")}, HostKeyCallback: cb})
		if err == nil {
			c.Close()
		}
		return err
	}
	if err := dial(FixedHostKey(hk.PublicKey())); err != nil {
		t.Fatal(err)
	}
	if err := dial(FixedHostKey(newTestSigner(t).PublicKey())); err == nil {
		t.Fatal("wrong host key accepted")
	}
	if err := dial(nil); err == nil {
		t.Fatal("nil HostKeyCallback accepted")
	}
}

func TestLoginGraceTime(t *testing.T) {
	cfg := passwordConfig()
	cfg.LoginGraceTime = 200 * time.Millisecond
	addr := testServer(t, &Server{Config: cfg})
	c, err := dialRaw(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Say nothing: the server must hang up by itself, long before this
	// safety deadline.
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.ReadAll(c); err != nil {
		t.Fatalf("read: %v", err)
	}
}
