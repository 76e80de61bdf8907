package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ssh2go/ssh2/keys"
)

// authorizedKeysOptions are the option names of authorized_keys lines;
// a line whose leading field holds anything else is a known_hosts line.
var authorizedKeysOptions = map[string]bool{
	"agent-forwarding": true, "cert-authority": true, "command": true, "environment": true,
	"expiry-time": true, "from": true, "no-agent-forwarding": true, "no-port-forwarding": true,
	"no-pty": true, "no-user-rc": true, "no-x11-forwarding": true, "permitlisten": true,
	"permitopen": true, "port-forwarding": true, "principals": true, "pty": true,
	"no-touch-required": true, "verify-required": true, "restrict": true, "tunnel": true,
	"user-rc": true, "x11-forwarding": true,
}

// fingerprint implements -l.
func (c *cmd) fingerprint() error {
	hashAlg := "SHA256"
	if e, ok := c.opts['E']; ok {
		switch strings.ToLower(e) {
		case "sha256":
		case "md5":
			hashAlg = "MD5"
		default:
			return fatalf("Invalid hash algorithm \"%s\"", e)
		}
	}
	path, err := c.identityFile("Enter file in which the key is")
	if err != nil {
		return err
	}
	data, err := readKeyFile(path)
	if err != nil {
		return err
	}
	if isPrivateFile(data) {
		pub, comment, err := c.privateFingerprintKey(path, data)
		if err != nil {
			return err
		}
		c.printFingerprint(pub, comment, hashAlg)
		return nil
	}
	if bytes.Contains(data, []byte("---- BEGIN SSH2")) || bytes.Contains(data, []byte("-----BEGIN")) {
		pub, comment, ok := parsePublicAny(data)
		if !ok {
			return fatalf("%s is not a public key file.", path)
		}
		c.printFingerprint(pub, orNoComment(comment), hashAlg)
		return nil
	}
	found := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimLeft(strings.TrimRight(line, "\r"), " \t")
		if line == "" || line[0] == '#' {
			continue
		}
		pub, comment, ok := parseKeyLine(line)
		if !ok {
			continue
		}
		found = true
		c.printFingerprint(pub, orNoComment(comment), hashAlg)
	}
	if !found {
		return fatalf("%s is not a public key file.", path)
	}
	return nil
}

func orNoComment(s string) string {
	if s == "" {
		return "no comment"
	}
	return s
}

// parseKeyLine parses an authorized_keys, .pub or known_hosts line. For
// known_hosts lines the comment is the host list, as ssh-keygen prints.
func parseKeyLine(line string) (keys.PublicKey, string, bool) {
	pub, comment, options, _, err := keys.ParseAuthorizedKey([]byte(line))
	if err == nil {
		known := true
		for _, o := range options {
			name, _, oerr := keys.ParseOption(o)
			if oerr != nil || !authorizedKeysOptions[strings.ToLower(name)] {
				known = false
			}
		}
		if known {
			// ssh-keygen prints the comment with its trailing blanks.
			if comment != "" {
				if i := strings.LastIndex(line, comment); i >= 0 {
					comment = line[i:]
				}
			}
			return pub, comment, true
		}
	}
	// known_hosts: [@marker] hosts key [comment]
	rest := line
	if strings.HasPrefix(rest, "@") {
		_, rest = cutField(rest)
	}
	hosts, rest := cutField(rest)
	if hosts == "" {
		return nil, "", false
	}
	pub, comment, _, _, err = keys.ParseAuthorizedKey([]byte(rest))
	if err != nil {
		return nil, "", false
	}
	if comment == "" {
		// Without a trailing comment ssh-keygen shows the host list.
		return pub, hosts, true
	}
	if i := strings.LastIndex(rest, comment); i >= 0 {
		comment = rest[i:]
	}
	return pub, comment, true
}

// cutField splits the first blank-separated field from s.
func cutField(s string) (field, rest string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}

// privateFingerprintKey finds the public key of a private key file as
// ssh-keygen -l does: from FILE.pub when present (its comment, or the
// .pub file name when it has none), else from the private key. Encrypted
// PEM and PKCS #8 files hold no public key in clear; as an extension,
// -P decrypts them (ssh-keygen ignores -P with -l and refuses them).
func (c *cmd) privateFingerprintKey(path string, data []byte) (keys.PublicKey, string, error) {
	if pd, err := os.ReadFile(path + ".pub"); err == nil {
		if pub, comment, _, _, err := keys.ParseAuthorizedKey(pd); err == nil {
			if comment == "" {
				comment = path + ".pub"
			}
			return pub, comment, nil
		}
	}
	s, err := keys.ParsePrivateKey(data)
	var pm *keys.PassphraseMissingError
	if pass, ok := c.opts['P']; ok && errors.As(err, &pm) && pm.PublicKey == nil {
		s, err = keys.ParsePrivateKeyWithPassphrase(data, []byte(pass))
		if errors.Is(err, keys.ErrIncorrectPassphrase) {
			return nil, "", fatalf("Load key %q: incorrect passphrase supplied to decrypt private key", path)
		}
	}
	switch {
	case err == nil && keepsComment(data):
		return s.PublicKey(), commentOf(s), nil
	case err == nil:
		return s.PublicKey(), "no comment", nil
	case errors.As(err, &pm) && pm.PublicKey != nil:
		return pm.PublicKey, "no comment", nil
	}
	return nil, "", fatalf("%s is not a key file.", path)
}

// keepsComment reports whether a private key file's format stores a
// comment (OpenSSH and PuTTY do; PEM and PKCS #8 do not, and ssh-keygen
// -l shows "no comment" for them).
func keepsComment(data []byte) bool {
	first, _, _ := bytes.Cut(bytes.TrimLeft(data, " \t\r\n"), []byte("\n"))
	return bytes.Contains(first, []byte("OPENSSH PRIVATE KEY")) || bytes.HasPrefix(first, []byte("PuTTY-User-Key-File-"))
}

func (c *cmd) printFingerprint(pub keys.PublicKey, comment, hashAlg string) {
	fp := keys.FingerprintSHA256(pub)
	if hashAlg == "MD5" {
		fp = keys.FingerprintMD5(pub)
	}
	fmt.Fprintf(c.stdout, "%d %s %s (%s)\n", keys.KeyBits(pub), fp, comment, keys.KeyTypeLabel(pub))
	if c.flags['v'] {
		fmt.Fprintln(c.stdout, keys.Randomart(pub, hashAlg))
	}
}

// printPublic implements -y.
func (c *cmd) printPublic() error {
	path, err := c.identityFile("Enter file in which the key is")
	if err != nil {
		return err
	}
	data, err := readKeyFile(path)
	if err != nil {
		return err
	}
	if !isPrivateFile(data) {
		if pub, comment, ok := parsePublicAny(data); ok {
			c.printPublicLine(pub, comment)
			return nil
		}
	}
	s, _, err := c.loadSigner(path, 'P', "Enter passphrase: ")
	if err != nil {
		return err
	}
	c.printPublicLine(s.PublicKey(), commentOf(s))
	return nil
}

func (c *cmd) printPublicLine(pub keys.PublicKey, comment string) {
	line := strings.TrimSuffix(string(keys.MarshalAuthorizedKey(pub)), "\n")
	if comment != "" {
		line += " " + comment
	}
	fmt.Fprintln(c.stdout, line)
}
