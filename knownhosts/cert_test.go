package knownhosts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/keys"
)

func newSigner(t testing.TB) keys.Signer {
	t.Helper()
	s, err := keys.GenerateEd25519(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hostCert signs a host certificate for key with ca, valid for an hour
// around now for the given principals; mod adjusts it before signing.
func hostCert(t testing.TB, ca keys.Signer, key keys.PublicKey, principals []string, mod func(*keys.Certificate)) *keys.Certificate {
	t.Helper()
	now := uint64(time.Now().Unix())
	c := &keys.Certificate{Key: key, CertType: keys.HostCert, KeyID: "host", ValidPrincipals: principals,
		ValidAfter: now - 3600, ValidBefore: now + 3600}
	if mod != nil {
		mod(c)
	}
	if err := keys.SignCertificate(ca, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func loadLines(t *testing.T, lines ...string) *DB {
	t.Helper()
	db, err := Load(writeFile(t, strings.Join(lines, "\n")+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(db.Skipped) != 0 {
		t.Fatalf("skipped %v", db.Skipped)
	}
	return db
}

func TestCheckHostCertificate(t *testing.T) {
	ca, otherCA, host := newSigner(t), newSigner(t), newSigner(t)
	knownPlain := newSigner(t)
	now := uint64(time.Now().Unix())
	principals := []string{"server.example", "10.0.0.1"}
	good := hostCert(t, ca, host.PublicKey(), principals, nil)
	db := loadLines(t,
		"@cert-authority *.example,[*.example]:*,10.0.0.1 "+authLine(ca.PublicKey()),
		"other.test "+authLine(knownPlain.PublicKey()),
	)
	cases := []struct {
		name string
		host string
		key  keys.PublicKey
		want error // nil: accepted
	}{
		{"good", "server.example", good, nil},
		{"good on another port", "[server.example]:2222", good, nil},
		{"good by address", "10.0.0.1", good, nil},
		{"principal is not the host", "other.example", good, keys.ErrCertPrincipal},
		{"no principals", "server.example", hostCert(t, ca, host.PublicKey(), nil, nil), keys.ErrCertPrincipal},
		{"expired", "server.example", hostCert(t, ca, host.PublicKey(), principals, func(c *keys.Certificate) {
			c.ValidAfter, c.ValidBefore = now-7200, now-60
		}), keys.ErrCertExpired},
		{"not yet valid", "server.example", hostCert(t, ca, host.PublicKey(), principals, func(c *keys.Certificate) {
			c.ValidAfter = now + 600
		}), keys.ErrCertNotYetValid},
		{"user certificate", "server.example", hostCert(t, ca, host.PublicKey(), principals, func(c *keys.Certificate) {
			c.CertType = keys.UserCert
		}), keys.ErrCertType},
		{"critical option", "server.example", hostCert(t, ca, host.PublicKey(), principals, func(c *keys.Certificate) {
			c.CriticalOptions = map[string]string{"force-command": "x"}
		}), keys.ErrCertCriticalOption},
		{"CA not trusted for this host", "other.test", good, &KeyError{}},
		{"unknown CA, unknown key", "server.example", hostCert(t, otherCA, host.PublicKey(), principals, nil), &KeyError{}},
		{"unknown CA, key known as plain", "other.test", hostCert(t, otherCA, knownPlain.PublicKey(), principals, nil), nil},
	}
	for _, tc := range cases {
		err := db.Check(tc.host, tc.key)
		switch want := tc.want.(type) {
		case nil:
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		case *KeyError:
			var ke *KeyError
			if !errors.As(err, &ke) {
				t.Errorf("%s: %v, want KeyError", tc.name, err)
			}
		default:
			var ce *CertError
			if !errors.Is(err, want) || !errors.As(err, &ce) || ce.Authority.Line != 1 {
				t.Errorf("%s: %v, want %v", tc.name, err, want)
			}
		}
	}
	// A tampered certificate: the CA signature no longer verifies.
	bad := hostCert(t, ca, host.PublicKey(), []string{"x.example"}, nil)
	bad.ValidPrincipals = []string{"server.example"}
	if err := db.Check("server.example", bad); !errors.Is(err, keys.ErrVerification) {
		t.Errorf("tampered: %v", err)
	}
}

func TestCheckHostCertificateRevoked(t *testing.T) {
	ca, host := newSigner(t), newSigner(t)
	c := hostCert(t, ca, host.PublicKey(), []string{"h.example"}, nil)
	for _, revoked := range []keys.PublicKey{ca.PublicKey(), host.PublicKey(), c} {
		db := loadLines(t,
			"@cert-authority * "+authLine(ca.PublicKey()),
			"@revoked * "+authLine(revoked),
		)
		var re *RevokedError
		if err := db.Check("h.example", c); !errors.As(err, &re) || re.Revoked.Line != 2 {
			t.Errorf("revoked %s: %v", revoked.Type(), err)
		}
	}
}

func TestHostKeyAlgorithmsWithCertAuthority(t *testing.T) {
	ca := newSigner(t)
	plain := newKey(t)
	db := loadLines(t,
		"@cert-authority *.example "+authLine(ca.PublicKey()),
		"a.example "+authLine(plain),
	)
	want := []string{
		keys.CertTypeED25519, keys.CertTypeECDSA256, keys.CertTypeECDSA384, keys.CertTypeECDSA521,
		keys.CertSigRSASHA512, keys.CertSigRSASHA256, keys.SigED25519,
	}
	if got := db.HostKeyAlgorithms("a.example"); !slices.Equal(got, want) {
		t.Errorf("HostKeyAlgorithms = %v", got)
	}
	if got := db.HostKeyAlgorithms("b.other"); len(got) != 0 {
		t.Errorf("unknown host: %v", got)
	}
	if got := db.PreferredHostKeyAlgorithms("b.other"); got != nil {
		t.Errorf("PreferredHostKeyAlgorithms of unknown host: %v", got)
	}
	got := db.PreferredHostKeyAlgorithms("b.example")
	defaults := ssh2.DefaultAlgorithms(true).HostKey
	if !slices.Equal(got[:6], want[:6]) || !slices.Equal(got[6:], defaults) {
		t.Errorf("PreferredHostKeyAlgorithms = %v", got)
	}
	if !db.HasCertAuthority("x.example") || db.HasCertAuthority("x.test") || db.HasCertAuthority("[x.example]:2222") {
		t.Error("HasCertAuthority")
	}
}

// TestHostCertificateEndToEnd: our client, with a known_hosts file
// holding only a @cert-authority line, connects to our server presenting
// a host certificate; PreferredHostKeyAlgorithms makes the client ask for
// it.
func TestHostCertificateEndToEnd(t *testing.T) {
	ca, host := newSigner(t), newSigner(t)
	rsaHost, err := keys.Generate("rsa", 2048, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	var signers []ssh2.Signer
	for _, h := range []keys.Signer{rsaHost, host} {
		cs, err := keys.NewCertSigner(hostCert(t, ca, h.PublicKey(), []string{"127.0.0.1"}, nil), h)
		if err != nil {
			t.Fatal(err)
		}
		signers = append(signers, cs)
	}
	srv := &ssh2.Server{Config: &ssh2.ServerConfig{
		HostKeys: signers,
		PasswordCallback: func(context.Context, *ssh2.PasswordRequest) ssh2.Decision {
			return ssh2.Accept()
		},
	}}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })

	addr := ln.Addr().String()
	dial := func(line string) (*ssh2.Client, string, error) {
		db := loadLines(t, line)
		var neg string
		cfg := &ssh2.ClientConfig{User: "u", Auth: []ssh2.AuthMethod{ssh2.Password("x")}, HostKeyCallback: db.HostKeyCallback()}
		cfg.HostKeyAlgorithms = db.PreferredHostKeyAlgorithms(Normalize(addr))
		cfg.OnHandshake = func(a ssh2.Algorithms) { neg = a.HostKey }
		c, err := ssh2.Dial(context.Background(), "tcp", addr, cfg)
		return c, neg, err
	}
	c, neg, err := dial(fmt.Sprintf("@cert-authority [127.0.0.1]:%d %s", port, authLine(ca.PublicKey())))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.HostKey().(*keys.Certificate); !ok || neg != keys.CertTypeED25519 {
		t.Fatalf("host key %s, negotiated %s", c.HostKey().Type(), neg)
	}
	c.Close()
	// The CA for another port does not vouch for this one.
	_, _, err = dial(fmt.Sprintf("@cert-authority [127.0.0.1]:%d %s", port+1, authLine(ca.PublicKey())))
	var ke *KeyError
	if !errors.As(err, &ke) {
		t.Fatalf("CA for another port: %v", err)
	}
	// Revoking the CA refuses the certificate.
	_, _, err = dial(fmt.Sprintf("@cert-authority * %s\n@revoked * %s", authLine(ca.PublicKey()), authLine(ca.PublicKey())))
	var re *RevokedError
	if !errors.As(err, &re) {
		t.Fatalf("revoked CA: %v", err)
	}
}

// TestFuzzSeedCertificateAccepted keeps the certificate seed of FuzzParse
// meaningful: its host certificate passes the checks.
func TestFuzzSeedCertificateAccepted(t *testing.T) {
	const seed = "@cert-authority host1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop\n" +
		"host1 ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAAW4AAAAgzswVB9wd3XKVlRwpCIjwla25BE0bc9aW5t8GXWg71PwAAAAAAAAAAAAAAAIAAAABaAAAAAkAAAAFaG9zdDEAAAAAAAAAAP//////////AAAAAAAAAAAAAAAAAAAAMwAAAAtzc2gtZWQyNTUxOQAAACA7aie8zrakLWKjqNAqbw1zZTIVdx3iQ6Y6wEihi1naKQAAAFMAAAALc3NoLWVkMjU1MTkAAABAAzNyiWrfAMDBHftxR0koCoXGeTntajCThbv1RUe3HtOglX5ra9kHrGqPRz/peP/QtNQTdhK9igkofExXaVQwAw==\n"
	entries, skipped, err := Parse(strings.NewReader(seed), "seed")
	if err != nil || len(entries) != 2 || len(skipped) != 0 {
		t.Fatalf("%v %d %v", err, len(entries), skipped)
	}
	db := &DB{Entries: entries}
	if err := db.Check("host1", entries[1].Key); err != nil {
		t.Fatal(err)
	}
	if err := db.Check("host2", entries[1].Key); err == nil {
		t.Fatal("accepted for another host")
	}
}
