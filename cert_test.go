package ssh2

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ssh2go/ssh2/keys"
)

// issue signs a certificate for s with ca; mod adjusts the template (a
// user certificate for "alice", valid for an hour around now).
func issue(t *testing.T, ca, s Signer, mod func(c *keys.Certificate)) *keys.Certificate {
	t.Helper()
	now := uint64(time.Now().Unix())
	c := &keys.Certificate{Key: s.PublicKey(), CertType: keys.UserCert, KeyID: "test", Serial: 7,
		ValidPrincipals: []string{"alice"}, ValidAfter: now - 3600, ValidBefore: now + 3600,
		Extensions: map[string]string{"permit-pty": ""}}
	if mod != nil {
		mod(c)
	}
	if err := keys.SignCertificate(ca, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func certSignerFor(t *testing.T, c *keys.Certificate, s Signer) Signer {
	t.Helper()
	cs, err := keys.NewCertSigner(c, s)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// refusals records UserCertAuthority.OnRefused calls.
type refusals struct {
	mu   sync.Mutex
	errs []error
}

func (r *refusals) add(_ context.Context, _ *PublicKeyRequest, err error) {
	r.mu.Lock()
	r.errs = append(r.errs, err)
	r.mu.Unlock()
}

func (r *refusals) all() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.errs)
}

// certServer serves a handler reporting the login's force-command and
// extensions, trusting user certificates from uca.
func certServer(t *testing.T, uca *UserCertAuthority) string {
	t.Helper()
	srv := &Server{
		Config: &ServerConfig{PublicKeyCallback: uca.PublicKeyCallback()},
		Handler: func(s *Session) {
			p := s.Conn().Permissions()
			fc, ok := p.ForceCommand()
			fmt.Fprintf(s, "user=%s cmd=%q force=%v:%q pty=%v key=%s", s.User(), s.Command(), ok, fc,
				p.HasExtension("permit-pty"), s.Conn().PublicKey().Type())
		},
	}
	return testServer(t, srv)
}

func dialKey(addr, user string, s Signer) (*Client, error) {
	return Dial(context.Background(), "tcp", addr, &ClientConfig{
		User: user, Auth: []AuthMethod{PublicKeys(s)}, HostKeyCallback: InsecureIgnoreHostKey(),
	})
}

func TestUserCertificateLogin(t *testing.T) {
	ca, user := newTestSigner(t), newTestSigner(t)
	rsaUser, err := keys.Generate("rsa", 2048, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := certServer(t, &UserCertAuthority{Authorities: []PublicKey{newTestSigner(t).PublicKey(), ca.PublicKey()}})
	for _, tc := range []struct {
		key  Signer
		mod  func(*keys.Certificate)
		want string
	}{
		{user, nil, `user=alice cmd="id" force=false:"" pty=true key=ssh-ed25519-cert-v01@openssh.com`},
		{rsaUser, func(c *keys.Certificate) {
			c.CriticalOptions = map[string]string{"force-command": "uptime", "source-address": "10.1.0.0/16,127.0.0.0/8"}
			c.Extensions = nil
		}, `user=alice cmd="id" force=true:"uptime" pty=false key=ssh-rsa-cert-v01@openssh.com`},
	} {
		cs := certSignerFor(t, issue(t, ca, tc.key, tc.mod), tc.key)
		c, err := dialKey(addr, "alice", cs)
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.Output(context.Background(), "id")
		c.Close()
		if err != nil || string(out) != tc.want {
			t.Fatalf("got %q, %v\nwant %q", out, err, tc.want)
		}
	}
}

func TestUserCertificateRefusals(t *testing.T) {
	ca, user := newTestSigner(t), newTestSigner(t)
	now := uint64(time.Now().Unix())
	cases := []struct {
		name   string
		signer Signer // CA
		user   string
		mod    func(*keys.Certificate)
		want   error
	}{
		{"wrong principal", ca, "bob", nil, keys.ErrCertPrincipal},
		{"no principals", ca, "alice", func(c *keys.Certificate) { c.ValidPrincipals = nil }, keys.ErrCertPrincipal},
		{"expired", ca, "alice", func(c *keys.Certificate) { c.ValidAfter, c.ValidBefore = now-7200, now-3600 }, keys.ErrCertExpired},
		{"not yet valid", ca, "alice", func(c *keys.Certificate) { c.ValidAfter = now + 3600 }, keys.ErrCertNotYetValid},
		{"untrusted CA", newTestSigner(t), "alice", nil, keys.ErrCertAuthority},
		{"host certificate", ca, "alice", func(c *keys.Certificate) { c.CertType = keys.HostCert }, keys.ErrCertType},
		{"source address", ca, "alice", func(c *keys.Certificate) {
			c.CriticalOptions = map[string]string{"source-address": "10.0.0.0/8,192.168.1.1"}
		}, keys.ErrCertSourceAddress},
		{"unknown critical option", ca, "alice", func(c *keys.Certificate) {
			c.CriticalOptions = map[string]string{"verify-required": ""}
		}, keys.ErrCertCriticalOption},
		{"revoked key", ca, "revoked", func(c *keys.Certificate) { c.ValidPrincipals = []string{"revoked"} }, ErrCertRevoked},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &refusals{}
			uca := &UserCertAuthority{
				Authorities: []PublicKey{ca.PublicKey()},
				OnRefused:   rec.add,
				IsRevoked: func(k PublicKey) bool {
					return tc.user == "revoked" && keys.Equal(k, user.PublicKey())
				},
			}
			addr := certServer(t, uca)
			cs := certSignerFor(t, issue(t, tc.signer, user, tc.mod), user)
			c, err := dialKey(addr, tc.user, cs)
			var ae *AuthError
			if !errors.As(err, &ae) {
				if c != nil {
					c.Close()
				}
				t.Fatalf("dial: %v, want AuthError", err)
			}
			errs := rec.all()
			if len(errs) != 1 || !errors.Is(errs[0], tc.want) || !errors.Is(errs[0], keys.ErrCertificate) {
				t.Fatalf("refusals %v, want one %v", errs, tc.want)
			}
		})
	}
}

// TestUserCertificateCorruptCASignature: a certificate whose signed
// fields were changed after signing is refused for its CA signature.
func TestUserCertificateCorruptCASignature(t *testing.T) {
	ca, user := newTestSigner(t), newTestSigner(t)
	c := issue(t, ca, user, nil)
	c.ValidPrincipals = []string{"root"}
	rec := &refusals{}
	addr := certServer(t, &UserCertAuthority{Authorities: []PublicKey{ca.PublicKey()}, OnRefused: rec.add})
	_, err := dialKey(addr, "root", certSignerFor(t, c, user))
	var ae *AuthError
	if errs := rec.all(); !errors.As(err, &ae) || len(errs) != 1 || !errors.Is(errs[0], keys.ErrVerification) {
		t.Fatalf("dial %v, refusals %v", err, errs)
	}
}

func TestUserCertAuthorityPrincipalsAndFallback(t *testing.T) {
	ca, user, plain := newTestSigner(t), newTestSigner(t), newTestSigner(t)
	uca := &UserCertAuthority{
		Authorities: []PublicKey{ca.PublicKey()},
		Principals: func(_ context.Context, u string) ([]string, error) {
			if u == "deploy" {
				return []string{"ops", "alice"}, nil
			}
			return nil, errors.New("no principals file")
		},
		Fallback: func(_ context.Context, r *PublicKeyRequest) Decision {
			if keys.Equal(r.Key, plain.PublicKey()) {
				return Accept()
			}
			return Reject()
		},
	}
	addr := certServer(t, uca)
	cs := certSignerFor(t, issue(t, ca, user, nil), user)
	c, err := dialKey(addr, "deploy", cs)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := dialKey(addr, "alice", cs); err == nil {
		t.Fatal("login as alice accepted although Principals failed")
	}
	c, err = dialKey(addr, "anyone", plain)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	// A plain key the fallback does not know, and the certified key
	// offered without its certificate, are refused.
	if _, err := dialKey(addr, "deploy", user); err == nil {
		t.Fatal("plain user key accepted")
	}
}

func TestUserCertCheckWithoutConnInfo(t *testing.T) {
	ca, user := newTestSigner(t), newTestSigner(t)
	c := issue(t, ca, user, func(c *keys.Certificate) { c.CriticalOptions = map[string]string{"source-address": "0.0.0.0/0,::/0"} })
	uca := &UserCertAuthority{Authorities: []PublicKey{ca.PublicKey()}}
	r := &PublicKeyRequest{Key: c}
	r.User = "alice"
	if _, err := uca.Check(context.Background(), r); !errors.Is(err, keys.ErrCertSourceAddress) {
		t.Fatalf("no connection: %v", err)
	}
	ctx := context.WithValue(context.Background(), connInfoKey{}, &ConnInfo{RemoteAddr: &net.TCPAddr{IP: net.ParseIP("::ffff:192.0.2.1"), Port: 1}})
	p, err := uca.Check(ctx, r)
	if err != nil || !p.HasExtension("permit-pty") {
		t.Fatalf("mapped IPv4: %v %+v", err, p)
	}
	r.Key = user.PublicKey()
	if _, err := uca.Check(ctx, r); !errors.Is(err, ErrNotCertificate) {
		t.Fatalf("plain key: %v", err)
	}
}

// TestHostCertificate: a server given a host certificate signer offers
// the certificate algorithms and the plain ones; a client asking for the
// certificate gets it in its HostKeyCallback, one asking for plain
// algorithms gets the key underneath.
func TestHostCertificate(t *testing.T) {
	ca := newTestSigner(t)
	rsaHost, err := keys.Generate("rsa", 2048, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []Signer{newTestSigner(t), rsaHost} {
		hc := issue(t, ca, host, func(c *keys.Certificate) { c.CertType = keys.HostCert; c.ValidPrincipals = []string{"127.0.0.1"} })
		cfg := passwordConfig()
		cfg.HostKeys = []Signer{certSignerFor(t, hc, host)}
		addr := testServer(t, &Server{Config: cfg})
		certAlg, _ := keys.CertAlgorithm(host.Algorithms()[0])
		plainAlg := host.Algorithms()[0]
		for _, tc := range []struct {
			algs    []string
			want    PublicKey
			wantAlg string
		}{
			{nil, host.PublicKey(), plainAlg},
			{[]string{certAlg, plainAlg}, hc, certAlg},
			{[]string{plainAlg}, host.PublicKey(), plainAlg},
		} {
			var got PublicKey
			var neg string
			cc := &ClientConfig{
				User: "alice", Auth: []AuthMethod{Password("secret")},
				HostKeyCallback: func(_ string, _ net.Addr, k PublicKey) error { got = k; return nil },
			}
			cc.HostKeyAlgorithms = tc.algs
			cc.OnHandshake = func(a Algorithms) { neg = a.HostKey }
			c, err := Dial(context.Background(), "tcp", addr, cc)
			if err != nil {
				t.Fatalf("%v: %v", tc.algs, err)
			}
			if !keys.Equal(got, tc.want) || !keys.Equal(c.HostKey(), tc.want) || neg != tc.wantAlg {
				t.Fatalf("%v: callback got %s, negotiated %s", tc.algs, got.Type(), neg)
			}
			c.Close()
		}
	}
}

func BenchmarkUserCertCheck(b *testing.B) {
	ca, user := newTestSigner(b), newTestSigner(b)
	c := &keys.Certificate{Key: user.PublicKey(), CertType: keys.UserCert, ValidPrincipals: []string{"alice"},
		ValidBefore: keys.CertTimeInfinity, CriticalOptions: map[string]string{"source-address": "127.0.0.0/8"}}
	if err := keys.SignCertificate(ca, c); err != nil {
		b.Fatal(err)
	}
	uca := &UserCertAuthority{Authorities: []PublicKey{ca.PublicKey()}}
	ctx := context.WithValue(context.Background(), connInfoKey{}, &ConnInfo{RemoteAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 22}})
	r := &PublicKeyRequest{Key: c, Verified: true}
	r.User = "alice"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := uca.Check(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}
