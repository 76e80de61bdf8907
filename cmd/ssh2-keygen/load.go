package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/ssh2go/ssh2/keys"
)

// readLine reads one line from standard input without its line ending.
func (c *cmd) readLine() (string, error) {
	s, err := c.stdin.ReadString('\n')
	if err != nil && s == "" {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// askPassphrase prompts for a passphrase: on the terminal without echo
// when standard input is one, otherwise as a line of standard input.
func (c *cmd) askPassphrase(prompt string) ([]byte, error) {
	fmt.Fprint(c.stderr, prompt)
	if f, ok := c.stdinF.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.stderr)
		return p, err
	}
	s, err := c.readLine()
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// confirmOverwrite asks as ssh-keygen does when path exists; it reports
// whether to go on.
func (c *cmd) confirmOverwrite(path string) bool {
	if _, err := os.Stat(path); err != nil {
		return true
	}
	fmt.Fprintf(c.stdout, "%s already exists.\nOverwrite (y/n)? ", path)
	ans, _ := c.readLine()
	return len(ans) > 0 && (ans[0] == 'y' || ans[0] == 'Y')
}

// identityFile returns -f, or asks for a file name with the default.
func (c *cmd) identityFile(prompt string) (string, error) {
	if f, ok := c.opts['f']; ok {
		return f, nil
	}
	def := defaultKeyPath(c.opts['t'])
	fmt.Fprintf(c.stdout, "%s (%s): ", prompt, def)
	s, err := c.readLine()
	if err != nil {
		return "", fatalf("")
	}
	if s == "" {
		return def, nil
	}
	return s, nil
}

func defaultKeyPath(t string) string {
	home, _ := os.UserHomeDir()
	name := "id_ed25519"
	switch t {
	case "rsa":
		name = "id_rsa"
	case "ecdsa":
		name = "id_ecdsa"
	case "dsa":
		name = "id_dsa"
	}
	return filepath.Join(home, ".ssh", name)
}

// readKeyFile reads a key file, bounded in size.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fatalf("%s: %v", path, unwrapPathError(err))
	}
	defer f.Close()
	data := make([]byte, 0, 4096)
	buf := bytes.NewBuffer(data)
	if _, err := buf.ReadFrom(io.LimitReader(f, keys.MaxPrivateKeyFileLen+1)); err != nil {
		return nil, fatalf("%s: %v", path, err)
	}
	if buf.Len() > keys.MaxPrivateKeyFileLen {
		return nil, fatalf("%s: file too large", path)
	}
	return buf.Bytes(), nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// isPrivateFile reports whether data looks like a private key file.
func isPrivateFile(data []byte) bool {
	first, _, _ := bytes.Cut(bytes.TrimLeft(data, " \t\r\n"), []byte("\n"))
	return bytes.Contains(first, []byte("PRIVATE KEY")) || bytes.HasPrefix(first, []byte("PuTTY-User-Key-File-"))
}

// loadSigner loads a private key, using -P or prompting when it is
// encrypted. Errors are worded as ssh-keygen words them.
func (c *cmd) loadSigner(path string, passFlag byte, prompt string) (keys.Signer, string, error) {
	data, err := readKeyFile(path)
	if err != nil {
		return nil, "", err
	}
	pass, havePass := c.opts[passFlag]
	s, err := keys.ParsePrivateKeyWithPassphrase(data, []byte(pass))
	var pm *keys.PassphraseMissingError
	if errors.As(err, &pm) && !havePass {
		p, perr := c.askPassphrase(prompt)
		if perr != nil {
			return nil, "", fatalf("Load key %q: incorrect passphrase supplied to decrypt private key", path)
		}
		s, err = keys.ParsePrivateKeyWithPassphrase(data, p)
		pass = string(p)
	}
	if err != nil {
		switch {
		case errors.As(err, &pm), errors.Is(err, keys.ErrIncorrectPassphrase):
			return nil, "", fatalf("Load key %q: incorrect passphrase supplied to decrypt private key", path)
		case errors.Is(err, keys.ErrCorruptMAC):
			return nil, "", fatalf("Load key %q: MAC check failed (file corrupted)", path)
		}
		return nil, "", fatalf("Load key %q: invalid format", path)
	}
	return s, pass, nil
}

// commentOf returns a parsed private key's comment.
func commentOf(s keys.Signer) string {
	if cm, ok := s.(keys.Commented); ok {
		return cm.Comment()
	}
	return ""
}

// parsePublicAny parses a public key file in any format package keys
// reads: OpenSSH line, RFC 4716 or PEM (PKIX, PKCS #1). ok is false when
// data is none of these.
func parsePublicAny(data []byte) (pub keys.PublicKey, comment string, ok bool) {
	if bytes.Contains(data, []byte("---- BEGIN SSH2 PUBLIC KEY ----")) {
		k, hdrs, err := keys.ParseRFC4716PublicKey(data)
		if err != nil {
			return nil, "", false
		}
		for _, h := range hdrs {
			if strings.EqualFold(h.Tag, "Comment") {
				comment = strings.Trim(h.Value, `"`)
			}
		}
		return k, comment, true
	}
	if bytes.Contains(data, []byte("-----BEGIN PUBLIC KEY-----")) || bytes.Contains(data, []byte("-----BEGIN RSA PUBLIC KEY-----")) {
		k, err := keys.ParsePEMPublicKey(data)
		return k, "", err == nil
	}
	k, comment, _, _, err := keys.ParseAuthorizedKey(data)
	return k, comment, err == nil
}
