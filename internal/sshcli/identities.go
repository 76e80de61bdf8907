package sshcli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"

	"github.com/ssh2go/ssh2/agent"
	"github.com/ssh2go/ssh2/keys"
)

// fileIdentity is an identity file whose public key is known, and
// whose private key is read (and decrypted) only when needed.
type fileIdentity struct {
	path   string
	pub    keys.PublicKey
	signer keys.Signer // nil until loaded
}

// identities returns the keys to offer, in ssh's order: the agent's keys
// (with IdentitiesOnly, only those an identity or certificate file
// names), then the identity files the agent does not hold, then the
// certificates (each identity file's NAME-cert.pub, then the
// CertificateFile ones), each signed by the agent or the file holding its
// key. A key file that is encrypted is decrypted only when the server has
// accepted its public key, so an agent-held or refused key never asks for
// a passphrase.
func (a *authenticator) identities() ([]keys.Signer, error) {
	files := a.identityFiles()
	var certs []*keys.Certificate
	for _, f := range files {
		if c := a.readCertificate(f.path + "-cert.pub"); c != nil {
			certs = append(certs, c)
		}
	}
	certs = append(certs, a.certificateFiles()...)

	var out []keys.Signer
	bases := a.agentSigners() // then the files: every key that may sign for a certificate
	inAgent := make([]bool, len(files))
	for _, s := range bases {
		named := false
		for i, f := range files {
			if keys.Equal(f.pub, s.PublicKey()) {
				inAgent[i], named = true, true
			}
		}
		for _, c := range certs {
			named = named || keys.Equal(c.Key, s.PublicKey()) || keys.Equal(c, s.PublicKey())
		}
		if !a.o.IdentitiesOnly || named {
			out = append(out, s)
		}
	}
	for i, f := range files {
		if !inAgent[i] {
			s := &lazySigner{a: a, id: f}
			out = append(out, s)
			bases = append(bases, s)
		}
	}
	seen := map[string]bool{} // certificates the agent already offers
	for _, s := range out {
		seen[string(s.PublicKey().Marshal())] = true
	}
	for _, c := range certs {
		blob := string(c.Marshal())
		if seen[blob] {
			continue
		}
		seen[blob] = true
		base := signerFor(bases, c.Key)
		if base == nil {
			a.log.Debug("no private key for certificate", "key", keys.FingerprintSHA256(c.Key))
			continue
		}
		if cs, err := keys.NewCertSigner(c, base); err == nil {
			out = append(out, cs)
		}
	}
	return out, nil
}

// signerFor returns the signer in list whose public key is pub, or nil.
func signerFor(list []keys.Signer, pub keys.PublicKey) keys.Signer {
	for _, s := range list {
		if keys.Equal(s.PublicKey(), pub) {
			return s
		}
	}
	return nil
}

// agentSigners connects to the agent, when one is configured, and
// returns its keys. An unreachable agent is reported in the debug log
// and skipped, as ssh does.
func (a *authenticator) agentSigners() []keys.Signer {
	if a.o.IdentityAgent == "" {
		return nil
	}
	c, err := agent.DialAddr(context.Background(), a.o.IdentityAgent)
	if err != nil {
		a.log.Debug("agent not reachable", "socket", a.o.IdentityAgent, "err", err)
		return nil
	}
	signers, err := c.Signers()
	if err != nil {
		c.Close()
		a.log.Debug("agent did not list its keys", "err", err)
		return nil
	}
	a.agent = c
	for _, s := range signers {
		a.log.Debug("will attempt agent key", "type", s.PublicKey().Type(), "fingerprint", keys.FingerprintSHA256(s.PublicKey()))
	}
	return signers
}

// identityFiles reads the public half of each identity file: from the
// file itself when it is unencrypted or carries its public key in clear,
// else from NAME.pub. Files that do not exist are skipped (with a
// warning when named explicitly).
func (a *authenticator) identityFiles() []*fileIdentity {
	var out []*fileIdentity
	for _, path := range a.o.Identities {
		data, err := readKeyFile(path)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) || a.o.ExplicitIdentities {
				a.warn("Warning: Identity file %s not accessible: %v.", path, unwrapPathError(err))
			}
			continue
		}
		id := &fileIdentity{path: path}
		s, err := keys.ParsePrivateKey(data)
		var pme *keys.PassphraseMissingError
		switch {
		case err == nil:
			id.signer, id.pub = s, s.PublicKey()
		case errors.As(err, &pme):
			id.pub = pme.PublicKey
			if id.pub == nil {
				id.pub = readPublicKeyFile(path + ".pub")
			}
			if id.pub == nil {
				// Nothing tells the key apart before decrypting it.
				if id.signer, err = a.decrypt(path, data); err == nil {
					id.pub = id.signer.PublicKey()
				}
			}
		}
		if id.pub == nil {
			a.log.Debug("skipping identity", "file", path, "err", err)
			continue
		}
		a.log.Debug("will attempt key", "file", path, "type", id.pub.Type(), "fingerprint", keys.FingerprintSHA256(id.pub))
		out = append(out, id)
	}
	return out
}

// certificateFiles reads the CertificateFile certificates.
func (a *authenticator) certificateFiles() []*keys.Certificate {
	var out []*keys.Certificate
	for _, path := range a.o.CertificateFiles {
		if c := a.readCertificate(path); c != nil {
			out = append(out, c)
		} else {
			a.warn("Warning: Certificate file %s not usable.", path)
		}
	}
	return out
}

// readCertificate reads a user certificate in public key line form; nil
// when the file is missing or holds anything else.
func (a *authenticator) readCertificate(path string) *keys.Certificate {
	pub := readPublicKeyFile(path)
	c, ok := pub.(*keys.Certificate)
	if !ok || c.CertType != keys.UserCert {
		return nil
	}
	a.log.Debug("will attempt certificate", "file", path, "type", c.Type(), "id", c.KeyID, "serial", c.Serial)
	return c
}

// readPublicKeyFile reads a public key line (OpenSSH form); nil when the
// file is missing or malformed.
func readPublicKeyFile(path string) keys.PublicKey {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, keys.MaxPrivateKeyFileLen))
	if err != nil {
		return nil
	}
	pub, _, _, _, err := keys.ParseAuthorizedKey(data)
	if err != nil {
		return nil
	}
	return pub
}

// lazySigner signs with an identity file, reading and decrypting it on
// the first signature: only after the server has accepted the public key.
type lazySigner struct {
	a    *authenticator
	id   *fileIdentity
	once sync.Once
	err  error
}

func (s *lazySigner) PublicKey() keys.PublicKey { return s.id.pub }

// Algorithms are those of the key type; for RSA the SHA-2 ones first.
func (s *lazySigner) Algorithms() []string {
	if s.id.signer != nil {
		return s.id.signer.Algorithms()
	}
	if s.id.pub.Type() == keys.TypeRSA {
		return []string{keys.SigRSASHA512, keys.SigRSASHA256, keys.SigRSASHA1}
	}
	return []string{s.id.pub.Type()}
}

func (s *lazySigner) Sign(rand io.Reader, algorithm string, data []byte) ([]byte, error) {
	s.once.Do(func() {
		if s.id.signer != nil {
			return
		}
		var raw []byte
		if raw, s.err = readKeyFile(s.id.path); s.err != nil {
			return
		}
		var signer keys.Signer
		if signer, s.err = s.a.decrypt(s.id.path, raw); s.err != nil {
			return
		}
		if !keys.Equal(signer.PublicKey(), s.id.pub) {
			s.err = fmt.Errorf("%s does not hold the key of its public key file", s.id.path)
			return
		}
		s.id.signer = signer
	})
	if s.err != nil {
		return nil, s.err
	}
	return s.id.signer.Sign(rand, algorithm, data)
}
