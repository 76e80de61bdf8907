package keys

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/internal/wire"
)

// runTool runs a peer program and fails the test on error, returning
// stdout.
func runTool(t *testing.T, stdin []byte, prog string, args ...string) []byte {
	t.Helper()
	out, err := runToolErr(stdin, prog, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(prog), strings.Join(args, " "), err, out)
	}
	return out
}

func runToolErr(stdin []byte, prog string, args ...string) ([]byte, error) {
	cmd := exec.Command(prog, args...)
	cmd.Env = append(os.Environ(), "SSH_AUTH_SOCK=", "LC_ALL=C")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.Bytes(), err
}

func sshKeygen(t *testing.T) string { return testpeer.Require(t, "ssh-keygen") }

// sshsigSignedData is the blob an SSHSIG signature covers
// (PROTOCOL.sshsig): "SSHSIG", namespace, reserved, hash algorithm,
// H(message). We use sha512 as ssh-keygen does by default.
func sshsigSignedData(namespace string, msg []byte) []byte {
	h := sha512.Sum512(msg)
	b := []byte("SSHSIG")
	b = wire.AppendText(b, namespace)
	b = wire.AppendText(b, "")
	b = wire.AppendText(b, "sha512")
	return wire.AppendString(b, h[:])
}

// armorSSHSIG wraps a signature blob in the SSHSIG envelope and armor.
func armorSSHSIG(pub PublicKey, namespace string, sig []byte) []byte {
	b := []byte("SSHSIG")
	b = wire.AppendUint32(b, 1)
	b = wire.AppendString(b, pub.Marshal())
	b = wire.AppendText(b, namespace)
	b = wire.AppendText(b, "")
	b = wire.AppendText(b, "sha512")
	b = wire.AppendString(b, sig)
	enc := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	out.WriteString("-----BEGIN SSH SIGNATURE-----\n")
	for len(enc) > 70 {
		out.WriteString(enc[:70] + "\n")
		enc = enc[70:]
	}
	out.WriteString(enc + "\n-----END SSH SIGNATURE-----\n")
	return []byte(out.String())
}

// dearmorSSHSIG returns the public key blob and the signature blob of an
// armored SSHSIG file.
func dearmorSSHSIG(t *testing.T, armored []byte) (pubBlob, sig []byte) {
	t.Helper()
	var b64 strings.Builder
	for _, l := range strings.Split(string(armored), "\n") {
		if l != "" && !strings.HasPrefix(l, "-----") {
			b64.WriteString(strings.TrimSpace(l))
		}
	}
	raw, err := base64.StdEncoding.DecodeString(b64.String())
	if err != nil {
		t.Fatalf("sshsig base64: %v", err)
	}
	if !bytes.HasPrefix(raw, []byte("SSHSIG")) {
		t.Fatalf("not an SSHSIG blob")
	}
	d := wire.NewDecoder(raw[6:])
	if v := d.Uint32(); v != 1 {
		t.Fatalf("sshsig version %d", v)
	}
	pubBlob = d.String()
	ns := d.String()
	_ = d.String()
	alg := d.String()
	sig = d.String()
	if err := d.Finish(); err != nil || string(alg) != "sha512" || string(ns) != "test" {
		t.Fatalf("sshsig decode: %v alg=%q ns=%q", err, alg, ns)
	}
	return pubBlob, sig
}
