package sshd

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/keys"
)

// ReadPublicKeys reads a file of public keys in authorized_keys form, one
// per line, as sshd reads TrustedUserCAKeys. Blank lines and comments
// are skipped; a line that does not parse is an error naming it.
func ReadPublicKeys(path string) ([]keys.PublicKey, error) {
	data, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	var out []keys.PublicKey
	rest := data
	for line := 1; len(rest) > 0; line++ {
		pub, _, _, next, err := keys.ParseAuthorizedKey(rest)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: key %d: %w", path, line, err)
		}
		rest = next
		out = append(out, pub)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no keys", path)
	}
	return out, nil
}

// AttachHostCertificate reads an OpenSSH host certificate (as
// HostCertificate names it) and replaces the host key it certifies, in
// hostKeys, by a signer presenting the certificate; that signer still
// makes the plain key's signatures for clients that want those.
func AttachHostCertificate(path string, hostKeys []keys.Signer) error {
	pubs, err := ReadPublicKeys(path)
	if err != nil {
		return fmt.Errorf("host certificate: %w", err)
	}
	cert, ok := pubs[0].(*keys.Certificate)
	if !ok || cert.CertType != keys.HostCert {
		return fmt.Errorf("host certificate %s: not an OpenSSH host certificate", path)
	}
	for i, s := range hostKeys {
		if keys.Equal(s.PublicKey(), cert.Key) {
			hostKeys[i], err = keys.NewCertSigner(cert, s)
			return err
		}
	}
	return fmt.Errorf("host certificate %s: no host key matches it", path)
}

// userCertCallback accepts user certificates signed by cas for the
// server's own user, as TrustedUserCAKeys does, and passes plain keys to
// fallback (nil refuses them). A certificate without the permit-pty
// extension gets no PTY, as in sshd.
func (a *Authenticator) userCertCallback(cas []keys.PublicKey, fallback func(context.Context, *ssh2.PublicKeyRequest) ssh2.Decision) func(context.Context, *ssh2.PublicKeyRequest) ssh2.Decision {
	uca := &ssh2.UserCertAuthority{
		Authorities: cas,
		Principals: func(_ context.Context, user string) ([]string, error) {
			if user != a.User {
				return nil, fmt.Errorf("only %s may log in", a.User)
			}
			return []string{user}, nil
		},
	}
	return func(ctx context.Context, r *ssh2.PublicKeyRequest) ssh2.Decision {
		cert, isCert := r.Key.(*keys.Certificate)
		if !isCert {
			if fallback == nil {
				return ssh2.Reject()
			}
			return fallback(ctx, r)
		}
		p, err := uca.Check(ctx, r)
		if err != nil {
			// Logged at the query already: a refused certificate is never signed with.
			a.log(ctx, "certificate rejected", "user", r.User, "error", err)
			return ssh2.Reject()
		}
		if !r.Verified {
			return ssh2.Accept() // only answers the query (PK_OK)
		}
		if !p.HasExtension("permit-pty") {
			if p.Extensions == nil {
				p.Extensions = map[string]string{}
			}
			p.Extensions[ExtNoPTY] = ""
		}
		a.log(ctx, "accepted certificate", "user", r.User, "id", cert.KeyID, "serial", cert.Serial,
			"ca", keys.FingerprintSHA256(cert.SignatureKey))
		return ssh2.AcceptWith(p)
	}
}
