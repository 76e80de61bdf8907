package agent

import (
	"crypto/rand"
	"errors"
	"testing"

	"github.com/ssh2go/ssh2/keys"
)

// TestTransactConn runs a client over the message-at-a-time adapter used
// for Pageant, with the keyring answering each exchange.
func TestTransactConn(t *testing.T) {
	ring := NewKeyring()
	exchanges := 0
	conn := &transactConn{maxReply: MaxMessageSize + 4, transact: func(req []byte) ([]byte, error) {
		exchanges++
		out := handleRequest(ring, req[4:], []byte{0, 0, 0, 0})
		n := len(out) - 4
		out[0], out[1], out[2], out[3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
		return out, nil
	}}
	c := NewClient(conn)
	k, _ := keys.GenerateEd25519(rand.Reader)
	if err := c.Add(AddedKey{PrivateKey: k, Comment: "pageant"}); err != nil {
		t.Fatal(err)
	}
	ids, err := c.List()
	if err != nil || len(ids) != 1 || ids[0].Comment != "pageant" {
		t.Fatalf("List: %v, %v", ids, err)
	}
	sig, err := c.Sign(k.PublicKey(), []byte("x"), 0)
	if err != nil || k.PublicKey().Verify([]byte("x"), sig) != nil {
		t.Fatalf("Sign: %v", err)
	}
	if exchanges != 3 {
		t.Fatalf("%d exchanges, want 3", exchanges)
	}
	// A reply whose length prefix lies is refused.
	bad := &transactConn{maxReply: 100, transact: func([]byte) ([]byte, error) { return []byte{0, 0, 0, 9, 6}, nil }}
	if _, err := NewClient(bad).List(); !errors.Is(err, ErrMalformed) {
		t.Fatalf("bad framing: %v", err)
	}
}
