//go:build unix

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestCertificates logs into sshd with OpenSSH certificates only: the
// host is trusted through a @cert-authority known_hosts line for its
// HostCertificate, and the user key, which authorized_keys does not
// list, through TrustedUserCAKeys with the certificate found beside the
// identity file (as ssh does) or named by CertificateFile.
func TestCertificates(t *testing.T) {
	hostCA, hostCAPub := testpeer.GenerateKey(t, "ed25519", 0)
	userCA, userCAPub := testpeer.GenerateKey(t, "ecdsa", 256)
	hostKey, _ := testpeer.GenerateKey(t, "ed25519", 0)
	hostCert := testpeer.SignKey(t, hostCA, "ssh2-test", hostKey+".pub", "-h", "-n", "127.0.0.1")
	caFile := filepath.Join(t.TempDir(), "user_ca.pub")
	writeFile(t, caFile, userCAPub+"\n")
	p := startPeer(t, testpeer.SSHDOptions{HostKeyTypes: []string{"ssh-rsa"}, Config: []string{
		"LogLevel INFO", "TrustedUserCAKeys " + caFile, "HostKey " + hostKey, "HostCertificate " + hostCert,
	}})
	writeFile(t, p.knownHosts, "@cert-authority * "+hostCAPub+"\n")

	userKey, _ := testpeer.GenerateKey(t, "ed25519", 0)
	testpeer.SignKey(t, userCA, "ssh2-test", userKey+".pub", "-n", p.srv.User)
	wrongName, _ := testpeer.GenerateKey(t, "ed25519", 0)
	testpeer.SignKey(t, userCA, "ssh2-test", wrongName+".pub", "-n", "not-"+p.srv.User)
	// A certificate under another name, for CertificateFile.
	bare, _ := testpeer.GenerateKey(t, "ecdsa", 256)
	certFile := filepath.Join(t.TempDir(), "elsewhere-cert.pub")
	if err := os.Rename(testpeer.SignKey(t, userCA, "ssh2-test", bare+".pub", "-n", p.srv.User), certFile); err != nil {
		t.Fatal(err)
	}

	run := func(key string, args ...string) result {
		t.Helper()
		all := append(append([]string{"-i", key, "-o", "PreferredAuthentications=publickey"}, args...), "127.0.0.1", "echo", "in")
		cmd := p.command(t, all...)
		// Offer only the key under test, not the harness's authorized one.
		i := slices.Index(cmd.Args, p.key)
		cmd.Args = slices.Delete(cmd.Args, i-1, i+1)
		return runCmd(t, cmd, nil)
	}
	if r := run(userKey); r.code != 0 || r.stdout != "in\n" {
		t.Errorf("certificate beside the key: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := run(bare, "-o", "CertificateFile="+certFile); r.code != 0 || r.stdout != "in\n" {
		t.Errorf("CertificateFile: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := run(bare); r.code != 255 || !strings.Contains(r.stderr, "Permission denied (") {
		t.Errorf("certified key without its certificate: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := run(wrongName); r.code != 255 || !strings.Contains(r.stderr, "Permission denied (") {
		t.Errorf("certificate for another principal: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// The host certificate is the only thing vouching for the host: with
	// another CA trusted, strict checking refuses it.
	writeFile(t, p.knownHosts, "@cert-authority * "+userCAPub+"\n")
	if r := run(userKey); r.code != 255 || !strings.Contains(r.stderr, "Host key verification failed.") {
		t.Errorf("host certificate from an untrusted CA: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}
