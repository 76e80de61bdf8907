package agent

import (
	"bytes"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/keys"
)

// signLog is an Agent that records the key blob of every successful
// signature and counts accepted session-bind requests.
type signLog struct {
	Agent
	mu    sync.Mutex
	blobs [][]byte
	binds int
}

func (s *signLog) Sign(key keys.PublicKey, data []byte, flags SignFlags) ([]byte, error) {
	sig, err := s.Agent.Sign(key, data, flags)
	if err == nil {
		s.mu.Lock()
		s.blobs = append(s.blobs, key.Marshal())
		s.mu.Unlock()
	}
	return sig, err
}

func (s *signLog) Extension(name string, contents []byte) ([]byte, error) {
	reply, err := s.Agent.Extension(name, contents)
	if name == ExtensionSessionBind && err == nil {
		s.mu.Lock()
		s.binds++
		s.mu.Unlock()
	}
	return reply, err
}

// readAuthorizedBlob reads the key blob of a one-line public key file.
func readAuthorizedBlob(t *testing.T, path string) (typ string, blob []byte) {
	t.Helper()
	line, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(line))
	if len(f) < 2 {
		t.Fatalf("%s: %q", path, line)
	}
	blob, err = base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		t.Fatal(err)
	}
	return f[0], blob
}

// TestKeyringSSHAddCertificateLogin drives our keyring with OpenSSH:
// ssh-add KEY adds KEY and KEY-cert.pub (made by ssh-keygen -s), ssh-add
// -l lists both, ssh-add -d removes both; then, with only the certificate
// left in our agent, OpenSSH ssh logs in to sshd, which trusts the CA
// (TrustedUserCAKeys) but has no authorized key for KEY.
func TestKeyringSSHAddCertificateLogin(t *testing.T) {
	keygen := testpeer.Require(t, "ssh-keygen")
	caPriv, caPub := testpeer.GenerateKey(t, "ed25519", 0)
	caFile := filepath.Join(t.TempDir(), "user_ca.pub")
	if err := os.WriteFile(caFile, []byte(caPub+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := testpeer.StartSSHD(t, testpeer.SSHDOptions{Config: []string{"TrustedUserCAKeys " + caFile}})
	for _, kt := range []struct {
		name, label string
		bits        int
	}{{"ed25519", "ED25519", 0}, {"ecdsa", "ECDSA", 384}, {"rsa", "RSA", 2048}} {
		t.Run(kt.name, func(t *testing.T) {
			log := &signLog{Agent: NewKeyring()}
			sock := serveKeyring(t, log)
			priv, line := testpeer.GenerateKey(t, kt.name, kt.bits)
			id := "agent-cert-" + kt.name
			if out, err := exec.Command(keygen, "-q", "-s", caPriv, "-I", id, "-n", srv.User, priv+".pub").CombinedOutput(); err != nil {
				t.Fatalf("ssh-keygen -s: %v\n%s", err, out)
			}
			certType, certBlob := readAuthorizedBlob(t, priv+"-cert.pub")
			plain, _, _, _, err := keys.ParseAuthorizedKey([]byte(line))
			if err != nil {
				t.Fatal(err)
			}

			out, err := sshAdd(t, sock, "", priv)
			if err != nil || !strings.Contains(out, "Identity added") || !strings.Contains(out, "Certificate added") {
				t.Fatalf("ssh-add: %v\n%s", err, out)
			}
			out, err = sshAdd(t, sock, "", "-l")
			if err != nil {
				t.Fatalf("ssh-add -l: %v\n%s", err, out)
			}
			// One line for the key, one for its certificate, same
			// fingerprint.
			fp := keys.FingerprintSHA256(plain)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 2 || strings.Count(out, fp) != 2 ||
				!strings.HasSuffix(lines[0], "("+kt.label+")") || !strings.HasSuffix(lines[1], "("+kt.label+"-CERT)") {
				t.Fatalf("ssh-add -l:\n%s", out)
			}
			out, err = sshAdd(t, sock, "", "-L")
			if err != nil {
				t.Fatalf("ssh-add -L: %v\n%s", err, out)
			}
			if !strings.Contains(out, certType+" "+base64.StdEncoding.EncodeToString(certBlob)+" ") {
				t.Fatalf("ssh-add -L lacks the certificate:\n%s", out)
			}
			// ssh-add -d KEY removes the key and its certificate.
			if out, err := sshAdd(t, sock, "", "-d", priv); err != nil || strings.Count(out, "removed") != 2 {
				t.Fatalf("ssh-add -d: %v\n%s", err, out)
			}
			if out, _ := sshAdd(t, sock, "", "-l"); !strings.Contains(out, "no identities") {
				t.Fatalf("after ssh-add -d:\n%s", out)
			}

			// Add both again, then remove only the plain key (there is
			// no KEY.pub-cert.pub): the certificate alone stays.
			if out, err := sshAdd(t, sock, "", priv); err != nil {
				t.Fatalf("ssh-add: %v\n%s", err, out)
			}
			if out, err := sshAdd(t, sock, "", "-d", priv+".pub"); err != nil {
				t.Fatalf("ssh-add -d KEY.pub: %v\n%s", err, out)
			}
			out, _ = sshAdd(t, sock, "", "-l")
			if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.HasSuffix(lines[0], "("+kt.label+"-CERT)") {
				t.Fatalf("after removing the plain key:\n%s", out)
			}

			cmd := testpeer.SSHClientCommand(t, testpeer.ClientOptions{
				Port:       srv.Port,
				User:       srv.User,
				KnownHosts: srv.KnownHosts(),
				Options:    []string{"IdentityAgent=" + sock, "IdentitiesOnly=no", "PreferredAuthentications=publickey"},
				Command:    []string{"echo", "cert-login-" + kt.name},
			})
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("ssh: %v\n%s\nsshd log:\n%s", err, stderr.String(), srv.Log())
			}
			if got := stdout.String(); got != "cert-login-"+kt.name+"\n" {
				t.Fatalf("ssh output %q", got)
			}
			if !strings.Contains(srv.Log(), `Accepted certificate ID "`+id+`"`) {
				t.Fatalf("sshd did not log the certificate %q:\n%s", id, srv.Log())
			}
			// ssh bound the agent connection to the session (our keyring
			// verified the host key's signature) and signed with the
			// certificate identity.
			log.mu.Lock()
			defer log.mu.Unlock()
			if log.binds == 0 || len(log.blobs) == 0 {
				t.Fatalf("agent saw %d session-binds, %d signatures", log.binds, len(log.blobs))
			}
			for _, b := range log.blobs {
				if !bytes.Equal(b, certBlob) {
					t.Fatalf("agent signed with a %d-byte blob, not the certificate", len(b))
				}
			}
		})
	}
}

// TestKeyringSSHAddCertificateConstraints adds a key and its certificate
// with ssh-add -c -t (the constrained certificate form) and checks that
// the confirm callback is asked for the certificate when ssh-add -T signs
// with it, and that the lifetime drops the certificate too.
func TestKeyringSSHAddCertificateConstraints(t *testing.T) {
	keygen := testpeer.Require(t, "ssh-keygen")
	var clock atomic.Int64
	clock.Store(1_700_000_000)
	var mu sync.Mutex
	var asked []string
	ring := NewKeyring(
		WithClock(func() time.Time { return time.Unix(clock.Load(), 0) }),
		WithConfirm(func(key keys.PublicKey, comment string) bool {
			mu.Lock()
			defer mu.Unlock()
			asked = append(asked, key.Type())
			return true
		}),
	)
	sock := serveKeyring(t, ring)
	caPriv, _ := testpeer.GenerateKey(t, "ed25519", 0)
	priv, _ := testpeer.GenerateKey(t, "ecdsa", 256)
	if out, err := exec.Command(keygen, "-q", "-s", caPriv, "-I", "constrained", "-n", "alice", priv+".pub").CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -s: %v\n%s", err, out)
	}
	if out, err := sshAdd(t, sock, "", "-c", "-t", "30", priv); err != nil || !strings.Contains(out, "Certificate added") {
		t.Fatalf("ssh-add -c -t: %v\n%s", err, out)
	}
	if out, err := sshAdd(t, sock, "", "-T", priv+"-cert.pub"); err != nil {
		t.Fatalf("ssh-add -T certificate: %v\n%s", err, out)
	}
	mu.Lock()
	got := strings.Join(asked, ",")
	mu.Unlock()
	if got != keys.CertTypeECDSA256 {
		t.Fatalf("confirm asked for %q, want the certificate once", got)
	}
	clock.Add(29)
	if out, _ := sshAdd(t, sock, "", "-l"); strings.Count(out, "ECDSA") != 2 {
		t.Fatalf("before the lifetime:\n%s", out)
	}
	clock.Add(1)
	if out, _ := sshAdd(t, sock, "", "-l"); !strings.Contains(out, "no identities") {
		t.Fatalf("after the lifetime:\n%s", out)
	}
}
