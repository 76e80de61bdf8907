package auth

import (
	"context"
	"slices"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// certSigner certifies s with a throwaway CA and returns the certificate
// signer.
func certSigner(t *testing.T, s keys.Signer) keys.Signer {
	t.Helper()
	testKeys(t)
	cert := &keys.Certificate{Key: s.PublicKey(), CertType: keys.UserCert, KeyID: "test",
		ValidPrincipals: []string{"u"}, ValidBefore: keys.CertTimeInfinity}
	if err := keys.SignCertificate(ed2Signer, cert); err != nil {
		t.Fatal(err)
	}
	cs, err := keys.NewCertSigner(cert, s)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestCertificateAlgorithmNames(t *testing.T) {
	cases := []struct {
		alg, keyType string
		fits         bool
		sig          string
	}{
		{"ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519-cert-v01@openssh.com", true, "ssh-ed25519"},
		{"rsa-sha2-512-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com", true, "rsa-sha2-512"},
		{"rsa-sha2-256-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com", true, "rsa-sha2-256"},
		{"ssh-rsa-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com", true, "ssh-rsa"},
		{"rsa-sha2-512", "ssh-rsa-cert-v01@openssh.com", false, "rsa-sha2-512"},
		{"ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com", false, "ssh-ed25519"},
		{"ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", false, "ssh-ed25519"},
		{"rsa-sha2-512-cert-v01@openssh.com", "ssh-ed25519-cert-v01@openssh.com", false, "rsa-sha2-512"},
		{"ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com", false, "ecdsa-sha2-nistp256"},
		{"rsa-sha2-512", "ssh-rsa", true, "rsa-sha2-512"},
	}
	for _, c := range cases {
		if got := algorithmFitsKey(c.alg, c.keyType); got != c.fits {
			t.Errorf("algorithmFitsKey(%s, %s) = %v", c.alg, c.keyType, got)
		}
		if got := signatureAlgorithm(c.alg); got != c.sig {
			t.Errorf("signatureAlgorithm(%s) = %s, want %s", c.alg, got, c.sig)
		}
	}
	if !algorithmAllowed(DefaultPublicKeyAlgorithms, "rsa-sha2-512-cert-v01@openssh.com") ||
		algorithmAllowed(DefaultPublicKeyAlgorithms, "ssh-rsa-cert-v01@openssh.com") ||
		algorithmAllowed([]string{"ssh-ed25519"}, "ecdsa-sha2-nistp256-cert-v01@openssh.com") {
		t.Error("algorithmAllowed does not follow the plain algorithm")
	}
}

// TestCertificateAuth: a certificate signer authenticates under the
// certificate algorithm with the certificate blob, the signature inside is
// the plain one, and the application sees the *keys.Certificate.
func TestCertificateAuth(t *testing.T) {
	testKeys(t)
	cases := []struct {
		s          keys.Signer
		serverAlgs []string
		want       string
	}{
		{edSigner, nil, "ssh-ed25519-cert-v01@openssh.com"},
		{ecSigner, nil, "ecdsa-sha2-nistp256-cert-v01@openssh.com"},
		{rsaSigner, []string{"ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"}, "rsa-sha2-512-cert-v01@openssh.com"},
		{rsaSigner, []string{"rsa-sha2-256"}, "rsa-sha2-256-cert-v01@openssh.com"},
		// A server announcing certificate names works as well.
		{rsaSigner, []string{"rsa-sha2-256-cert-v01@openssh.com"}, "rsa-sha2-256-cert-v01@openssh.com"},
	}
	for _, c := range cases {
		cs := certSigner(t, c.s)
		rec := &keyRecorder{allow: []keys.PublicKey{cs.PublicKey()}}
		ccfg := &ClientConfig{User: "u", Methods: []Method{PublicKeys(cs)}}
		if c.serverAlgs != nil {
			ccfg.ServerSigAlgs = func() ([]string, bool) { return c.serverAlgs, true }
		}
		cerr, res, serr := runPair(t, ccfg, &ServerConfig{PublicKeyCallback: rec.callback})
		if cerr != nil || serr != nil {
			t.Fatalf("%s: client %v, server %v", c.want, cerr, serr)
		}
		if res.Steps[0].Algorithm != c.want || !keys.Equal(res.PublicKey, cs.PublicKey()) {
			t.Fatalf("%s: result %+v", c.want, res)
		}
		if _, ok := res.PublicKey.(*keys.Certificate); !ok {
			t.Fatalf("%s: result key is %T", c.want, res.PublicKey)
		}
		if got, want := rec.summary(), []string{call(c.want, "query", cs), call(c.want, "signed", cs)}; !slices.Equal(got, want) {
			t.Fatalf("calls %v, want %v", got, want)
		}
	}
}

// TestCertificateRequestChecks: the server refuses certificate requests
// whose algorithm does not fit the blob, whose signature is named after
// the certificate algorithm or made by another key, and never asks the
// application about them as Verified.
func TestCertificateRequestChecks(t *testing.T) {
	testKeys(t)
	cs := certSigner(t, edSigner)
	rsaCS := certSigner(t, rsaSigner)
	rec := &keyRecorder{allow: []keys.PublicKey{cs.PublicKey(), rsaCS.PublicKey()}}
	h := startServer(t, context.Background(), &ServerConfig{PublicKeyCallback: rec.callback, MaxAuthTries: 100})
	h.begin()
	sid := h.c.sid
	blob, rsaBlob := cs.PublicKey().Marshal(), rsaCS.PublicKey().Marshal()
	const certAlg = "ssh-ed25519-cert-v01@openssh.com"
	bad := [][]byte{
		// Plain algorithm name with a certificate blob, and the reverse.
		pkBody(t, "u", cs, "ssh-ed25519", blob, true, sid),
		pkBody(t, "u", cs, certAlg, edSigner.PublicKey().Marshal(), true, sid),
		// SHA-1 RSA certificate: not in the default list.
		pkBody(t, "u", rsaCS, "ssh-rsa-cert-v01@openssh.com", rsaBlob, true, sid),
		// RSA certificate request for SHA-512 signed with SHA-256.
		func() []byte {
			b := wire.PublicKeyBody{Signed: true, Algorithm: "rsa-sha2-512-cert-v01@openssh.com", PublicKey: rsaBlob}
			b.Signature, _ = rsaSigner.Sign(nil, "rsa-sha2-256", wire.PublicKeySignedData(sid, "u", "ssh-connection", b.Algorithm, rsaBlob))
			return b.Append(nil)
		}(),
		// Certificate for edSigner, signature by another key.
		func() []byte {
			b := wire.PublicKeyBody{Signed: true, Algorithm: certAlg, PublicKey: blob}
			b.Signature, _ = ed2Signer.Sign(nil, "ssh-ed25519", wire.PublicKeySignedData(sid, "u", "ssh-connection", certAlg, blob))
			return b.Append(nil)
		}(),
		// Signature over the plain algorithm name instead of the one
		// in the request.
		func() []byte {
			b := wire.PublicKeyBody{Signed: true, Algorithm: certAlg, PublicKey: blob}
			b.Signature, _ = edSigner.Sign(nil, "ssh-ed25519", wire.PublicKeySignedData(sid, "u", "ssh-connection", "ssh-ed25519", blob))
			return b.Append(nil)
		}(),
	}
	for i, b := range bad {
		h.c.mustWrite(t, userauthRequest("u", "publickey", b))
		if f := h.expectFailure(); f.PartialSuccess {
			t.Fatalf("case %d: partial success", i)
		}
	}
	rec.mu.Lock()
	if len(rec.calls) != 0 {
		t.Errorf("application asked about refused requests: %v", rec.summary())
	}
	rec.mu.Unlock()
	// The proper request gets in.
	h.c.mustWrite(t, userauthRequest("u", "publickey", pkBody(t, "u", cs, certAlg, blob, true, sid)))
	if err := wire.UnmarshalUserAuthSuccess(h.c.mustRead(t)); err != nil {
		t.Fatal(err)
	}
	res, err := h.wait()
	if err != nil || res.Steps[0].Algorithm != certAlg || !keys.Equal(res.PublicKey, cs.PublicKey()) {
		t.Fatalf("%v %+v", err, res)
	}
}

func TestPermissionsHelpers(t *testing.T) {
	var nilP *Permissions
	if _, ok := nilP.ForceCommand(); ok || nilP.HasExtension("permit-pty") {
		t.Fatal("nil permissions grant something")
	}
	p := &Permissions{CriticalOptions: map[string]string{"force-command": "uptime"}, Extensions: map[string]string{"permit-pty": ""}}
	if c, ok := p.ForceCommand(); !ok || c != "uptime" || !p.HasExtension("permit-pty") || p.HasExtension("permit-X11-forwarding") {
		t.Fatalf("ForceCommand %q %v", c, ok)
	}
}
