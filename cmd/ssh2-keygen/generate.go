package main

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ssh2go/ssh2/keys"
)

// generate implements key generation (no mode flag).
func (c *cmd) generate() error {
	t := c.opts['t']
	if t == "" {
		t = "ed25519"
	}
	bits := 0
	if b, ok := c.opts['b']; ok {
		n, err := strconv.Atoi(b)
		if err != nil || n <= 0 {
			return fatalf("Bits has bad value %s (invalid)", b)
		}
		bits = n
	}
	var keyType string
	switch strings.ToLower(t) {
	case "ed25519":
		keyType, bits = "ed25519", 0
	case "ecdsa":
		keyType = "ecdsa"
	case "rsa":
		keyType = "rsa"
	default:
		return fatalf("unknown key type %s", t)
	}
	rounds, err := c.rounds()
	if err != nil {
		return err
	}
	quiet := c.flags['q']
	if !quiet {
		fmt.Fprintf(c.stdout, "Generating public/private %s key pair.\n", keyType)
	}
	path, err := c.identityFile("Enter file in which to save the key")
	if err != nil {
		return err
	}
	if !c.confirmOverwrite(path) {
		return &fatalError{code: 1}
	}
	s, err := keys.Generate(keyType, bits, nil)
	if err != nil {
		return fatalf("%v", err)
	}
	pass, ok := c.opts['N']
	if !ok {
		p, err := c.newPassphrase()
		if err != nil {
			return err
		}
		pass = p
	}
	comment, ok := c.opts['C']
	if !ok {
		comment = defaultComment()
	}
	priv, err := keys.MarshalPrivateKeyRounds(s, comment, []byte(pass), rounds)
	if err != nil {
		return fatalf("%v", err)
	}
	if err := writeFile(path, priv, 0o600); err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(c.stdout, "Your identification has been saved in %s\n", path)
	}
	pubLine := strings.TrimSuffix(string(keys.MarshalAuthorizedKey(s.PublicKey())), "\n") + " " + comment + "\n"
	if err := writeFile(path+".pub", []byte(pubLine), 0o644); err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(c.stdout, "Your public key has been saved in %s.pub\n", path)
		fmt.Fprintf(c.stdout, "The key fingerprint is:\n%s %s\n", keys.FingerprintSHA256(s.PublicKey()), comment)
		fmt.Fprintf(c.stdout, "The key's randomart image is:\n%s\n", keys.Randomart(s.PublicKey(), "SHA256"))
	}
	return nil
}

// rounds returns -a, or 0 for the default.
func (c *cmd) rounds() (int, error) {
	a, ok := c.opts['a']
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(a)
	if err != nil || n < 1 || n > 1<<20 {
		return 0, fatalf("Invalid number: %s", a)
	}
	return n, nil
}

// newPassphrase asks for a new passphrase twice.
func (c *cmd) newPassphrase() (string, error) {
	for {
		p1, err := c.askPassphrase("Enter passphrase (empty for no passphrase): ")
		if err != nil {
			return "", fatalf("")
		}
		p2, err := c.askPassphrase("Enter same passphrase again: ")
		if err != nil {
			return "", fatalf("")
		}
		if string(p1) == string(p2) {
			return string(p1), nil
		}
		fmt.Fprintln(c.stderr, "Passphrases do not match.  Try again.")
	}
}

func defaultComment() string {
	name := "user"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, err := os.Hostname()
	if err != nil {
		host = "localhost"
	}
	return name + "@" + host
}

// writeFile replaces path with data and the given mode, through a
// temporary file in the same directory so a failure leaves the old file.
func writeFile(path string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fatalf("Saving key %q failed: %v", path, unwrapPathError(err))
	}
	tmp := f.Name()
	err = f.Chmod(mode)
	if err == nil {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fatalf("Saving key %q failed: %v", path, unwrapPathError(err))
	}
	return nil
}

// changePassphrase implements -p.
func (c *cmd) changePassphrase() error {
	path, err := c.identityFile("Enter file in which the key is")
	if err != nil {
		return err
	}
	rounds, err := c.rounds()
	if err != nil {
		return err
	}
	data, err := readKeyFile(path)
	if err != nil {
		return err
	}
	s, _, err := c.loadSigner(path, 'P', "Enter old passphrase: ")
	if err != nil {
		return err
	}
	comment := commentOf(s)
	pass, ok := c.opts['N']
	if !ok {
		if pass, err = c.newPassphrase(); err != nil {
			return err
		}
	}
	var out []byte
	if strings.HasPrefix(strings.TrimSpace(string(data)), "PuTTY-User-Key-File-") {
		out, err = keys.MarshalPPK(s, comment, []byte(pass))
	} else {
		out, err = keys.MarshalPrivateKeyRounds(s, comment, []byte(pass), rounds)
	}
	if err != nil {
		return fatalf("Saving key %q failed: %v", path, err)
	}
	if err := writeFile(path, out, 0o600); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, "Your identification has been saved with the new passphrase.")
	return nil
}
