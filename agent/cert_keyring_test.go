package agent

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// testCertBlob returns a user certificate for key, signed by a fresh
// Ed25519 CA.
func testCertBlob(t testing.TB, key keys.PublicKey) []byte {
	t.Helper()
	ca, err := keys.GenerateEd25519(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cert := &keys.Certificate{
		Key:             key,
		Serial:          7,
		CertType:        keys.UserCert,
		KeyID:           "agent-test",
		ValidPrincipals: []string{"alice"},
		ValidBefore:     keys.CertTimeInfinity,
		Extensions:      map[string]string{"permit-pty": ""},
	}
	if err := keys.SignCertificate(ca, cert); err != nil {
		t.Fatal(err)
	}
	return cert.Marshal()
}

// TestClientKeyringCertificates adds keys with certificates through our
// client to our keyring, then lists, signs with and removes the
// certificate identities.
func TestClientKeyringCertificates(t *testing.T) {
	c := pipeAgent(t, NewKeyring())
	data := []byte("data to sign")
	for typ, k := range testKeys(t) {
		s, err := keys.NewSigner(mustCrypto(t, k))
		if err != nil {
			t.Fatal(err)
		}
		certBlob := testCertBlob(t, s.PublicKey())
		if err := c.Add(AddedKey{PrivateKey: k, Comment: "plain-" + typ}); err != nil {
			t.Fatalf("Add %s: %v", typ, err)
		}
		if err := c.Add(AddedKey{PrivateKey: k, Certificate: certBlob, Comment: "cert-" + typ, LifetimeSecs: 600}); err != nil {
			t.Fatalf("Add %s certificate: %v", typ, err)
		}
		ids, err := c.List()
		if err != nil {
			t.Fatal(err)
		}
		var plain, cert *Identity
		for _, id := range ids {
			switch {
			case bytes.Equal(id.Blob, certBlob):
				cert = id
			case bytes.Equal(id.Blob, s.PublicKey().Marshal()):
				plain = id
			}
		}
		if plain == nil || plain.Comment != "plain-"+typ {
			t.Fatalf("%s: plain key not listed: %+v", typ, plain)
		}
		if cert == nil || cert.Comment != "cert-"+typ {
			t.Fatalf("%s: certificate not listed: %+v", typ, cert)
		}
		kc, ok := cert.PublicKey.(*keys.Certificate)
		if !ok || !keys.Equal(kc.Key, s.PublicKey()) {
			t.Fatalf("%s: listed certificate parses as %T", typ, cert.PublicKey)
		}
		flagSets := []SignFlags{0}
		if typ == keys.TypeRSA {
			flagSets = []SignFlags{0, SignatureFlagRSASHA256, SignatureFlagRSASHA512}
		}
		for _, flags := range flagSets {
			sig, err := c.Sign(cert.PublicKey, data, flags)
			if err != nil {
				t.Fatalf("%s: Sign with certificate (flags %d): %v", typ, flags, err)
			}
			if err := s.PublicKey().Verify(data, sig); err != nil {
				t.Fatalf("%s: certificate signature (flags %d): %v", typ, flags, err)
			}
			want := typ
			switch flags {
			case SignatureFlagRSASHA256:
				want = keys.SigRSASHA256
			case SignatureFlagRSASHA512:
				want = keys.SigRSASHA512
			}
			if got, _ := keys.SignatureAlgorithm(sig); got != want {
				t.Fatalf("%s: flags %d made a %q signature, want %q", typ, flags, got, want)
			}
		}
		checkCertSigner(t, c, certBlob, s.PublicKey())
		if err := c.Remove(cert.PublicKey); err != nil {
			t.Fatalf("%s: Remove certificate: %v", typ, err)
		}
		if _, err := c.Sign(cert.PublicKey, data, 0); !errors.Is(err, ErrAgentFailure) {
			t.Fatalf("%s: Sign after removing the certificate: %v", typ, err)
		}
		// The plain key stays.
		if _, err := c.Sign(s.PublicKey(), data, 0); err != nil {
			t.Fatalf("%s: plain key gone with its certificate: %v", typ, err)
		}
	}
}

func mustCrypto(t *testing.T, k any) crypto.Signer {
	t.Helper()
	ck, err := cryptoKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return ck
}

// TestKeyringCertificateConstraints checks that lifetime and confirm
// apply to certificate identities as to plain keys.
func TestKeyringCertificateConstraints(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	asked := 0
	ring := NewKeyring(WithClock(func() time.Time { return now }), WithConfirm(func(key keys.PublicKey, comment string) bool {
		asked++
		_, isCert := key.(*keys.Certificate)
		return isCert && comment == "confirm-me"
	}))
	ed, _ := keys.GenerateEd25519(rand.Reader)
	blob := testCertBlob(t, ed.PublicKey())
	if err := ring.Add(AddedKey{PrivateKey: ed, Certificate: blob, Comment: "confirm-me", ConfirmBeforeUse: true, LifetimeSecs: 10}); err != nil {
		t.Fatal(err)
	}
	cert, _ := keys.ParsePublicKey(blob)
	sig, err := ring.Sign(cert, []byte("x"), 0)
	if err != nil || asked != 1 {
		t.Fatalf("confirmed certificate Sign: %v (asked %d)", err, asked)
	}
	if err := ed.PublicKey().Verify([]byte("x"), sig); err != nil {
		t.Fatal(err)
	}
	now = now.Add(10 * time.Second)
	if _, err := ring.Sign(cert, []byte("x"), 0); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("Sign after the lifetime: %v", err)
	}
	if ids, _ := ring.List(); len(ids) != 0 {
		t.Fatalf("expired certificate still listed: %d identities", len(ids))
	}
}

// TestKeyringCertificateRefused checks the typed refusals of bad
// certificates given to Add.
func TestKeyringCertificateRefused(t *testing.T) {
	ring := NewKeyring()
	ed, _ := keys.GenerateEd25519(rand.Reader)
	other, _ := keys.GenerateEd25519(rand.Reader)
	good := testCertBlob(t, ed.PublicKey())
	badSig := bytes.Clone(good)
	badSig[len(badSig)-1] ^= 1
	cases := []struct {
		name string
		key  keys.Signer
		cert []byte
		want error
	}{
		{"other key", other, good, ErrCertificateMismatch},
		{"bad CA signature", ed, badSig, ErrMalformed},
		{"plain key blob", ed, ed.PublicKey().Marshal(), ErrMalformed},
		{"truncated", ed, good[:len(good)-3], ErrMalformed},
		{"garbage", ed, []byte{0, 0, 0, 1}, ErrMalformed},
	}
	for _, tc := range cases {
		if err := ring.Add(AddedKey{PrivateKey: tc.key, Certificate: tc.cert}); !errors.Is(err, tc.want) {
			t.Errorf("%s: Add = %v, want %v", tc.name, err, tc.want)
		}
	}
	if ids, _ := ring.List(); len(ids) != 0 {
		t.Fatalf("refused certificates listed: %d", len(ids))
	}
}

// TestDecodeCertificateFormMalformed feeds certificate-form add requests
// whose parts disagree; each is refused with a typed error.
func TestDecodeCertificateFormMalformed(t *testing.T) {
	ed, _ := keys.GenerateEd25519(rand.Reader)
	ec, _ := keys.Generate(keys.TypeECDSA256, 256, rand.Reader)
	ec2, _ := keys.Generate(keys.TypeECDSA256, 256, rand.Reader)
	edCert := testCertBlob(t, ed.PublicKey())
	ecCert := testCertBlob(t, ec.PublicKey())
	enc := func(r reqAdd) []byte {
		b, err := appendRequest(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// A private key of the certificate's type that is not its key.
	wrongKey := enc(reqAdd{signer: ec2, cert: ecCert})
	// The type name says ed25519 but the blob is an ECDSA certificate.
	wrongName := []byte{msgAddIdentity}
	wrongName = wire.AppendText(wrongName, keys.CertTypeED25519)
	wrongName = wire.AppendString(wrongName, ecCert)
	wrongName = wire.AppendMpint(wrongName, mustCryptoECD(t, ec))
	wrongName = wire.AppendText(wrongName, "c")
	// A plain key blob where the certificate belongs.
	plainBlob := []byte{msgAddIdentity}
	plainBlob = wire.AppendText(plainBlob, keys.CertTypeED25519)
	plainBlob = wire.AppendString(plainBlob, ed.PublicKey().Marshal())
	// The ed25519 public part differs from the certified key.
	badPub := enc(reqAdd{signer: ed, cert: edCert})
	off := 1 + 4 + len(keys.CertTypeED25519) + 4 + len(edCert) + 4
	badPub[off] ^= 1
	// A certificate whose CA signature does not verify.
	forged := bytes.Clone(edCert)
	forged[len(forged)-1] ^= 1
	badCA := enc(reqAdd{signer: ed, cert: edCert})
	copy(badCA[1+4+len(keys.CertTypeED25519)+4:], forged)
	for name, msg := range map[string][]byte{
		"wrong key": wrongKey, "wrong name": wrongName, "plain blob": plainBlob,
		"bad public part": badPub, "bad CA signature": badCA,
	} {
		if _, err := decodeRequest(msg); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: decode = %v, want ErrMalformed", name, err)
		}
		// Served, it is answered with SSH_AGENT_FAILURE.
		if reply := handleRequest(NewKeyring(), msg, nil); !bytes.Equal(reply, []byte{msgFailure}) {
			t.Errorf("%s: reply %x", name, reply)
		}
	}
}

func mustCryptoECD(t *testing.T, s keys.Signer) *big.Int {
	t.Helper()
	k, err := cryptoKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*ecdsa.PrivateKey).D
}
