package auth

import (
	"fmt"

	"github.com/ssh2go/ssh2/internal/wire"
)

// maxPasswordChanges bounds the PASSWD_CHANGEREQ rounds of one password
// attempt.
const maxPasswordChanges = 3

// Method is a client authentication method. Values come from None,
// Password, PublicKeys, PublicKeysCallback and KeyboardInteractive.
type Method interface {
	// Name is the method name on the wire, e.g. "publickey".
	Name() string
	// start begins using the method for one RunClient call.
	start() methodRun
}

// methodRun is a method's state during one RunClient call.
type methodRun interface {
	// attempt runs one authentication exchange. done reports that the
	// method has nothing more to try. An error ends authentication.
	attempt(c *client) (out outcome, done bool, err error)
}

// None returns the "none" method. RunClient always starts with a "none"
// request, so listing it only documents that an open server is expected.
func None() Method { return noneMethod{} }

type noneMethod struct{}

func (noneMethod) Name() string     { return wire.MethodNone }
func (noneMethod) start() methodRun { return noneMethod{} }
func (noneMethod) attempt(*client) (outcome, bool, error) {
	return outSkipped, true, nil
}

// PasswordMethod is the "password" method (RFC 4252 §8).
type PasswordMethod struct {
	// Password returns the password. An error ends authentication.
	Password func() (string, error)
	// ChangePassword, if set, answers the server's PASSWD_CHANGEREQ with
	// a new password; prompt has control characters replaced. Without it
	// a change request counts as a failed password attempt. An error
	// ends authentication.
	ChangePassword func(prompt, language string) (newPassword string, err error)
}

// Password returns the "password" method, calling password once per
// RunClient. Set ChangePassword on the result to answer change requests.
func Password(password func() (string, error)) *PasswordMethod {
	return &PasswordMethod{Password: password}
}

// Name implements Method.
func (m *PasswordMethod) Name() string { return wire.MethodPassword }

func (m *PasswordMethod) start() methodRun { return &passwordRun{m: m} }

type passwordRun struct{ m *PasswordMethod }

func (r *passwordRun) attempt(c *client) (outcome, bool, error) {
	if r.m.Password == nil {
		return outSkipped, true, nil
	}
	pw, err := r.m.Password()
	if err != nil {
		return 0, true, fmt.Errorf("auth: password callback: %w", err)
	}
	body := wire.PasswordBody{Password: pw}
	for changes := 0; ; changes++ {
		if err := c.send(wire.MethodPassword, body.Append(nil)); err != nil {
			return 0, true, err
		}
		p, err := c.read()
		if err != nil {
			return 0, true, err
		}
		if p[0] != wire.MsgUserAuthPasswdChangeReq {
			out, err := c.end(p, "to password")
			return out, true, err
		}
		var req wire.UserAuthPasswdChangeReq
		if req.Unmarshal(p) != nil {
			return 0, true, protocolError("malformed PASSWD_CHANGEREQ")
		}
		if r.m.ChangePassword == nil || changes >= maxPasswordChanges {
			// The server waits for a new request; other methods may follow.
			return outFailure, true, nil
		}
		prompt, err := displayText(req.Prompt)
		if err != nil {
			return 0, true, err
		}
		lang, err := displayText(req.Language)
		if err != nil {
			return 0, true, err
		}
		newPW, err := r.m.ChangePassword(prompt, lang)
		if err != nil {
			return 0, true, fmt.Errorf("auth: change-password callback: %w", err)
		}
		body = wire.PasswordBody{Change: true, Password: pw, NewPassword: newPW}
	}
}
