package sshd

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/keys"
)

func newKey(t testing.TB) (keys.Signer, string) {
	t.Helper()
	s, err := keys.GenerateEd25519(nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, strings.TrimSpace(string(keys.MarshalAuthorizedKey(s.PublicKey())))
}

var loopback = Login{User: "alice", Addr: netip.MustParseAddr("127.0.0.1")}

func TestFindKey(t *testing.T) {
	k1, line1 := newKey(t)
	k2, line2 := newKey(t)
	k3, line3 := newKey(t)
	k4, line4 := newKey(t)
	k5, line5 := newKey(t)
	other, _ := newKey(t)
	data := strings.Join([]string{
		"# comment",
		"",
		"garbage line that does not parse",
		line1 + " alice@host",
		`command="echo forced \"x\"",no-pty ` + line2 + " bob",
		`from="10.0.0.0/8" ` + line3,
		`cert-authority ` + line4,
		`restrict,pty ` + line5,
		`restrict ` + line3 + " second entry for key 3",
	}, "\n")
	find := func(k keys.Signer) (*KeyEntry, error) { return FindKey([]byte(data), k.PublicKey(), loopback) }
	if e, err := find(k1); err != nil || e == nil || e.Comment != "alice@host" || e.HasCommand || e.NoPTY {
		t.Errorf("key 1: %+v, %v", e, err)
	}
	if e, _ := find(k2); e == nil || !e.HasCommand || e.Command != `echo forced "x"` || !e.NoPTY {
		t.Errorf("key 2: %+v", e)
	}
	// The from= line does not allow 127.0.0.1, so the later restrict
	// line is used.
	if e, err := find(k3); err != nil || e == nil || !e.NoPTY || e.Comment != "second entry for key 3" {
		t.Errorf("key 3: %+v, %v", e, err)
	}
	// A CA key must never authenticate as a plain key.
	if e, err := find(k4); e != nil || !errors.Is(err, ErrKeyRefused) || !errors.Is(err, ErrKeyCertAuthority) ||
		!strings.Contains(err.Error(), "line 7:") {
		t.Errorf("cert-authority key accepted: %+v, %v", e, err)
	}
	if e, _ := find(k5); e == nil || e.NoPTY || !e.Options.Restrict {
		t.Errorf("restrict,pty: %+v", e)
	}
	if e, err := find(other); e != nil || err != nil {
		t.Errorf("unlisted key: %+v, %v", e, err)
	}
}

// TestFindKeyRestrictions checks each option that can refuse a line,
// and the reason reported.
func TestFindKeyRestrictions(t *testing.T) {
	k, line := newKey(t)
	future := time.Now().Add(24*time.Hour).UTC().Format("20060102") + "Z"
	cases := []struct {
		opts  string
		login Login
		want  error // nil: accepted
	}{
		{`from="127.0.0.1"`, loopback, nil},
		{`from="127.0.0.0/8,!127.0.0.2"`, loopback, nil},
		{`from="*"`, loopback, nil},
		{`from="10.0.0.0/8"`, loopback, ErrKeyFrom},
		{`from="*,!127.0.0.1"`, loopback, ErrKeyFrom},
		{`from="127.0.0.1"`, Login{User: "alice"}, ErrKeyFrom}, // address unknown
		{`from="10.1.2.3/8"`, loopback, ErrUnsupportedKeyOption},
		{`expiry-time="20200101"`, loopback, ErrKeyExpired},
		{`expiry-time="` + future + `"`, loopback, nil},
		{`expiry-time="` + future + `"`, Login{Addr: loopback.Addr, Now: time.Now().Add(48 * time.Hour)}, ErrKeyExpired},
		{`expiry-time="2020"`, loopback, ErrUnsupportedKeyOption},
		{`verify-required`, loopback, ErrUnsupportedKeyOption},
		{`no-such-option`, loopback, keys.ErrUnknownKeyOption},
		{`cert-authority`, loopback, ErrKeyCertAuthority},
		{`principals="alice"`, loopback, nil}, // meaningless without cert-authority, as in sshd
		{`no-touch-required,no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-user-rc,permitopen="h:1",permitlisten="2",tunnel="1"`, loopback, nil},
	}
	for _, c := range cases {
		e, err := FindKey([]byte(c.opts+" "+line+"\n"), k.PublicKey(), c.login)
		if c.want == nil {
			if e == nil || err != nil {
				t.Errorf("%s: %+v, %v", c.opts, e, err)
			}
			continue
		}
		if e != nil || !errors.Is(err, ErrKeyRefused) || !errors.Is(err, c.want) || !strings.Contains(err.Error(), "line 1:") {
			t.Errorf("%s: %+v, %v; want %v", c.opts, e, err, c.want)
		}
	}

	// command="" still forces a command (which does nothing).
	e, _ := FindKey([]byte(`command="" `+line), k.PublicKey(), loopback)
	if e == nil || !e.HasCommand || e.Command != "" {
		t.Errorf(`command="": %+v`, e)
	}
	// environment= is parsed and kept, not applied.
	e, _ = FindKey([]byte(`environment="A=1",environment="B=2" `+line), k.PublicKey(), loopback)
	if e == nil || strings.Join(e.Options.Environment, " ") != "A=1 B=2" {
		t.Errorf("environment: %+v", e)
	}
	// The first refused line gives the reason; a later line accepts.
	data := `from="10.0.0.0/8" ` + line + "\n" + `expiry-time="20200101" ` + line + "\n"
	if _, err := FindKey([]byte(data), k.PublicKey(), loopback); !errors.Is(err, ErrKeyFrom) || !strings.Contains(err.Error(), "line 1:") {
		t.Errorf("two refused lines: %v", err)
	}
	if e, err := FindKey([]byte(data+"\n\n# c\n"+line+"\n"), k.PublicKey(), loopback); e == nil || err != nil {
		t.Errorf("refused lines then a good one: %+v, %v", e, err)
	}
}

// userCert signs a user certificate for key with ca, valid for an hour
// around now; mod adjusts it before signing.
func userCert(t *testing.T, ca keys.Signer, key keys.PublicKey, principals []string, mod func(*keys.Certificate)) *keys.Certificate {
	t.Helper()
	now := uint64(time.Now().Unix())
	c := &keys.Certificate{Key: key, CertType: keys.UserCert, KeyID: "test", ValidPrincipals: principals,
		ValidAfter: now - 3600, ValidBefore: now + 3600,
		Extensions: map[string]string{"permit-pty": ""}}
	if mod != nil {
		mod(c)
	}
	if err := keys.SignCertificate(ca, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// errNotListed marks a case where no line lists the key.
var errNotListed = errors.New("not listed")

func TestFindKeyCertificate(t *testing.T) {
	ca, caLine := newKey(t)
	otherCA, _ := newKey(t)
	user, userLine := newKey(t)
	now := uint64(time.Now().Unix())
	good := userCert(t, ca, user.PublicKey(), []string{"alice"}, nil)
	cases := []struct {
		name  string
		file  string
		cert  *keys.Certificate
		login Login
		want  error // nil: accepted
	}{
		{"good", "cert-authority " + caLine, good, loopback, nil},
		{"CA without cert-authority", caLine, good, loopback, ErrKeyCertAuthority},
		{"certified key listed plain", userLine, good, loopback, errNotListed},
		{"other user", "cert-authority " + caLine, good, Login{User: "bob", Addr: loopback.Addr}, keys.ErrCertPrincipal},
		{"principals= instead of the user name", `cert-authority,principals="deploy,ops" ` + caLine,
			userCert(t, ca, user.PublicKey(), []string{"x", "ops"}, nil), loopback, nil},
		{"principals= not listed", `cert-authority,principals="deploy" ` + caLine, good, loopback, keys.ErrCertPrincipal},
		{"no principals", "cert-authority " + caLine, userCert(t, ca, user.PublicKey(), nil, nil), loopback, keys.ErrCertPrincipal},
		{"untrusted CA", "cert-authority " + caLine, userCert(t, otherCA, user.PublicKey(), []string{"alice"}, nil), loopback, errNotListed},
		{"expired", "cert-authority " + caLine, userCert(t, ca, user.PublicKey(), []string{"alice"}, func(c *keys.Certificate) {
			c.ValidAfter, c.ValidBefore = now-7200, now-60
		}), loopback, keys.ErrCertExpired},
		{"host certificate", "cert-authority " + caLine, userCert(t, ca, user.PublicKey(), []string{"alice"}, func(c *keys.Certificate) {
			c.CertType = keys.HostCert
		}), loopback, keys.ErrCertType},
		{"source-address allows", "cert-authority " + caLine, userCert(t, ca, user.PublicKey(), []string{"alice"}, func(c *keys.Certificate) {
			c.CriticalOptions = map[string]string{"source-address": "127.0.0.0/8"}
		}), loopback, nil},
		{"source-address refuses", "cert-authority " + caLine, userCert(t, ca, user.PublicKey(), []string{"alice"}, func(c *keys.Certificate) {
			c.CriticalOptions = map[string]string{"source-address": "10.0.0.0/8"}
		}), loopback, keys.ErrCertSourceAddress},
		{"source-address, address unknown", "cert-authority " + caLine, userCert(t, ca, user.PublicKey(), []string{"alice"}, func(c *keys.Certificate) {
			c.CriticalOptions = map[string]string{"source-address": "127.0.0.0/8"}
		}), Login{User: "alice"}, keys.ErrCertSourceAddress},
		{"unknown critical option", "cert-authority " + caLine, userCert(t, ca, user.PublicKey(), []string{"alice"}, func(c *keys.Certificate) {
			c.CriticalOptions = map[string]string{"verify-required": ""}
		}), loopback, keys.ErrCertCriticalOption},
		{"from= on the CA line", `cert-authority,from="10.0.0.0/8" ` + caLine, good, loopback, ErrKeyFrom},
		{"expiry-time on the CA line", `cert-authority,expiry-time="20200101" ` + caLine, good, loopback, ErrKeyExpired},
		{"forced commands differ", `cert-authority,command="a" ` + caLine, userCert(t, ca, user.PublicKey(), []string{"alice"}, func(c *keys.Certificate) {
			c.CriticalOptions = map[string]string{"force-command": "b"}
		}), loopback, ErrForcedCommandConflict},
	}
	for _, c := range cases {
		e, err := FindKey([]byte(c.file+"\n"), c.cert, c.login)
		switch c.want {
		case nil:
			if e == nil || err != nil || e.Certificate != c.cert {
				t.Errorf("%s: %+v, %v", c.name, e, err)
			}
			continue
		case errNotListed:
			if e != nil || err != nil {
				t.Errorf("%s: %+v, %v; want no line listing it", c.name, e, err)
			}
			continue
		}
		if e != nil || !errors.Is(err, ErrKeyRefused) || !errors.Is(err, c.want) {
			t.Errorf("%s: %+v, %v; want %v", c.name, e, err, c.want)
		}
	}
	// A tampered certificate: the CA signature no longer verifies.
	bad := userCert(t, ca, user.PublicKey(), []string{"bob"}, nil)
	bad.ValidPrincipals = []string{"alice"}
	if _, err := FindKey([]byte("cert-authority "+caLine), bad, loopback); !errors.Is(err, keys.ErrVerification) {
		t.Errorf("tampered certificate: %v", err)
	}

	// Restrictions merge: the line's command and the certificate's
	// missing permit-pty.
	noPTY := userCert(t, ca, user.PublicKey(), []string{"alice"}, func(c *keys.Certificate) { c.Extensions = nil })
	e, err := FindKey([]byte(`cert-authority,command="x" `+caLine), noPTY, loopback)
	if err != nil || e == nil || !e.NoPTY || !e.HasCommand || e.Command != "x" {
		t.Errorf("merged restrictions: %+v, %v", e, err)
	}
	forced := userCert(t, ca, user.PublicKey(), []string{"alice"}, func(c *keys.Certificate) {
		c.CriticalOptions = map[string]string{"force-command": "y"}
	})
	e, err = FindKey([]byte(`cert-authority,no-pty `+caLine), forced, loopback)
	if err != nil || e == nil || !e.NoPTY || !e.HasCommand || e.Command != "y" {
		t.Errorf("certificate's force-command: %+v, %v", e, err)
	}
	e, err = FindKey([]byte(`cert-authority,command="y" `+caLine), forced, loopback)
	if err != nil || e == nil || e.Command != "y" || e.NoPTY {
		t.Errorf("agreeing forced commands: %+v, %v", e, err)
	}
}

func TestAuthorizedKeysFile(t *testing.T) {
	k, line := newKey(t)
	path := filepath.Join(t.TempDir(), "authorized_keys")
	a := &AuthorizedKeys{Path: path}
	if _, err := a.Lookup(k.PublicKey(), loopback); !os.IsNotExist(err) {
		t.Errorf("missing file: err = %v", err)
	}
	if err := os.WriteFile(path, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if e, err := a.Lookup(k.PublicKey(), loopback); err != nil || e == nil {
		t.Errorf("Lookup = %+v, %v", e, err)
	}
	// The file is read at every lookup: removing the line revokes.
	if err := os.WriteFile(path, []byte("# nobody\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if e, err := a.Lookup(k.PublicKey(), loopback); err != nil || e != nil {
		t.Errorf("after removal: %+v, %v", e, err)
	}
	big := make([]byte, MaxAuthorizedKeysSize+1)
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Lookup(k.PublicKey(), loopback); err == nil {
		t.Error("oversized file accepted")
	}
}

// serveAuth serves sessions on a loopback port with the authentication
// a decides, and returns the address and the host key.
func serveAuth(t *testing.T, a *Authenticator) (string, keys.PublicKey) {
	t.Helper()
	u, err := CurrentUser()
	if err != nil {
		t.Fatal(err)
	}
	hk, _, err := LoadOrCreateHostKey(filepath.Join(t.TempDir(), "hostkey"))
	if err != nil {
		t.Fatal(err)
	}
	o := NewOptions()
	cfg := &ssh2.ServerConfig{HostKeys: []ssh2.Signer{hk}}
	o.Apply(cfg)
	a.User = u.Name
	a.Configure(cfg, o)
	srv := &ssh2.Server{Config: cfg}
	(&Handler{User: u, Options: o}).Install(srv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return ln.Addr().String(), hk.PublicKey()
}

// TestCertAuthorityLogin logs our client in with certificates, both
// through a cert-authority line and through TrustedUserCAKeys, which
// falls back to authorized_keys as in sshd.
func TestCertAuthorityLogin(t *testing.T) {
	u, err := CurrentUser()
	if err != nil {
		t.Fatal(err)
	}
	ca, caLine := newKey(t)
	trustedCA, _ := newKey(t)
	user, _ := newKey(t)
	ak := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(ak, []byte(`cert-authority,principals="deploy",command="echo forced" `+caLine+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, hostKey := serveAuth(t, &Authenticator{AuthorizedKeys: &AuthorizedKeys{Path: ak}, UserCAs: []keys.PublicKey{trustedCA.PublicKey()}})
	login := func(s keys.Signer) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := ssh2.Dial(ctx, "tcp", addr, &ssh2.ClientConfig{User: u.Name, Auth: []ssh2.AuthMethod{ssh2.PublicKeys(s)}, HostKeyCallback: ssh2.FixedHostKey(hostKey)})
		if err != nil {
			return "", err
		}
		defer c.Close()
		out, _, err := run(t, c, "echo asked", nil, nil)
		return string(out), err
	}
	certSigner := func(c *keys.Certificate) keys.Signer {
		s, err := keys.NewCertSigner(c, user)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if out, err := login(certSigner(userCert(t, ca, user.PublicKey(), []string{"deploy"}, nil))); err != nil || out != "forced\n" {
		t.Errorf("certificate through cert-authority: %q, %v", out, err)
	}
	if out, err := login(certSigner(userCert(t, trustedCA, user.PublicKey(), []string{u.Name}, nil))); err != nil || out != "asked\n" {
		t.Errorf("certificate through TrustedUserCAKeys: %q, %v", out, err)
	}
	if _, err := login(certSigner(userCert(t, ca, user.PublicKey(), []string{u.Name}, nil))); err == nil {
		t.Error("certificate not naming a principals= entry accepted")
	}
	if _, err := login(ca); err == nil {
		t.Error("the CA key itself accepted as a plain key")
	}
}

// TestAuthorizedKeysOptionsWithOpenSSH logs OpenSSH's ssh into our
// server with from=, expiry-time= and cert-authority lines.
func TestAuthorizedKeysOptionsWithOpenSSH(t *testing.T) {
	e := startServer(t, nil, nil)
	_, portStr, _ := net.SplitHostPort(e.addr)
	port, _ := net.LookupPort("tcp", portStr)
	priv, pub := testpeer.GenerateKey(t, "ed25519", 0)
	caPriv, caPub := testpeer.GenerateKey(t, "ed25519", 0)
	certPriv, _ := testpeer.GenerateKey(t, "ecdsa", 256)
	testpeer.SignKey(t, caPriv, "test-cert", certPriv+".pub", "-n", "deploy", "-V", "-5m:+1h")
	future := time.Now().Add(24 * time.Hour).Format("200601021504")

	cases := []struct {
		line string
		key  string
		ok   bool
	}{
		{`from="127.0.0.1" ` + pub, priv, true},
		{`from="10.0.0.0/8" ` + pub, priv, false},
		{`from="10.0.0.0/8,127.0.0.0/8" ` + pub, priv, true},
		{`from="*,!127.0.0.1" ` + pub, priv, false},
		{`expiry-time="20200101" ` + pub, priv, false},
		{`expiry-time="` + future + `" ` + pub, priv, true},
		{`cert-authority,principals="deploy" ` + caPub, certPriv, true},
		{`cert-authority,principals="deploy",from="10.0.0.0/8" ` + caPub, certPriv, false},
		{`cert-authority ` + caPub, certPriv, false}, // the certificate does not name the user
		{caPub, certPriv, false},
	}
	for _, c := range cases {
		if err := os.WriteFile(e.akPath, []byte(c.line+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := testpeer.SSHClientCommand(t, testpeer.ClientOptions{Port: port, IdentityFile: c.key, Command: []string{"echo in"}})
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		var ee *exec.ExitError
		if c.ok && (err != nil || string(out) != "in\n") {
			t.Errorf("%.60s: %q, %v\n%s", c.line, out, err, stderr.String())
		}
		if !c.ok && (!errors.As(err, &ee) || ee.ExitCode() != 255 || !strings.Contains(stderr.String(), "Permission denied")) {
			t.Errorf("%.60s: accepted or failed otherwise: %q, %v\n%s", c.line, out, err, stderr.String())
		}
	}
}

func FuzzFindKey(f *testing.F) {
	k, line := newKey(f)
	f.Add([]byte(line + "\n"))
	f.Add([]byte(`command="x",no-pty ` + line))
	f.Add([]byte("restrict,from=\"a\" " + line + "\n# c\n\n"))
	f.Add([]byte(`from="127.0.0.0/8,!127.0.0.2",expiry-time="20300101Z",environment="A=b" ` + line))
	f.Add([]byte(`cert-authority,principals="a,b" ` + line))
	f.Add([]byte("ssh-ed25519 AAAA\n"))
	pub := k.PublicKey()
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := FindKey(data, pub, loopback)
		if e != nil && err != nil {
			t.Fatalf("entry %+v with error %v", e, err)
		}
		if err != nil && !errors.Is(err, ErrKeyRefused) {
			t.Fatalf("error does not wrap ErrKeyRefused: %v", err)
		}
	})
}
