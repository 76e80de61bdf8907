package agent

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/ssh2go/ssh2/keys"
)

// pipeAgent serves a over an in-process pipe and returns a client for it.
func pipeAgent(t *testing.T, a Agent) *Client {
	t.Helper()
	c1, c2 := net.Pipe()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := ServeAgent(a, c2); err != nil {
			t.Errorf("ServeAgent: %v", err)
		}
		c2.Close()
	}()
	t.Cleanup(func() { c1.Close(); wg.Wait() })
	return NewClient(c1)
}

func testKeys(t *testing.T) map[string]any {
	t.Helper()
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{keys.TypeED25519: ed, keys.TypeECDSA384: ec, keys.TypeRSA: rs}
}

func TestClientKeyringRoundTrip(t *testing.T) {
	c := pipeAgent(t, NewKeyring())
	data := []byte("data to sign")
	for typ, k := range testKeys(t) {
		if err := c.Add(AddedKey{PrivateKey: k, Comment: "c-" + typ}); err != nil {
			t.Fatalf("Add %s: %v", typ, err)
		}
	}
	ids, err := c.List()
	if err != nil || len(ids) != 3 {
		t.Fatalf("List = %d, %v", len(ids), err)
	}
	for _, id := range ids {
		if id.Comment != "c-"+id.PublicKey.Type() {
			t.Errorf("comment %q for %s", id.Comment, id.PublicKey.Type())
		}
		flags := []SignFlags{0}
		if id.PublicKey.Type() == keys.TypeRSA {
			flags = []SignFlags{0, SignatureFlagRSASHA256, SignatureFlagRSASHA512}
		}
		want := map[SignFlags]string{0: algorithmsFor(id.PublicKey.Type())[0], SignatureFlagRSASHA256: keys.SigRSASHA256, SignatureFlagRSASHA512: keys.SigRSASHA512}
		if id.PublicKey.Type() == keys.TypeRSA {
			want[0] = keys.SigRSASHA1
		}
		for _, f := range flags {
			sig, err := c.Sign(id.PublicKey, data, f)
			if err != nil {
				t.Fatalf("Sign %s %d: %v", id.PublicKey.Type(), f, err)
			}
			if got := signatureAlgorithm(sig); got != want[f] {
				t.Errorf("%s flags %d: algorithm %s, want %s", id.PublicKey.Type(), f, got, want[f])
			}
			if err := id.PublicKey.Verify(data, sig); err != nil {
				t.Errorf("verify %s: %v", id.PublicKey.Type(), err)
			}
		}
	}
	signers, err := c.Signers()
	if err != nil || len(signers) != 3 {
		t.Fatalf("Signers = %d, %v", len(signers), err)
	}
	for _, s := range signers {
		for _, algo := range s.Algorithms() {
			sig, err := s.Sign(nil, algo, data)
			if err != nil {
				t.Fatalf("signer %s: %v", algo, err)
			}
			if err := s.PublicKey().Verify(data, sig); err != nil || signatureAlgorithm(sig) != algo {
				t.Errorf("signer %s: %v (%s)", algo, err, signatureAlgorithm(sig))
			}
		}
	}
	if err := c.Remove(ids[0].PublicKey); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(ids[0].PublicKey); !errors.Is(err, ErrAgentFailure) {
		t.Fatalf("second Remove = %v", err)
	}
	if ids, _ := c.List(); len(ids) != 2 {
		t.Fatalf("after Remove: %d ids", len(ids))
	}
	if err := c.RemoveAll(); err != nil {
		t.Fatal(err)
	}
	if ids, _ := c.List(); len(ids) != 0 {
		t.Fatalf("after RemoveAll: %d ids", len(ids))
	}
}

func TestKeyringLock(t *testing.T) {
	c := pipeAgent(t, NewKeyring())
	s, err := keys.GenerateEd25519(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Add(AddedKey{PrivateKey: s}); err != nil {
		t.Fatal(err)
	}
	if err := c.Unlock([]byte("x")); !errors.Is(err, ErrAgentFailure) {
		t.Fatalf("Unlock of unlocked agent = %v", err)
	}
	if err := c.Lock([]byte("secret")); err != nil {
		t.Fatal(err)
	}
	if ids, err := c.List(); err != nil || len(ids) != 0 {
		t.Fatalf("locked List = %d, %v", len(ids), err)
	}
	if _, err := c.Sign(s.PublicKey(), []byte("d"), 0); !errors.Is(err, ErrAgentFailure) {
		t.Fatalf("locked Sign = %v", err)
	}
	if err := c.Unlock([]byte("wrong")); !errors.Is(err, ErrAgentFailure) {
		t.Fatalf("wrong Unlock = %v", err)
	}
	if err := c.Unlock([]byte("secret")); err != nil {
		t.Fatal(err)
	}
	if ids, err := c.List(); err != nil || len(ids) != 1 {
		t.Fatalf("unlocked List = %d, %v", len(ids), err)
	}
}

func TestKeyringLifetime(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	c := pipeAgent(t, NewKeyring(WithClock(clock)))
	short, _ := keys.GenerateEd25519(rand.Reader)
	forever, _ := keys.GenerateEd25519(rand.Reader)
	if err := c.Add(AddedKey{PrivateKey: short, LifetimeSecs: 60}); err != nil {
		t.Fatal(err)
	}
	if err := c.Add(AddedKey{PrivateKey: forever}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(59 * time.Second)
	if ids, _ := c.List(); len(ids) != 2 {
		t.Fatalf("before expiry: %d ids", len(ids))
	}
	if _, err := c.Sign(short.PublicKey(), []byte("d"), 0); err != nil {
		t.Fatalf("Sign before expiry: %v", err)
	}
	now = now.Add(time.Second)
	if _, err := c.Sign(short.PublicKey(), []byte("d"), 0); !errors.Is(err, ErrAgentFailure) {
		t.Fatalf("Sign after expiry = %v", err)
	}
	ids, _ := c.List()
	if len(ids) != 1 || !bytes.Equal(ids[0].Blob, forever.PublicKey().Marshal()) {
		t.Fatalf("after expiry: %d ids", len(ids))
	}
}

func TestKeyringConfirm(t *testing.T) {
	k, _ := keys.GenerateEd25519(rand.Reader)
	c := pipeAgent(t, NewKeyring())
	if err := c.Add(AddedKey{PrivateKey: k, ConfirmBeforeUse: true}); !errors.Is(err, ErrAgentFailure) {
		t.Fatalf("confirm without callback = %v", err)
	}
	allow := false
	asked := 0
	c2 := pipeAgent(t, NewKeyring(WithConfirm(func(pub keys.PublicKey, comment string) bool {
		asked++
		if !keys.Equal(pub, k.PublicKey()) || comment != "conf" {
			t.Errorf("confirm asked for %s %q", pub.Type(), comment)
		}
		return allow
	})))
	if err := c2.Add(AddedKey{PrivateKey: k, ConfirmBeforeUse: true, Comment: "conf"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Sign(k.PublicKey(), []byte("d"), 0); !errors.Is(err, ErrAgentFailure) {
		t.Fatalf("denied Sign = %v", err)
	}
	allow = true
	if _, err := c2.Sign(k.PublicKey(), []byte("d"), 0); err != nil {
		t.Fatalf("confirmed Sign = %v", err)
	}
	if asked != 2 {
		t.Fatalf("confirm asked %d times", asked)
	}
}

func TestKeyringExtensions(t *testing.T) {
	c := pipeAgent(t, NewKeyring())
	names, err := c.Query()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 2 || names[0] != ExtensionQuery || names[1] != ExtensionSessionBind {
		t.Fatalf("Query = %q", names)
	}
	if _, err := c.Extension("nope@example.com", []byte{1, 2}); !errors.Is(err, ErrExtensionUnsupported) {
		t.Fatalf("unknown extension = %v", err)
	}
	host, _ := keys.GenerateEd25519(rand.Reader)
	sid := []byte("session identifier")
	sig, _ := host.Sign(rand.Reader, keys.SigED25519, sid)
	if err := c.SessionBind(host.PublicKey().Marshal(), sid, sig, false); err != nil {
		t.Fatalf("SessionBind: %v", err)
	}
	if err := c.SessionBind(host.PublicKey().Marshal(), []byte("other"), sig, false); !errors.Is(err, ErrExtensionFailure) {
		t.Fatalf("SessionBind with bad signature = %v", err)
	}
}

func TestClientConcurrent(t *testing.T) {
	c := pipeAgent(t, NewKeyring())
	k, _ := keys.GenerateEd25519(rand.Reader)
	if err := c.Add(AddedKey{PrivateKey: k}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := []byte{byte(i)}
			for range 20 {
				sig, err := c.Sign(k.PublicKey(), data, 0)
				if err != nil {
					t.Error(err)
					return
				}
				if err := k.PublicKey().Verify(data, sig); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestKeyringUnlockBackoff(t *testing.T) {
	ring := NewKeyring().(*keyring)
	var slept []time.Duration
	ring.sleep = func(d time.Duration) { slept = append(slept, d) }
	if err := ring.Lock([]byte("right")); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := ring.Unlock([]byte("wrong")); !errors.Is(err, ErrBadPassphrase) {
			t.Fatal(err)
		}
	}
	if err := ring.Unlock([]byte("right")); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond}
	if len(slept) != 3 || slept[0] != want[0] || slept[1] != want[1] || slept[2] != want[2] {
		t.Fatalf("delays %v, want %v", slept, want)
	}
	// A fresh lock starts counting again.
	ring.Lock([]byte("x"))
	ring.Unlock(nil)
	if slept[3] != 100*time.Millisecond {
		t.Fatalf("delay after relock %v", slept[3])
	}
}
