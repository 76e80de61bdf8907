package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ssh2go/ssh2/internal/wildcard"
	"github.com/ssh2go/ssh2/keys"
)

// sshsig implements -Y sign and -Y verify.
func (c *cmd) sshsig() error {
	ns, ok := c.opts['n']
	switch c.opts['Y'] {
	case "sign":
		if !ok || ns == "" {
			return fatalf("Too few arguments for sign: missing namespace")
		}
		return c.sshsigSign(ns)
	case "verify":
		if !ok || ns == "" {
			return fatalf("Too few arguments for verify: missing namespace")
		}
		return c.sshsigVerify(ns)
	}
	return fatalf("Unsupported operation for -Y: \"%s\"", c.opts['Y'])
}

func (c *cmd) hashAlg() (string, error) {
	h := ""
	for _, o := range c.multi['O'] {
		if v, ok := strings.CutPrefix(o, "hashalg="); ok {
			h = v
		}
	}
	if h != "" && h != "sha256" && h != "sha512" {
		return "", fatalf("Invalid hash algorithm \"%s\"", h)
	}
	return h, nil
}

func (c *cmd) sshsigSign(ns string) error {
	kp, ok := c.opts['f']
	if !ok {
		return fatalf("Too few arguments for sign: missing key")
	}
	h, err := c.hashAlg()
	if err != nil {
		return err
	}
	s, _, err := c.loadSigner(kp, 'P', "Enter passphrase: ")
	if err != nil {
		return err
	}
	if len(c.args) == 0 || (len(c.args) == 1 && c.args[0] == "-") {
		sig, err := keys.SignSSHSIG(s, ns, h, c.stdin)
		if err != nil {
			return fatalf("Signing failed: %v", err)
		}
		_, err = c.stdout.Write(sig)
		return err
	}
	for _, p := range c.args {
		f, err := os.Open(p)
		if err != nil {
			return fatalf("Cannot open %s for signing: %v", p, unwrapPathError(err))
		}
		sig, err := keys.SignSSHSIG(s, ns, h, f)
		f.Close()
		if err != nil {
			return fatalf("Signing %s failed: %v", p, err)
		}
		out := p + ".sig"
		if !c.confirmOverwrite(out) {
			return &fatalError{code: exitFailure}
		}
		if err := writeFile(out, sig, 0o644); err != nil {
			return err
		}
		if !c.flags['q'] {
			fmt.Fprintf(c.stderr, "Signing file %s\nWrite signature to %s\n", p, out)
		}
	}
	return nil
}

func (c *cmd) sshsigVerify(ns string) error {
	signers, ok1 := c.opts['f']
	identity, ok2 := c.opts['I']
	sigPath, ok3 := c.opts['s']
	if !ok1 || !ok2 || !ok3 {
		return fatalf("Too few arguments for verify: missing signature file, allowed signers or identity")
	}
	armored, err := readKeyFile(sigPath)
	if err != nil {
		return err
	}
	pub, err := keys.VerifySSHSIG(armored, ns, c.stdin)
	if err != nil {
		return c.verifyFailed(err)
	}
	data, err := readKeyFile(signers)
	if err != nil {
		return err
	}
	if err := allowedSignerMatch(data, identity, ns, pub, timeNow()); err != nil {
		return c.verifyFailed(err)
	}
	shown := pub
	if cert, ok := pub.(*keys.Certificate); ok {
		shown = cert.Key
	}
	fmt.Fprintf(c.stdout, "Good %q signature for %s with %s key %s\n", ns, identity, keys.KeyTypeLabel(shown), keys.FingerprintSHA256(shown))
	return nil
}

// verifyFailed reports a failed verification as ssh-keygen does: the
// verdict on standard output, the reason on standard error, status 255.
func (c *cmd) verifyFailed(reason error) error {
	fmt.Fprintln(c.stdout, "Could not verify signature.")
	return fatalf("Signature verification failed: %v", reason)
}

var errNoSigner = errors.New("no matching principal or key in allowed signers file")

// allowedSignerMatch checks pub against an allowed_signers file
// (ssh-keygen(1) ALLOWED SIGNERS): a line whose principal patterns match
// identity, whose namespaces option (if any) matches ns, whose validity
// options cover now, and whose key is pub, or with cert-authority the CA
// of the certificate pub that names identity.
func allowedSignerMatch(data []byte, identity, ns string, pub keys.PublicKey, now time.Time) error {
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		principals, rest := splitPrincipals(line)
		if !matchPatternList(identity, principals) {
			continue
		}
		key, _, options, _, err := keys.ParseAuthorizedKey([]byte(rest))
		if err != nil {
			continue
		}
		certAuthority, okOpts := false, true
		for _, o := range options {
			name, val, err := keys.ParseOption(o)
			if err != nil {
				okOpts = false
				break
			}
			switch strings.ToLower(name) {
			case "cert-authority":
				certAuthority = true
			case "namespaces":
				okOpts = okOpts && matchPatternList(ns, val)
			case "valid-after":
				t, ok := parseTimeSpec(val, now.Unix())
				okOpts = okOpts && ok && uint64(now.Unix()) >= t
			case "valid-before":
				t, ok := parseTimeSpec(val, now.Unix())
				okOpts = okOpts && ok && uint64(now.Unix()) < t
			default:
				okOpts = false
			}
		}
		if !okOpts {
			continue
		}
		cert, isCert := pub.(*keys.Certificate)
		switch {
		case certAuthority && isCert:
			if keys.Equal(cert.SignatureKey, key) && cert.CertType == keys.UserCert &&
				cert.VerifySignature() == nil && cert.CheckValidity(now) == nil && cert.CheckPrincipal(identity) == nil {
				return nil
			}
		case !certAuthority && !isCert:
			if keys.Equal(key, pub) {
				return nil
			}
		}
	}
	return errNoSigner
}

// splitPrincipals splits the leading principals field (possibly quoted)
// from an allowed_signers line.
func splitPrincipals(line string) (principals, rest string) {
	if strings.HasPrefix(line, `"`) {
		if end := strings.IndexByte(line[1:], '"'); end >= 0 {
			return line[1 : end+1], strings.TrimSpace(line[end+2:])
		}
		return "", ""
	}
	i := strings.IndexAny(line, " \t")
	if i < 0 {
		return "", ""
	}
	return line[:i], strings.TrimSpace(line[i:])
}

// matchPatternList matches s against a comma-separated list of patterns
// with '*' and '?' wildcards; a matching "!pattern" vetoes the match.
func matchPatternList(s, list string) bool {
	matched := false
	for _, p := range strings.Split(list, ",") {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if wildcard.Match(p, s) {
			if neg {
				return false
			}
			matched = true
		}
	}
	return matched
}
