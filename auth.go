package ssh2

import "github.com/ssh2go/ssh2/internal/auth"

// AuthMethod is one way for a client to authenticate. Methods are tried
// in the order given; the server's replies decide which are used.
type AuthMethod = auth.Method

// AuthError reports that no configured authentication method was
// accepted; it lists what was tried and what the server would allow.
type AuthError = auth.AuthError

// Prompt is one keyboard-interactive question.
type Prompt = auth.Prompt

// Password authenticates with a fixed password.
func Password(password string) AuthMethod {
	return auth.Password(func() (string, error) { return password, nil })
}

// PasswordCallback authenticates with a password obtained when needed,
// for example by asking the user.
func PasswordCallback(get func() (string, error)) AuthMethod { return auth.Password(get) }

// PublicKeys authenticates with private keys, asking the server about
// each before signing.
func PublicKeys(signers ...Signer) AuthMethod { return auth.PublicKeys(signers...) }

// PublicKeysCallback authenticates with keys obtained when needed, such as
// an agent's.
func PublicKeysCallback(get func() ([]Signer, error)) AuthMethod { return auth.PublicKeysCallback(get) }

// KeyboardInteractive authenticates by answering the server's questions
// (RFC 4256); answer is called once per round.
func KeyboardInteractive(answer func(name, instruction string, prompts []Prompt) ([]string, error)) AuthMethod {
	return auth.KeyboardInteractive(answer)
}

// PasswordWithChange authenticates with a password and answers the
// server's request to change an expired one (RFC 4252 §8) by calling
// change with the server's prompt.
func PasswordWithChange(get func() (string, error), change func(prompt string) (newPassword string, err error)) AuthMethod {
	m := auth.Password(get)
	m.ChangePassword = func(prompt, _ string) (string, error) { return change(prompt) }
	return m
}
