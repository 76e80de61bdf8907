package ssh2_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"strings"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/keys"
	"github.com/ssh2go/ssh2/knownhosts"
)

// A server trusting a user CA, as sshd's TrustedUserCAKeys, and a client
// logging in with a certificate. The login's Permissions carry the
// certificate's force-command, which the handler honours.
func ExampleUserCertAuthority() {
	ca, _ := keys.GenerateEd25519(nil)
	hostKey, _ := keys.GenerateEd25519(nil)
	userKey, _ := keys.GenerateEd25519(nil)

	// The CA certifies the user key for the principal "alice".
	cert := &keys.Certificate{
		Key:             userKey.PublicKey(),
		CertType:        keys.UserCert,
		KeyID:           "alice@laptop",
		ValidPrincipals: []string{"alice"},
		ValidBefore:     keys.CertTimeInfinity,
		CriticalOptions: map[string]string{"force-command": "backup"},
	}
	if err := keys.SignCertificate(ca, cert); err != nil {
		log.Fatal(err)
	}
	certSigner, err := keys.NewCertSigner(cert, userKey)
	if err != nil {
		log.Fatal(err)
	}

	trust := &ssh2.UserCertAuthority{Authorities: []ssh2.PublicKey{ca.PublicKey()}}
	srv := &ssh2.Server{
		Config: &ssh2.ServerConfig{
			HostKeys:          []ssh2.Signer{hostKey},
			PublicKeyCallback: trust.PublicKeyCallback(),
		},
		Handler: func(s *ssh2.Session) {
			cmd := s.Command()
			if forced, ok := s.Conn().Permissions().ForceCommand(); ok {
				cmd = forced
			}
			fmt.Fprintf(s, "%s runs %q\n", s.User(), cmd)
		},
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Close()

	client, err := ssh2.Dial(context.Background(), "tcp", ln.Addr().String(), &ssh2.ClientConfig{
		User:            "alice",
		Auth:            []ssh2.AuthMethod{ssh2.PublicKeys(certSigner)},
		HostKeyCallback: ssh2.FixedHostKey(hostKey.PublicKey()),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	out, _ := client.Output(context.Background(), "rm -rf /")
	fmt.Print(string(out))
	// Output: alice runs "backup"
}

// A server presenting a host certificate, and a client that trusts the
// host CA through a known_hosts @cert-authority line instead of knowing
// the host key.
func ExampleServerConfig_hostCertificate() {
	hostCA, _ := keys.GenerateEd25519(nil)
	hostKey, _ := keys.GenerateEd25519(nil)
	cert := &keys.Certificate{
		Key:             hostKey.PublicKey(),
		CertType:        keys.HostCert,
		KeyID:           "web-1",
		ValidPrincipals: []string{"127.0.0.1", "web-1.example.com"},
		ValidBefore:     keys.CertTimeInfinity,
	}
	if err := keys.SignCertificate(hostCA, cert); err != nil {
		log.Fatal(err)
	}
	hostCertSigner, _ := keys.NewCertSigner(cert, hostKey)

	srv := &ssh2.Server{
		Config: &ssh2.ServerConfig{
			// The server offers the certificate algorithms and, for
			// clients that do not ask for certificates, the plain key.
			HostKeys:     []ssh2.Signer{hostCertSigner},
			NoneCallback: func(context.Context, *ssh2.AuthAttempt) ssh2.Decision { return ssh2.Accept() },
		},
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Close()

	// The client's known_hosts trusts the CA for every host.
	line := "@cert-authority * " + string(keys.MarshalAuthorizedKey(hostCA.PublicKey()))
	entries, _, _ := knownhosts.Parse(strings.NewReader(line), "known_hosts")
	db := &knownhosts.DB{Entries: entries}

	addr := ln.Addr().String()
	cfg := &ssh2.ClientConfig{User: "guest", HostKeyCallback: db.HostKeyCallback()}
	// Ask for host certificates first, since a CA is known for the host.
	cfg.HostKeyAlgorithms = db.PreferredHostKeyAlgorithms(knownhosts.Normalize(addr))
	client, err := ssh2.Dial(context.Background(), "tcp", addr, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	if c, ok := client.HostKey().(*keys.Certificate); ok {
		fmt.Printf("host certificate %q\n", c.KeyID)
	}
	// Output: host certificate "web-1"
}

// A client logging in with the key and certificate files ssh-keygen
// writes (id_ed25519 and id_ed25519-cert.pub), checking the server
// against ~/.ssh/known_hosts, @cert-authority lines included.
func ExamplePublicKeys_certificate() {
	home, _ := os.UserHomeDir()
	pem, err := os.ReadFile(home + "/.ssh/id_ed25519")
	if err != nil {
		log.Fatal(err)
	}
	key, err := keys.ParsePrivateKey(pem)
	if err != nil {
		log.Fatal(err)
	}
	certLine, err := os.ReadFile(home + "/.ssh/id_ed25519-cert.pub")
	if err != nil {
		log.Fatal(err)
	}
	pub, _, _, _, err := keys.ParseAuthorizedKey(certLine)
	if err != nil {
		log.Fatal(err)
	}
	cert, ok := pub.(*keys.Certificate)
	if !ok {
		log.Fatal("not a certificate")
	}
	certSigner, err := keys.NewCertSigner(cert, key)
	if err != nil {
		log.Fatal(err) // the certificate is for another key
	}

	db, err := knownhosts.Load(home + "/.ssh/known_hosts")
	if err != nil {
		log.Fatal(err)
	}
	addr := "server.example.com:22"
	cfg := &ssh2.ClientConfig{
		User: "alice",
		// The certificate first, then the plain key.
		Auth:            []ssh2.AuthMethod{ssh2.PublicKeys(certSigner, key)},
		HostKeyCallback: db.HostKeyCallback(),
	}
	cfg.HostKeyAlgorithms = db.PreferredHostKeyAlgorithms(knownhosts.Normalize(addr))
	client, err := ssh2.Dial(context.Background(), "tcp", addr, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
}

// A server trusting the CA keys of a TrustedUserCAKeys-style file for
// certificates and an authorized_keys file for plain keys, allowing the
// principals of an AuthorizedPrincipalsFile-style map, and logging why a
// certificate was refused.
func ExampleUserCertAuthority_files() {
	var cas []ssh2.PublicKey
	rest, err := os.ReadFile("/etc/ssh/trusted_user_ca_keys")
	if err != nil {
		log.Fatal(err)
	}
	for len(rest) > 0 {
		var k ssh2.PublicKey
		k, _, _, rest, err = keys.ParseAuthorizedKey(rest)
		if err != nil {
			break // no more keys
		}
		cas = append(cas, k)
	}
	authorized := map[string]bool{} // fingerprints from authorized_keys
	principals := map[string][]string{"deploy": {"ci-runner", "release-bot"}}

	trust := &ssh2.UserCertAuthority{
		Authorities: cas,
		Principals: func(_ context.Context, user string) ([]string, error) {
			if p, ok := principals[user]; ok {
				return p, nil
			}
			return []string{user}, nil
		},
		Fallback: func(_ context.Context, r *ssh2.PublicKeyRequest) ssh2.Decision {
			if authorized[keys.FingerprintSHA256(r.Key)] {
				return ssh2.Accept()
			}
			return ssh2.Reject()
		},
		OnRefused: func(ctx context.Context, r *ssh2.PublicKeyRequest, err error) {
			if ci, ok := ssh2.ConnInfoFromContext(ctx); ok {
				log.Printf("certificate for %s from %s refused: %v", r.User, ci.RemoteAddr, err)
			}
		},
	}
	cfg := &ssh2.ServerConfig{PublicKeyCallback: trust.PublicKeyCallback()}
	_ = cfg
}
