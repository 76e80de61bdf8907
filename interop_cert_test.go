package ssh2_test

// OpenSSH certificates against real OpenSSH in both directions: user
// certificates (ours and ssh-keygen -s's) logging in to sshd with
// TrustedUserCAKeys, OpenSSH ssh logging in to our server with
// key-cert.pub beside its key, and host certificates each way trusted
// through a known_hosts @cert-authority line.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/keys"
	"github.com/ssh2go/ssh2/knownhosts"
)

func readSigner(t *testing.T, path string) keys.Signer {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := keys.ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readCert(t *testing.T, path string) *keys.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k, _, _, _, err := keys.ParseAuthorizedKey(b)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := k.(*keys.Certificate)
	if !ok {
		t.Fatalf("%s holds a %s, not a certificate", path, k.Type())
	}
	return c
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCertClientToSSHD: sshd with TrustedUserCAKeys accepts our client's
// certificates, one we signed and one ssh-keygen signed, and refuses a
// wrong principal and an expired certificate.
func TestCertClientToSSHD(t *testing.T) {
	caPriv, caPub := testpeer.GenerateKey(t, "ed25519", 0)
	caFile := writeTemp(t, "user_ca.pub", []byte(caPub+"\n"))
	d := testpeer.StartSSHD(t, testpeer.SSHDOptions{
		HostKeyTypes: []string{"ssh-ed25519"},
		Config:       []string{"TrustedUserCAKeys " + caFile},
	})
	ca := readSigner(t, caPriv)
	now := uint64(time.Now().Unix())

	dial := func(t *testing.T, s ssh2.Signer) (*ssh2.Client, error) {
		return ssh2.Dial(context.Background(), "tcp", d.Addr, &ssh2.ClientConfig{
			User: d.User, Auth: []ssh2.AuthMethod{ssh2.PublicKeys(s)}, HostKeyCallback: ssh2.InsecureIgnoreHostKey(),
		})
	}
	ours := func(t *testing.T, key keys.Signer, principals []string, after, before uint64) ssh2.Signer {
		c := &keys.Certificate{Key: key.PublicKey(), CertType: keys.UserCert, KeyID: "ours",
			ValidPrincipals: principals, ValidAfter: after, ValidBefore: before,
			Extensions: map[string]string{"permit-pty": ""}}
		if err := keys.SignCertificate(ca, c); err != nil {
			t.Fatal(err)
		}
		cs, err := keys.NewCertSigner(c, key)
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	edKey, err := keys.Generate("ed25519", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The user key alone is not authorized: only the certificate can work.
	if _, err := dial(t, edKey); err == nil {
		t.Fatal("plain key accepted")
	}

	t.Run("signed by us", func(t *testing.T) {
		ecKey, err := keys.Generate("ecdsa", 384, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []keys.Signer{edKey, ecKey} {
			c, err := dial(t, ours(t, k, []string{"someone", d.User}, now-60, keys.CertTimeInfinity))
			if err != nil {
				t.Fatalf("%s: %v", k.PublicKey().Type(), err)
			}
			if got := output(t, c, "echo cert-ok"); got != "cert-ok\n" {
				t.Fatalf("output %q", got)
			}
			c.Close()
		}
	})

	t.Run("signed by ssh-keygen", func(t *testing.T) {
		priv, _ := testpeer.GenerateKey(t, "rsa", 2048)
		certPath := testpeer.SignKey(t, caPriv, "interop-"+filepath.Base(priv+".pub"), priv+".pub", "-n", d.User, "-V", "-5m:+1h")
		cert := readCert(t, certPath)
		cs, err := keys.NewCertSigner(cert, readSigner(t, priv))
		if err != nil {
			t.Fatal(err)
		}
		var alg string
		c, err := ssh2.Dial(context.Background(), "tcp", d.Addr, &ssh2.ClientConfig{
			User: d.User, Auth: []ssh2.AuthMethod{ssh2.PublicKeys(cs)}, HostKeyCallback: ssh2.InsecureIgnoreHostKey(),
		})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if got := output(t, c, "echo rsa-cert-ok"); got != "rsa-cert-ok\n" {
			t.Fatalf("output %q", got)
		}
		// sshd names the algorithm it accepted in its log.
		for _, l := range strings.Split(d.Log(), "\n") {
			if strings.Contains(l, "Accepted publickey") {
				alg = l
			}
		}
		if !strings.Contains(alg, "RSA-CERT") || !strings.Contains(alg, "interop-") {
			t.Fatalf("sshd log: %q", alg)
		}
	})

	t.Run("wrong principal", func(t *testing.T) {
		_, err := dial(t, ours(t, edKey, []string{"not-" + d.User}, 0, keys.CertTimeInfinity))
		var ae *ssh2.AuthError
		if !errors.As(err, &ae) {
			t.Fatalf("got %v", err)
		}
		if !strings.Contains(d.Log(), "Certificate invalid: name is not a listed principal") {
			t.Fatalf("sshd did not refuse for the principal:\n%s", d.Log())
		}
	})
	t.Run("expired", func(t *testing.T) {
		priv, _ := testpeer.GenerateKey(t, "ed25519", 0)
		certPath := testpeer.SignKey(t, caPriv, "interop-"+filepath.Base(priv+".pub"), priv+".pub", "-n", d.User, "-V", "20000101:20000102")
		cs, err := keys.NewCertSigner(readCert(t, certPath), readSigner(t, priv))
		if err != nil {
			t.Fatal(err)
		}
		_, err = dial(t, cs)
		var ae *ssh2.AuthError
		if !errors.As(err, &ae) {
			t.Fatalf("got %v", err)
		}
		if !strings.Contains(d.Log(), "Certificate invalid: expired") {
			t.Fatalf("sshd did not refuse for the validity:\n%s", d.Log())
		}
	})
}

// TestCertHostToSSHD: our client trusts sshd's HostCertificate (made by
// ssh-keygen -s -h) through a known_hosts @cert-authority line.
func TestCertHostToSSHD(t *testing.T) {
	caPriv, caPub := testpeer.GenerateKey(t, "ed25519", 0)
	hostPriv, _ := testpeer.GenerateKey(t, "ed25519", 0)
	certPath := testpeer.SignKey(t, caPriv, "interop-"+filepath.Base(hostPriv+".pub"), hostPriv+".pub", "-h", "-n", "127.0.0.1,server.test", "-V", "-5m:+1h")
	rsaPriv, _ := testpeer.GenerateKey(t, "rsa", 2048)
	rsaCertPath := testpeer.SignKey(t, caPriv, "interop-"+filepath.Base(rsaPriv+".pub"), rsaPriv+".pub", "-h", "-n", "127.0.0.1")
	d := testpeer.StartSSHD(t, testpeer.SSHDOptions{
		HostKeyTypes: []string{"ecdsa-sha2-nistp256"},
		Config: []string{"HostKey " + hostPriv, "HostCertificate " + certPath,
			"HostKey " + rsaPriv, "HostCertificate " + rsaCertPath},
	})
	userPriv, userPub := testpeer.GenerateKey(t, "ed25519", 0)
	d.AuthorizeKey(t, userPub)
	user := readSigner(t, userPriv)

	// connect dials sshd but names it addr (the host checked against
	// known_hosts and the certificate's principals).
	var algs []string // HostKeyAlgorithms override
	connect := func(t *testing.T, addr string, known ...string) (*ssh2.Client, error) {
		kh := writeTemp(t, "known_hosts", []byte(strings.Join(known, "\n")+"\n"))
		db, err := knownhosts.Load(kh)
		if err != nil {
			t.Fatal(err)
		}
		cfg := &ssh2.ClientConfig{User: d.User, Auth: []ssh2.AuthMethod{ssh2.PublicKeys(user)}, HostKeyCallback: db.HostKeyCallback()}
		cfg.HostKeyAlgorithms = db.PreferredHostKeyAlgorithms(knownhosts.Normalize(addr))
		if algs != nil {
			cfg.HostKeyAlgorithms = algs
		}
		nc, err := net.Dial("tcp", d.Addr)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ssh2.NewClientConn(context.Background(), nc, addr, cfg)
		if err != nil {
			nc.Close()
		}
		return c, err
	}
	caLine := "@cert-authority * " + caPub

	c, err := connect(t, d.Addr, caLine)
	if err != nil {
		t.Fatal(err)
	}
	hc, ok := c.HostKey().(*keys.Certificate)
	if !ok || hc.KeyID != "interop-"+filepath.Base(hostPriv)+".pub" {
		t.Fatalf("host key %s", c.HostKey().Type())
	}
	if got := output(t, c, "echo host-cert-ok"); got != "host-cert-ok\n" {
		t.Fatalf("output %q", got)
	}
	c.Close()

	// The RSA host certificate, with SHA-512 and SHA-256 signatures.
	for _, a := range []string{keys.CertSigRSASHA512, keys.CertSigRSASHA256} {
		algs = []string{a}
		c, err := connect(t, d.Addr, caLine)
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		if c.HostKey().Type() != keys.CertTypeRSA {
			t.Fatalf("%s: host key %s", a, c.HostKey().Type())
		}
		c.Close()
	}
	algs = nil

	// The second principal, under another name.
	c, err = connect(t, fmt.Sprintf("server.test:%d", d.Port), caLine)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()

	// A name the certificate does not list.
	_, err = connect(t, fmt.Sprintf("other.test:%d", d.Port), caLine)
	var ce *knownhosts.CertError
	if !errors.As(err, &ce) || !errors.Is(err, keys.ErrCertPrincipal) {
		t.Fatalf("wrong host name: %v", err)
	}
	// Another CA: the certificate is not trusted and its key is unknown.
	_, otherCA := testpeer.GenerateKey(t, "ed25519", 0)
	_, err = connect(t, d.Addr, "@cert-authority * "+otherCA)
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) {
		t.Fatalf("other CA: %v", err)
	}
	// A revoked CA.
	_, err = connect(t, d.Addr, caLine, "@revoked * "+caPub)
	var re *knownhosts.RevokedError
	if !errors.As(err, &re) {
		t.Fatalf("revoked CA: %v", err)
	}
}

// certRefusals records why our server refused certificates.
type certRefusals struct {
	mu   sync.Mutex
	errs []error
}

func (r *certRefusals) add(_ context.Context, _ *ssh2.PublicKeyRequest, err error) {
	r.mu.Lock()
	r.errs = append(r.errs, err)
	r.mu.Unlock()
}

func (r *certRefusals) take() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.errs
	r.errs = nil
	return e
}

// TestCertSSHToServer: OpenSSH ssh with key-cert.pub beside its key logs
// in to our server trusting the user CA, and is refused for a wrong
// principal, an expired certificate, an untrusted CA and a source address
// it does not connect from.
func TestCertSSHToServer(t *testing.T) {
	caPriv, caPub := testpeer.GenerateKey(t, "ed25519", 0)
	ca, _, _, _, err := keys.ParseAuthorizedKey([]byte(caPub))
	if err != nil {
		t.Fatal(err)
	}
	rec := &certRefusals{}
	uca := &ssh2.UserCertAuthority{Authorities: []ssh2.PublicKey{ca}, OnRefused: rec.add}
	srv := startOurServer(t, func(c *ssh2.ServerConfig) { c.PublicKeyCallback = uca.PublicKeyCallback() })
	user := "certuser"

	keyType := "ed25519"
	login := func(t *testing.T, signWith string, args ...string) (string, int, string) {
		priv, _ := testpeer.GenerateKey(t, keyType, 0)
		testpeer.SignKey(t, signWith, "interop-"+filepath.Base(priv+".pub"), priv+".pub", args...)
		o := testpeer.ClientOptions{Port: srv.port, User: user, IdentityFile: priv, KnownHosts: srv.known, Command: []string{"hi"}}
		out, errOut, code := runSSH(t, o, nil)
		return string(out), code, string(errOut)
	}
	for _, kt := range []string{"ed25519", "rsa", "ecdsa"} {
		keyType = kt
		out, code, errOut := login(t, caPriv, "-n", "admin,"+user, "-V", "-1m:+1h")
		if code != 0 || out != "hello "+user+"\n" {
			t.Fatalf("%s login: exit %d stdout %q stderr %s", kt, code, out, errOut)
		}
		if errs := rec.take(); len(errs) != 0 {
			t.Fatalf("%s: refusals on a good login: %v", kt, errs)
		}
	}
	keyType = "ed25519"

	otherCAPriv, _ := testpeer.GenerateKey(t, "ed25519", 0)
	for _, tc := range []struct {
		name string
		ca   string
		args []string
		want error
	}{
		{"wrong principal", caPriv, []string{"-n", "admin"}, keys.ErrCertPrincipal},
		{"expired", caPriv, []string{"-n", user, "-V", "20100101:20100102"}, keys.ErrCertExpired},
		{"untrusted CA", otherCAPriv, []string{"-n", user}, keys.ErrCertAuthority},
		{"source address", caPriv, []string{"-n", user, "-O", "source-address=192.0.2.0/24"}, keys.ErrCertSourceAddress},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code, errOut := login(t, tc.ca, tc.args...)
			if code != 255 || out != "" || !strings.Contains(errOut, "Permission denied") {
				t.Fatalf("exit %d stdout %q stderr %s", code, out, errOut)
			}
			errs := rec.take()
			if len(errs) == 0 {
				t.Fatal("no certificate refused")
			}
			for _, e := range errs {
				if !errors.Is(e, tc.want) {
					t.Fatalf("refused for %v, want %v", e, tc.want)
				}
			}
		})
	}
}

// TestCertSSHToServerHostCert: OpenSSH ssh with StrictHostKeyChecking=yes
// and only a @cert-authority line trusts our server's host certificate,
// signed by us; with another CA it refuses to connect.
func TestCertSSHToServerHostCert(t *testing.T) {
	ca, err := keys.Generate("ed25519", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	var hostCert *keys.Certificate
	srv := startOurServer(t, func(c *ssh2.ServerConfig) {
		hk := c.HostKeys[0] // ed25519
		hostCert = &keys.Certificate{Key: hk.PublicKey(), CertType: keys.HostCert, KeyID: "our-host",
			ValidPrincipals: []string{"127.0.0.1"}, ValidBefore: keys.CertTimeInfinity}
		if err := keys.SignCertificate(ca, hostCert); err != nil {
			t.Fatal(err)
		}
		cs, err := keys.NewCertSigner(hostCert, hk)
		if err != nil {
			t.Fatal(err)
		}
		// Certificates for the ed25519 and the RSA key.
		rsaKey := c.HostKeys[len(c.HostKeys)-1]
		rsaCert := &keys.Certificate{Key: rsaKey.PublicKey(), CertType: keys.HostCert, KeyID: "our-rsa-host",
			ValidPrincipals: []string{"127.0.0.1"}, ValidBefore: keys.CertTimeInfinity}
		if err := keys.SignCertificate(ca, rsaCert); err != nil {
			t.Fatal(err)
		}
		rcs, err := keys.NewCertSigner(rsaCert, rsaKey)
		if err != nil {
			t.Fatal(err)
		}
		c.HostKeys = []ssh2.Signer{cs, rcs}
	})
	caLine := func(k keys.PublicKey) []string {
		return []string{fmt.Sprintf("@cert-authority [127.0.0.1]:%d %s", srv.port, strings.TrimSpace(string(keys.MarshalAuthorizedKey(k))))}
	}
	o := testpeer.ClientOptions{Port: srv.port, IdentityFile: srv.keyPath, KnownHosts: caLine(ca.PublicKey()),
		StrictHostKeyChecking: "yes", Verbose: true, Command: []string{"hi"}}
	out, errOut, code := runSSH(t, o, nil)
	if code != 0 || !strings.HasPrefix(string(out), "hello ") {
		t.Fatalf("exit %d stdout %q stderr %s", code, out, errOut)
	}
	if !strings.Contains(string(errOut), "Server host certificate: ssh-ed25519-cert-v01@openssh.com") ||
		!strings.Contains(string(errOut), `ID "our-host"`) {
		t.Fatalf("ssh did not use the host certificate:\n%s", errOut)
	}

	o.Options = []string{"HostKeyAlgorithms=rsa-sha2-512-cert-v01@openssh.com"}
	out, errOut, code = runSSH(t, o, nil)
	if code != 0 || !strings.HasPrefix(string(out), "hello ") ||
		!strings.Contains(string(errOut), "Server host certificate: ssh-rsa-cert-v01@openssh.com") ||
		!strings.Contains(string(errOut), `ID "our-rsa-host"`) {
		t.Fatalf("RSA host certificate: exit %d stdout %q stderr %s", code, out, errOut)
	}
	o.Options = nil

	other, err := keys.Generate("ed25519", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.KnownHosts = caLine(other.PublicKey())
	o.Verbose = false
	out, errOut, code = runSSH(t, o, nil)
	if code != 255 || len(out) != 0 || !strings.Contains(string(errOut), "verification failed") && !strings.Contains(string(errOut), "Host key verification failed") {
		t.Fatalf("other CA: exit %d stdout %q stderr %s", code, out, errOut)
	}
}
