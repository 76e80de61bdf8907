package sshcli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/agent"
	"github.com/ssh2go/ssh2/internal/terminal"
	"github.com/ssh2go/ssh2/keys"
)

// errPasswordDisabled stops password prompts after a changed host key.
var errPasswordDisabled = errors.New("password authentication is disabled because the host key changed")

// authenticator builds the authentication methods of a connection.
type authenticator struct {
	o      *Options
	log    *slog.Logger
	stderr io.Writer
	ask    *terminal.Prompter
	hk     *hostKeyChecker
	agent  *agent.Client // while authenticating with the agent's keys
}

// close ends the agent connection, once authentication is over.
func (a *authenticator) close() {
	if a.agent != nil {
		a.agent.Close()
		a.agent = nil
	}
}

// methods returns the methods in PreferredAuthentications order.
func (a *authenticator) methods() []ssh2.AuthMethod {
	var out []ssh2.AuthMethod
	for _, name := range a.o.PreferredAuthentications {
		switch name {
		case "publickey":
			if a.o.PubkeyAuthentication && (len(a.o.Identities) > 0 || len(a.o.CertificateFiles) > 0 || a.o.IdentityAgent != "") {
				out = append(out, ssh2.PublicKeysCallback(a.identities))
			}
		case "keyboard-interactive":
			if a.o.KbdInteractiveAuthentication && !a.o.BatchMode {
				out = append(out, ssh2.KeyboardInteractive(a.answer))
			}
		case "password":
			if a.o.PasswordAuthentication && !a.o.BatchMode {
				for i := 0; i < a.o.PasswordPrompts; i++ {
					first := i == 0
					out = append(out, ssh2.PasswordCallback(func() (string, error) { return a.password(first) }))
				}
			}
		default:
			a.log.Debug("skipping unsupported authentication method", "method", name)
		}
	}
	return out
}

func (a *authenticator) password(first bool) (string, error) {
	if a.hk != nil && a.hk.changed {
		return "", errPasswordDisabled
	}
	if !first {
		fmt.Fprint(a.stderr, "Permission denied, please try again.\r\n")
	}
	pw, err := a.ask.Password(fmt.Sprintf("%s@%s's password: ", a.o.User, a.o.HostName))
	if err != nil {
		return "", fmt.Errorf("reading password: %w", err)
	}
	return pw, nil
}

// answer answers keyboard-interactive prompts.
func (a *authenticator) answer(name, instruction string, prompts []ssh2.Prompt) ([]string, error) {
	if a.hk != nil && a.hk.changed {
		return nil, errPasswordDisabled
	}
	if name != "" {
		fmt.Fprintf(a.stderr, "%s\r\n", name)
	}
	if instruction != "" {
		fmt.Fprintf(a.stderr, "%s\r\n", instruction)
	}
	answers := make([]string, len(prompts))
	for i, p := range prompts {
		q := p.Text
		if q == "Password: " || q == "Password:" {
			// OpenSSH shows the account for PAM's bare password prompt.
			q = fmt.Sprintf("(%s@%s) %s", a.o.User, a.o.HostName, q)
		}
		ans, err := a.ask.Ask(q, p.Echo)
		if err != nil {
			return nil, fmt.Errorf("reading answer: %w", err)
		}
		answers[i] = ans
	}
	return answers, nil
}

func (a *authenticator) decrypt(path string, data []byte) (ssh2.Signer, error) {
	if a.o.BatchMode {
		return nil, errors.New("key is encrypted and BatchMode is on")
	}
	for try := 0; try < 3; try++ {
		pass, err := a.ask.Password(fmt.Sprintf("Enter passphrase for key '%s': ", path))
		if err != nil || pass == "" {
			return nil, fmt.Errorf("no passphrase: %v", err)
		}
		s, err := keys.ParsePrivateKeyWithPassphrase(data, []byte(pass))
		if err == nil {
			return s, nil
		}
		a.log.Debug("passphrase rejected", "file", path, "err", err)
	}
	return nil, errors.New("too many passphrase attempts")
}

func (a *authenticator) warn(format string, args ...any) {
	if a.o.ShowsInfo() {
		fmt.Fprintf(a.stderr, format+"\r\n", args...)
	}
}

// readKeyFile reads a private key file of bounded size.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, keys.MaxPrivateKeyFileLen+1))
	if err != nil {
		return nil, err
	}
	if len(data) > keys.MaxPrivateKeyFileLen {
		return nil, fmt.Errorf("file larger than %d bytes", keys.MaxPrivateKeyFileLen)
	}
	return data, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
