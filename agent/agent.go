package agent

import (
	"fmt"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// Extension names.
const (
	// ExtensionQuery asks an agent for the extensions it supports.
	ExtensionQuery = "query"
	// ExtensionSessionBind is OpenSSH's session-bind@openssh.com.
	ExtensionSessionBind = "session-bind@openssh.com"
)

// Agent is the set of operations an SSH agent offers. Client implements it
// by asking a remote agent; NewKeyring returns an in-memory one; ServeAgent
// serves any implementation to agent clients, so a custom key store (a
// hardware token, a vault) plugs in by implementing this interface.
//
// Implementations must be safe for concurrent use. When called by
// ServeAgent, byte-slice arguments alias the request buffer and are valid
// only during the call; copy them to keep them.
type Agent interface {
	// List returns the identities the agent holds.
	List() ([]*Identity, error)
	// Sign signs data with the private half of key and returns a
	// signature blob (string algorithm, string signature). flags select
	// the RSA hash.
	Sign(key keys.PublicKey, data []byte, flags SignFlags) ([]byte, error)
	// Add adds a private key with its constraints.
	Add(key AddedKey) error
	// Remove removes one identity.
	Remove(key keys.PublicKey) error
	// RemoveAll removes every identity.
	RemoveAll() error
	// Lock locks the agent with a passphrase.
	Lock(passphrase []byte) error
	// Unlock unlocks the agent.
	Unlock(passphrase []byte) error
	// Signers returns signers for the agent's keys.
	Signers() ([]keys.Signer, error)
	// Extension handles an extension request. The returned reply is a
	// whole agent message, type byte first; ServeAgent sends an empty
	// reply as SSH_AGENT_SUCCESS, ErrExtensionUnsupported as
	// SSH_AGENT_FAILURE and any other error as
	// SSH_AGENT_EXTENSION_FAILURE.
	Extension(name string, contents []byte) ([]byte, error)
}

// SessionBind is the content of a session-bind@openssh.com request.
type SessionBind struct {
	HostKey    []byte // server host key blob
	SessionID  []byte // exchange hash of the initial key exchange
	Signature  []byte // host key signature over SessionID
	Forwarding bool   // bound for forwarding rather than authentication
}

// AppendSessionBind appends the contents of a session-bind@openssh.com
// extension request (PROTOCOL.agent §1), the part after the name.
func AppendSessionBind(b, hostKey, sessionID, signature []byte, forwarding bool) []byte {
	b = wire.AppendString(b, hostKey)
	b = wire.AppendString(b, sessionID)
	b = wire.AppendString(b, signature)
	return wire.AppendBool(b, forwarding)
}

// ParseSessionBind decodes session-bind@openssh.com contents. It does not
// verify the signature; see SessionBind.Verify.
func ParseSessionBind(contents []byte) (*SessionBind, error) {
	d := wire.NewDecoder(contents)
	s := &SessionBind{HostKey: d.String(), SessionID: d.String(), Signature: d.String(), Forwarding: d.Bool()}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: session-bind", ErrMalformed)
	}
	return s, nil
}

// Verify checks that Signature is HostKey's signature over SessionID.
func (s *SessionBind) Verify() error {
	pub, err := keys.ParsePublicKey(s.HostKey)
	if err != nil {
		return err
	}
	return pub.Verify(s.SessionID, s.Signature)
}

// AppendQueryReply appends a reply to the "query" extension listing names.
func AppendQueryReply(b []byte, names []string) []byte {
	b = append(b, msgSuccess)
	for _, n := range names {
		b = wire.AppendText(b, n)
	}
	return b
}
