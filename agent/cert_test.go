package agent

import (
	"bytes"
	"encoding/base64"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/keys"
)

// TestOpenSSHAgentAddCertificate adds a key with its certificate (signed
// by ssh-keygen -s) to OpenSSH's ssh-agent, which lists both forms.
func TestOpenSSHAgentAddCertificate(t *testing.T) {
	keygen := testpeer.Require(t, "ssh-keygen")
	sock := testpeer.StartSSHAgent(t)
	c := dialSock(t, sock)
	for _, kt := range []struct {
		name string
		bits int
	}{{"ed25519", 0}, {"ecdsa", 256}, {"rsa", 2048}} {
		priv, _ := testpeer.GenerateKey(t, kt.name, kt.bits)
		ca, _ := testpeer.GenerateKey(t, "ed25519", 0)
		if out, err := exec.Command(keygen, "-q", "-s", ca, "-I", "id-"+kt.name, "-n", "alice", priv+".pub").CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen -s: %v\n%s", err, out)
		}
		line, err := os.ReadFile(priv + "-cert.pub")
		if err != nil {
			t.Fatal(err)
		}
		fields := strings.Fields(string(line))
		certBlob, err := base64.StdEncoding.DecodeString(fields[1])
		if err != nil {
			t.Fatal(err)
		}
		pem, err := os.ReadFile(priv)
		if err != nil {
			t.Fatal(err)
		}
		signer, err := keys.ParsePrivateKey(pem)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Add(AddedKey{PrivateKey: signer, Certificate: certBlob, Comment: "cert-" + kt.name}); err != nil {
			t.Fatalf("Add certificate %s: %v", kt.name, err)
		}
		ids, err := c.List()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, id := range ids {
			if bytes.Equal(id.Blob, certBlob) {
				found = id.Comment == "cert-"+kt.name && id.PublicKey.Type() == fields[0]
			}
		}
		if !found {
			t.Fatalf("certificate %s not listed as added", fields[0])
		}
		// The agent signs with the certificate identity.
		cert := &Identity{PublicKey: parsePublicKey(certBlob)}
		flags := SignFlags(0)
		if kt.name == "rsa" {
			flags = SignatureFlagRSASHA512
		}
		sig, err := c.Sign(cert.PublicKey, []byte("data"), flags)
		if err != nil {
			t.Fatalf("Sign with certificate: %v", err)
		}
		if err := signer.PublicKey().Verify([]byte("data"), sig); err != nil {
			t.Fatalf("certificate signature: %v", err)
		}
		checkCertSigner(t, c, certBlob, signer.PublicKey())
	}
	out, err := sshAdd(t, sock, "", "-l")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ED25519-CERT", "ECDSA-CERT", "RSA-CERT"} {
		if !strings.Contains(out, "("+want+")") {
			t.Errorf("ssh-add -l lacks %s:\n%s", want, out)
		}
	}
}

// checkCertSigner finds the agent signer of the certificate certBlob and
// signs with each of its certificate algorithms, as client
// authentication does: the signature uses the plain algorithm and
// verifies with the certified key.
func checkCertSigner(t *testing.T, c *Client, certBlob []byte, certified keys.PublicKey) {
	t.Helper()
	signers, err := c.Signers()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range signers {
		if !bytes.Equal(s.PublicKey().Marshal(), certBlob) {
			continue
		}
		algs := s.Algorithms()
		if len(algs) == 0 {
			t.Fatalf("certificate signer %s offers no algorithms", s.PublicKey().Type())
		}
		for _, algo := range algs {
			plain, ok := keys.CertAlgorithmUnderlying(algo)
			if !ok {
				t.Fatalf("certificate signer offers %q, not a certificate algorithm", algo)
			}
			sig, err := s.Sign(nil, algo, []byte("auth data"))
			if err != nil {
				t.Fatalf("Sign %s: %v", algo, err)
			}
			if got, _ := keys.SignatureAlgorithm(sig); got != plain {
				t.Fatalf("Sign %s made a %q signature, want %q", algo, got, plain)
			}
			if err := certified.Verify([]byte("auth data"), sig); err != nil {
				t.Fatalf("Sign %s: %v", algo, err)
			}
		}
		return
	}
	t.Fatalf("no signer for certificate")
}
