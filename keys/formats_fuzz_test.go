package keys

import (
	"bytes"
	"strings"
	"testing"
)

func fuzzSeedCert(t testing.TB) *Certificate {
	s := testSigners(t)
	c := &Certificate{Key: s[0].PublicKey(), CertType: UserCert, KeyID: "id", ValidPrincipals: []string{"a", "b"},
		ValidBefore: CertTimeInfinity, CriticalOptions: map[string]string{"force-command": "true"},
		Extensions: map[string]string{"permit-pty": ""}}
	if err := SignCertificate(s[1], c); err != nil {
		t.Fatal(err)
	}
	return c
}

func FuzzParseCertificate(f *testing.F) {
	f.Add(fuzzSeedCert(f).Marshal())
	f.Fuzz(func(t *testing.T, blob []byte) {
		k, err := ParsePublicKey(blob)
		if err != nil {
			return
		}
		c, ok := k.(*Certificate)
		if !ok {
			return
		}
		_ = c.VerifySignature()
		_ = Randomart(c, "SHA256")
		if !bytes.Equal(c.Marshal(), blob) {
			t.Fatal("certificate does not re-marshal to its input")
		}
	})
}

func FuzzParseRFC4716(f *testing.F) {
	pub := testSigners(f)[0].PublicKey()
	f.Add(MarshalRFC4716PublicKey(pub, []RFC4716Header{{"Comment", `"` + strings.Repeat("c", 100) + `"`}}))
	f.Add([]byte(rfc4716Begin + "\nA: b\\\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, hdrs, err := ParseRFC4716PublicKey(data)
		if err != nil {
			return
		}
		k2, _, err := ParseRFC4716PublicKey(MarshalRFC4716PublicKey(k, hdrs))
		if err != nil || !Equal(k, k2) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzParseSSHSIG(f *testing.F) {
	sig, err := SignSSHSIG(testSigners(f)[0], "ns", "", strings.NewReader("m"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sig, "ns")
	f.Fuzz(func(t *testing.T, data []byte, ns string) {
		_, _ = VerifySSHSIG(data, ns, strings.NewReader("m"))
	})
}

func FuzzParsePEMPublicKey(f *testing.F) {
	for _, s := range testSigners(f) {
		b, err := MarshalPKIXPublicKey(s.PublicKey())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParsePEMPublicKey(data)
	})
}
