package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// userKeyWithCert makes a user key certified by ca with args; ssh finds
// the certificate beside the key.
func userKeyWithCert(t *testing.T, ca string, args ...string) string {
	t.Helper()
	priv, _ := testpeer.GenerateKey(t, "ed25519", 0)
	testpeer.SignKey(t, ca, "test-cert", priv+".pub", args...)
	return priv
}

// TestUserCertificates logs OpenSSH's ssh into ssh2d with user
// certificates made by ssh-keygen -s, under TrustedUserCAKeys, and checks
// the refusals and restrictions sshd applies.
func TestUserCertificates(t *testing.T) {
	ca, caPub := testpeer.GenerateKey(t, "ed25519", 0)
	otherCA, _ := testpeer.GenerateKey(t, "ecdsa", 256)
	cas := filepath.Join(t.TempDir(), "user_ca.pub")
	if err := os.WriteFile(cas, []byte("# trusted\n"+caPub+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startDaemon(t, "-o", "TrustedUserCAKeys="+cas)
	me := currentUser(t).Username

	run := func(key string, args ...string) (string, string, int) {
		t.Helper()
		return output(t, s.ssh(t, testpeer.ClientOptions{IdentityFile: key, Args: args, Command: []string{"echo in; if tty >/dev/null; then echo tty; fi"}}))
	}
	good := userKeyWithCert(t, ca, "-n", me, "-V", "-5m:+1h")
	if out, errOut, code := run(good); code != 0 || out != "in\n" {
		t.Fatalf("valid certificate: exit %d stdout %q stderr %q", code, out, errOut)
	}
	// permit-pty is among ssh-keygen's default extensions.
	if out, errOut, code := run(good, "-tt"); code != 0 || !strings.Contains(out, "tty") {
		t.Errorf("certificate with permit-pty, -tt: exit %d stdout %q stderr %q", code, out, errOut)
	}
	noPTY := userKeyWithCert(t, ca, "-n", me, "-O", "no-pty")
	// The PTY request is refused (ssh -tt then gives up, as with sshd).
	if out, errOut, code := run(noPTY, "-tt"); strings.Contains(out, "tty") || !strings.Contains(errOut, "PTY allocation request failed") {
		t.Errorf("certificate without permit-pty, -tt: exit %d stdout %q stderr %q", code, out, errOut)
	}
	forced := userKeyWithCert(t, ca, "-n", me, "-O", "force-command=echo forced:$SSH_ORIGINAL_COMMAND")
	if out, errOut, code := run(forced); code != 0 || !strings.HasPrefix(out, "forced:echo in; if") {
		t.Errorf("force-command: exit %d stdout %q stderr %q", code, out, errOut)
	}
	if out, errOut, code := run(userKeyWithCert(t, ca, "-n", "other,"+me, "-O", "source-address=127.0.0.0/8")); code != 0 || out != "in\n" {
		t.Errorf("matching source-address: exit %d stdout %q stderr %q", code, out, errOut)
	}

	refused := map[string]string{
		"wrong principal": userKeyWithCert(t, ca, "-n", "someone-else"),
		"expired":         userKeyWithCert(t, ca, "-n", me, "-V", "20200101:20200102"),
		"not yet valid":   userKeyWithCert(t, ca, "-n", me, "-V", "+1d:+2d"),
		"untrusted CA":    userKeyWithCert(t, otherCA, "-n", me),
		"source-address":  userKeyWithCert(t, ca, "-n", me, "-O", "source-address=10.1.2.3/32"),
		"host certificate": func() string {
			priv, _ := testpeer.GenerateKey(t, "ed25519", 0)
			testpeer.SignKey(t, ca, "test-cert", priv+".pub", "-h", "-n", me)
			return priv
		}(),
	}
	for name, key := range refused {
		if out, errOut, code := run(key); code != 255 || !strings.Contains(errOut, "Permission denied") {
			t.Errorf("%s: exit %d stdout %q stderr %q", name, code, out, errOut)
		}
	}
	if log := s.stderr.String(); !strings.Contains(log, "certificate rejected") || !strings.Contains(log, "expired") {
		t.Errorf("refusals not logged with their reasons:\n%s", log)
	}
	// The plain key under a certificate is not authorized by itself.
	plain := filepath.Join(t.TempDir(), "plain")
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plain, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := run(plain); code != 255 {
		t.Errorf("certified key without its certificate: exit %d stderr %q", code, errOut)
	}
}

// TestHostCertificate has OpenSSH's ssh trust ssh2d through a
// @cert-authority known_hosts line and a host certificate made by
// ssh-keygen -s -h, and refuse a certificate for another host name.
func TestHostCertificate(t *testing.T) {
	ca, caPub := testpeer.GenerateKey(t, "ed25519", 0)
	for _, tc := range []struct {
		principal string
		ok        bool
	}{{"127.0.0.1", true}, {"elsewhere.example", false}} {
		hostKey, _ := testpeer.GenerateKey(t, "ecdsa", 256)
		cert := testpeer.SignKey(t, ca, "test-cert", hostKey+".pub", "-h", "-n", tc.principal)
		dir := t.TempDir()
		client, clientPub := testpeer.GenerateKey(t, "ed25519", 0)
		ak := filepath.Join(dir, "authorized_keys")
		if err := os.WriteFile(ak, []byte(clientPub+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		d := startDaemonArgs(t, nil, "-listen", "127.0.0.1:0", "-hostkey", hostKey, "-authorized-keys", ak, "-o", "HostCertificate="+cert)
		if !strings.Contains(strings.Join(d.startup, "\n"), "ssh2d: host certificate "+cert) {
			t.Errorf("start-up output does not name the certificate: %q", d.startup)
		}
		cmd := testpeer.SSHClientCommand(t, testpeer.ClientOptions{
			Port:         d.port,
			IdentityFile: client,
			KnownHosts:   []string{"@cert-authority * " + caPub},
			Command:      []string{"echo in"},
		})
		out, errOut, code := output(t, cmd)
		if tc.ok && (code != 0 || out != "in\n") {
			t.Errorf("host certificate for %s: exit %d stdout %q stderr %q", tc.principal, code, out, errOut)
		}
		if !tc.ok && (code != 255 || !strings.Contains(errOut, "Host key verification failed")) {
			t.Errorf("host certificate for %s: exit %d stdout %q stderr %q", tc.principal, code, out, errOut)
		}
	}
}
