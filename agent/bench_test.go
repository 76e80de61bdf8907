package agent

import (
	"crypto/rand"
	"errors"
	"net"
	"sync"
	"testing"

	"github.com/ssh2go/ssh2/keys"
)

// BenchmarkSignRoundTrip measures one sign request through a client and
// ServeAgent over an in-process pipe (ed25519, 64-byte data).
func BenchmarkSignRoundTrip(b *testing.B) {
	c1, c2 := net.Pipe()
	var wg sync.WaitGroup
	ring := NewKeyring()
	wg.Add(1)
	go func() { defer wg.Done(); ServeAgent(ring, c2); c2.Close() }()
	defer func() { c1.Close(); wg.Wait() }()
	c := NewClient(c1)
	k, _ := keys.GenerateEd25519(rand.Reader)
	if err := c.Add(AddedKey{PrivateKey: k}); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 64)
	pub := k.PublicKey()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Sign(pub, data, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDialWithoutSocket(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	if _, err := Dial(); !errors.Is(err, ErrNoAgent) {
		t.Fatalf("Dial = %v", err)
	}
}

func TestKeyringSignersDirect(t *testing.T) {
	ring := NewKeyring()
	rs, err := keys.Generate(keys.TypeRSA, 2048, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := ring.Add(AddedKey{PrivateKey: rs}); err != nil {
		t.Fatal(err)
	}
	signers, err := ring.Signers()
	if err != nil || len(signers) != 1 {
		t.Fatalf("Signers: %d, %v", len(signers), err)
	}
	for _, algo := range []string{keys.SigRSASHA512, keys.SigRSASHA256, keys.SigRSASHA1} {
		sig, err := signers[0].Sign(nil, algo, []byte("m"))
		if err != nil {
			t.Fatalf("%s: %v", algo, err)
		}
		if signatureAlgorithm(sig) != algo || rs.PublicKey().Verify([]byte("m"), sig) != nil {
			t.Fatalf("%s: bad signature", algo)
		}
	}
	if _, err := signers[0].Sign(nil, keys.SigED25519, []byte("m")); !errors.Is(err, keys.ErrUnsupportedAlgorithm) {
		t.Fatalf("wrong algorithm: %v", err)
	}
	if err := ring.Lock([]byte("p")); err != nil {
		t.Fatal(err)
	}
	if _, err := signers[0].Sign(nil, keys.SigRSASHA256, []byte("m")); !errors.Is(err, ErrLocked) {
		t.Fatalf("locked Sign: %v", err)
	}
	if err := ring.Unlock([]byte("q")); !errors.Is(err, ErrBadPassphrase) {
		t.Fatalf("bad Unlock: %v", err)
	}
}
