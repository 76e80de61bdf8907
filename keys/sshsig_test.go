package keys

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSSHSIGInterop signs with ours and verifies with ssh-keygen -Y, and
// the reverse, for every key type.
func TestSSHSIGInterop(t *testing.T) {
	kg := sshKeygen(t)
	dir := t.TempDir()
	msg := []byte("message to sign\n")
	msgPath := filepath.Join(dir, "msg")
	if err := os.WriteFile(msgPath, msg, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range keygenSpecs {
		if c.t == "dsa" {
			continue
		}
		kp := genKeygen(t, kg, dir, c.t, c.bits)
		priv, _ := os.ReadFile(kp)
		s, err := ParsePrivateKey(priv)
		if err != nil {
			t.Fatal(err)
		}
		signers := filepath.Join(dir, "allowed")
		line := "me@example " + strings.TrimSpace(string(MarshalAuthorizedKey(s.PublicKey()))) + "\n"
		if err := os.WriteFile(signers, []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, ha := range []string{"sha256", "sha512"} {
			sig, err := SignSSHSIG(s, "file", ha, bytes.NewReader(msg))
			if err != nil {
				t.Fatal(err)
			}
			sp := filepath.Join(dir, "ours.sig")
			os.WriteFile(sp, sig, 0o600)
			out := runTool(t, msg, kg, "-Y", "verify", "-f", signers, "-I", "me@example", "-n", "file", "-s", sp)
			if !strings.Contains(string(out), `Good "file" signature for me@example`) {
				t.Errorf("%s %s: %s", c.t, ha, out)
			}
		}
		os.Remove(msgPath + ".sig")
		runTool(t, nil, kg, "-q", "-Y", "sign", "-f", kp, "-n", "git", msgPath)
		theirs, err := os.ReadFile(msgPath + ".sig")
		if err != nil {
			t.Fatal(err)
		}
		pub, err := VerifySSHSIG(theirs, "git", bytes.NewReader(msg))
		if err != nil || !Equal(pub, s.PublicKey()) {
			t.Errorf("%s: verify ssh-keygen signature: %v", c.t, err)
		}
		if _, err := VerifySSHSIG(theirs, "file", bytes.NewReader(msg)); !errors.Is(err, ErrNamespace) {
			t.Errorf("%s: wrong namespace: %v", c.t, err)
		}
		if _, err := VerifySSHSIG(theirs, "git", strings.NewReader("other")); !errors.Is(err, ErrVerification) {
			t.Errorf("%s: wrong message: %v", c.t, err)
		}
	}
}

func TestParseSSHSIGRejects(t *testing.T) {
	s := testSigners(t)[0]
	good, err := SignSSHSIG(s, "n", "", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]string{
		"empty":      "",
		"no armor":   "hello",
		"no end":     sshsigBegin + "\nAAAA\n",
		"bad base64": sshsigBegin + "\n!!!\n" + sshsigEnd,
		"truncated":  string(good[:len(good)-60]) + "\n" + sshsigEnd,
	} {
		if _, err := ParseSSHSIG([]byte(in)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := SignSSHSIG(s, "n", "md5", strings.NewReader("x")); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("md5: %v", err)
	}
}
