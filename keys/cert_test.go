package keys

import (
	"bytes"
	"crypto/rand"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readPub(t *testing.T, path string) PublicKey {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _, _, err := ParseAuthorizedKey(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return pub
}

// TestKeygenCertificatesVerify parses certificates ssh-keygen -s made
// with CAs of every type and checks every field and the CA signature.
func TestKeygenCertificatesVerify(t *testing.T) {
	kg := sshKeygen(t)
	dir := t.TempDir()
	user := genKeygen(t, kg, dir, "ed25519", "", "-C", "user")
	for _, c := range keygenSpecs {
		ca := genKeygen(t, kg, dir, c.t, c.bits, "-C", "ca")
		runTool(t, nil, kg, "-q", "-s", ca, "-I", "key id "+c.t, "-n", "alice,bob", "-z", "42",
			"-V", "20200101:20400101", "-O", "source-address=10.0.0.0/8,::1", "-O", "force-command=/bin/true", user+".pub")
		pub := readPub(t, user+"-cert.pub")
		cert, ok := pub.(*Certificate)
		if !ok {
			t.Fatalf("%s: parsed as %T", c.t, pub)
		}
		if cert.Type() != CertTypeED25519 || cert.Serial != 42 || cert.CertType != UserCert || cert.KeyID != "key id "+c.t ||
			strings.Join(cert.ValidPrincipals, ",") != "alice,bob" ||
			cert.CriticalOptions["source-address"] != "10.0.0.0/8,::1" || cert.CriticalOptions["force-command"] != "/bin/true" {
			t.Errorf("%s: fields %+v", c.t, cert)
		}
		if _, ok := cert.Extensions["permit-pty"]; !ok {
			t.Errorf("%s: extensions %v", c.t, cert.Extensions)
		}
		if !Equal(cert.Key, readPub(t, user+".pub")) || !Equal(cert.SignatureKey, readPub(t, ca+".pub")) {
			t.Errorf("%s: keys differ", c.t)
		}
		if err := cert.VerifySignature(); err != nil {
			t.Errorf("%s: VerifySignature: %v", c.t, err)
		}
		line, _ := os.ReadFile(user + "-cert.pub")
		if got := MarshalAuthorizedKey(cert); !bytes.HasPrefix(line, bytes.TrimSpace(got)) {
			t.Errorf("%s: re-marshal differs:\n%s\n%s", c.t, got, line)
		}
		// A flipped bit in the signed part must fail verification.
		blob := cert.Marshal()
		blob[len(blob)/3] ^= 1
		if c2, err := ParsePublicKey(blob); err == nil {
			if err := c2.(*Certificate).VerifySignature(); err == nil {
				t.Errorf("%s: corrupted certificate verified", c.t)
			}
		}
	}
}

// TestCertificatesReadByKeygen signs certificates with our code and has
// ssh-keygen -L print them.
func TestCertificatesReadByKeygen(t *testing.T) {
	kg := sshKeygen(t)
	dir := t.TempDir()
	for i, ca := range testSigners(t) {
		user := testSigners(t)[0]
		cert := &Certificate{
			Key: user.PublicKey(), Serial: 7, CertType: HostCert, KeyID: "host-id",
			ValidPrincipals: []string{"example.com"}, ValidAfter: 1600000000, ValidBefore: CertTimeInfinity,
			CriticalOptions: map[string]string{}, Extensions: map[string]string{},
		}
		if err := SignCertificate(ca, cert); err != nil {
			t.Fatal(err)
		}
		if err := cert.VerifySignature(); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "c"+string(rune('0'+i))+"-cert.pub")
		if err := os.WriteFile(p, MarshalAuthorizedKey(cert), 0o600); err != nil {
			t.Fatal(err)
		}
		out := string(runTool(t, nil, kg, "-L", "-f", p))
		for _, want := range []string{"host certificate", "Key ID: \"host-id\"", "Serial: 7", "example.com", FingerprintSHA256(ca.PublicKey())} {
			if !strings.Contains(out, want) {
				t.Errorf("ssh-keygen -L lacks %q:\n%s", want, out)
			}
		}
	}
}

func TestCertSignerAndChecker(t *testing.T) {
	signers := testSigners(t)
	ca, user := signers[1], signers[4] // ECDSA CA, RSA user key
	cert := &Certificate{
		Key: user.PublicKey(), CertType: UserCert, KeyID: "u", ValidPrincipals: []string{"alice"},
		ValidAfter: 1000, ValidBefore: 2000,
		CriticalOptions: map[string]string{"source-address": "192.168.0.0/16,2001:db8::/32"},
		Extensions:      map[string]string{"permit-pty": ""},
	}
	if err := SignCertificate(ca, cert); err != nil {
		t.Fatal(err)
	}
	cs, err := NewCertSigner(cert, user)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cs.Algorithms(), ","); got != CertSigRSASHA512+","+CertSigRSASHA256+","+CertTypeRSA {
		t.Errorf("algorithms %s", got)
	}
	sig, err := cs.Sign(rand.Reader, CertSigRSASHA256, []byte("data"))
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := SignatureAlgorithm(sig); a != SigRSASHA256 {
		t.Errorf("signature algorithm %s", a)
	}
	if err := cs.PublicKey().Verify([]byte("data"), sig); err != nil {
		t.Errorf("cert Verify: %v", err)
	}
	if _, err := NewCertSigner(cert, ca); err == nil {
		t.Error("NewCertSigner accepted a mismatched key")
	}
	trusted := func(k PublicKey, ct uint32) bool { return Equal(k, ca.PublicKey()) && ct == UserCert }
	cc := &CertChecker{IsAuthority: trusted, Now: func() time.Time { return time.Unix(1500, 0) }}
	ok := netip.MustParseAddr("192.168.3.4")
	for _, c := range []struct {
		name      string
		now       int64
		principal string
		addr      netip.Addr
		certType  uint32
		want      error
	}{
		{"good", 1500, "alice", ok, UserCert, nil},
		{"good v6", 1500, "alice", netip.MustParseAddr("2001:db8::1"), UserCert, nil},
		{"mapped v4", 1500, "alice", netip.MustParseAddr("::ffff:192.168.1.1"), UserCert, nil},
		{"early", 999, "alice", ok, UserCert, ErrCertNotYetValid},
		{"expired", 2000, "alice", ok, UserCert, ErrCertExpired},
		{"principal", 1500, "bob", ok, UserCert, ErrCertPrincipal},
		{"address", 1500, "alice", netip.MustParseAddr("10.1.1.1"), UserCert, ErrCertSourceAddress},
		{"type", 1500, "alice", ok, HostCert, ErrCertType},
	} {
		cc.Now = func() time.Time { return time.Unix(c.now, 0) }
		err := cc.Check(cert, c.certType, c.principal, c.addr)
		if !errors.Is(err, c.want) || (c.want != nil && !errors.Is(err, ErrCertificate)) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	cc.IsAuthority = func(PublicKey, uint32) bool { return false }
	if err := cc.Check(cert, UserCert, "alice", ok); !errors.Is(err, ErrCertAuthority) {
		t.Errorf("untrusted CA: %v", err)
	}
	cc.IsAuthority = trusted
	cert.CriticalOptions["verify-required"] = ""
	if err := SignCertificate(ca, cert); err != nil {
		t.Fatal(err)
	}
	if err := cc.Check(cert, UserCert, "alice", ok); !errors.Is(err, ErrCertCriticalOption) {
		t.Errorf("unknown critical option: %v", err)
	}
	cert.KeyID = "tampered"
	if err := cc.Check(cert, UserCert, "alice", ok); !errors.Is(err, ErrVerification) {
		t.Errorf("tampered cert: %v", err)
	}
}
