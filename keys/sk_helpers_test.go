package keys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/pem"
	"os"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
)

// testSK is a software stand-in for a security key: the signature format
// follows PROTOCOL.u2f, with the signing done by an ordinary key.
type testSK struct {
	pub SecurityKey
	ec  *ecdsa.PrivateKey
	ed  ed25519.PrivateKey
}

const testApp = "ssh:"

func testSKECDSA(t testing.TB) *testSK {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b := wire.AppendText(nil, TypeSKECDSA)
	b = wire.AppendText(b, "nistp256")
	b = wire.AppendString(b, curveP256.marshalPoint(&k.PublicKey))
	b = wire.AppendText(b, testApp)
	pub, err := ParsePublicKey(b)
	if err != nil {
		t.Fatal(err)
	}
	return &testSK{pub: pub.(SecurityKey), ec: k}
}

func testSKED25519(t testing.TB) *testSK {
	pk, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b := wire.AppendText(nil, TypeSKED25519)
	b = wire.AppendString(b, pk)
	b = wire.AppendText(b, testApp)
	pub, err := ParsePublicKey(b)
	if err != nil {
		t.Fatal(err)
	}
	return &testSK{pub: pub.(SecurityKey), ed: k}
}

func (s *testSK) sign(t testing.TB, data []byte, flags byte, counter uint32) []byte {
	signed := skSignedData(testApp, flags, counter, data)
	var b []byte
	if s.ec != nil {
		h := sha256.Sum256(signed)
		r, sv, err := ecdsa.Sign(rand.Reader, s.ec, h[:])
		if err != nil {
			t.Fatal(err)
		}
		body := wire.AppendMpint(nil, r)
		body = wire.AppendMpint(body, sv)
		b = appendSignature(nil, TypeSKECDSA, body)
	} else {
		b = appendSignature(nil, TypeSKED25519, ed25519.Sign(s.ed, signed))
	}
	b = append(b, flags)
	return wire.AppendUint32(b, counter)
}

// testDSAPublic returns the fixed DSA key in testdata (made by
// ssh-keygen; generating DSA parameters in Go is slow).
func testDSAPublic(t testing.TB) PublicKey {
	line, err := os.ReadFile("testdata/dsa_key.pub")
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _, _, err := ParseAuthorizedKey(line)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func pemBody(t testing.TB, data []byte) []byte {
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatal("no PEM block")
	}
	return b.Bytes
}
