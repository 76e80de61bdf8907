package agent

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// Client talks to an SSH agent over one connection. It is safe for
// concurrent use: requests are serialised.
type Client struct {
	mu  sync.Mutex
	rw  io.ReadWriter
	buf []byte
}

// NewClient returns a client speaking the agent protocol over rw, such as
// a connection to $SSH_AUTH_SOCK or a forwarded agent channel. Closing rw
// is the caller's business (Close closes it if it is an io.Closer).
func NewClient(rw io.ReadWriter) *Client { return &Client{rw: rw} }

// Dial connects to the agent named by $SSH_AUTH_SOCK.
func Dial() (*Client, error) { return DialContext(context.Background()) }

// DialContext connects to the agent named by $SSH_AUTH_SOCK. On Windows an
// unset variable, or one naming a pipe (\\.\pipe\...), selects the Windows
// OpenSSH agent's named pipe.
func DialContext(ctx context.Context) (*Client, error) {
	conn, err := dialAgent(ctx, os.Getenv("SSH_AUTH_SOCK"))
	if err != nil {
		return nil, err
	}
	return NewClient(conn), nil
}

// DialAddr connects to the agent listening on a Unix socket at path.
func DialAddr(ctx context.Context, path string) (*Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	return NewClient(conn), nil
}

// Close closes the underlying connection if it is an io.Closer.
func (c *Client) Close() error {
	if cl, ok := c.rw.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

// roundTrip sends one request and returns the reply's decoded form.
func (c *Client) roundTrip(r request) (response, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, err := appendRequest(append(c.buf[:0], 0, 0, 0, 0), r)
	if err != nil {
		return nil, err
	}
	c.buf = b[:0]
	if len(b)-4 > MaxMessageSize {
		return nil, ErrMessageTooLarge
	}
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	if _, err := c.rw.Write(b); err != nil {
		return nil, fmt.Errorf("agent: write: %w", err)
	}
	msg, err := readMessage(c.rw, nil)
	if err != nil {
		return nil, err
	}
	return decodeResponse(msg)
}

// readMessage reads one length-prefixed message into buf (grown as
// needed, never beyond MaxMessageSize) and returns it.
func readMessage(r io.Reader, buf []byte) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("agent: read: %w", err)
		}
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 {
		return nil, fmt.Errorf("%w: empty message", ErrMalformed)
	}
	if n > MaxMessageSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrMessageTooLarge, n)
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("agent: read: %w", err)
	}
	return buf, nil
}

// simple sends a request whose reply is success or failure.
func (c *Client) simple(r request) error {
	resp, err := c.roundTrip(r)
	if err != nil {
		return err
	}
	switch resp.(type) {
	case respSuccess:
		return nil
	case respFailure:
		return ErrAgentFailure
	}
	return fmt.Errorf("%w: type %d", ErrUnexpectedReply, resp.responseType())
}

// List returns the identities the agent holds.
func (c *Client) List() ([]*Identity, error) {
	resp, err := c.roundTrip(reqList{})
	if err != nil {
		return nil, err
	}
	switch resp := resp.(type) {
	case respIdentities:
		return resp.ids, nil
	case respFailure:
		return nil, ErrAgentFailure
	}
	return nil, fmt.Errorf("%w: type %d", ErrUnexpectedReply, resp.responseType())
}

// Sign asks the agent to sign data with the private half of key and
// returns the signature blob (string algorithm, string signature). For
// RSA keys, flags select rsa-sha2-256 or rsa-sha2-512; zero asks for
// ssh-rsa (SHA-1).
func (c *Client) Sign(key keys.PublicKey, data []byte, flags SignFlags) ([]byte, error) {
	resp, err := c.roundTrip(reqSign{keyBlob: key.Marshal(), data: data, flags: flags})
	if err != nil {
		return nil, err
	}
	switch resp := resp.(type) {
	case respSign:
		return append([]byte(nil), resp.sig...), nil
	case respFailure:
		return nil, ErrAgentFailure
	}
	return nil, fmt.Errorf("%w: type %d", ErrUnexpectedReply, resp.responseType())
}

// AddedKey is a private key to add to an agent, with its constraints.
type AddedKey struct {
	// PrivateKey is a keys.Signer made by package keys, or a standard
	// library key: ed25519.PrivateKey, *ecdsa.PrivateKey (P-256, P-384,
	// P-521) or *rsa.PrivateKey.
	PrivateKey any
	// Certificate, if set, is an OpenSSH certificate blob for the key;
	// the key is then added in certificate form.
	Certificate []byte
	// Comment names the key in listings. Empty means the signer's own
	// comment if it has one (keys.Commented).
	Comment string
	// LifetimeSecs, if non-zero, makes the agent forget the key after
	// this many seconds.
	LifetimeSecs uint32
	// ConfirmBeforeUse makes the agent ask the user before each use.
	ConfirmBeforeUse bool
	// ConstraintExtensions are further constraints, such as OpenSSH's
	// restrict-destination-v00@openssh.com.
	ConstraintExtensions []ConstraintExtension
}

// signer returns the key as a keys.Signer.
func (k *AddedKey) signer() (keys.Signer, error) {
	if s, ok := k.PrivateKey.(keys.Signer); ok {
		if _, ok := s.(keys.CryptoSigner); !ok {
			return nil, fmt.Errorf("%w: signer %T does not expose its private key", ErrUnsupportedKey, s)
		}
		return s, nil
	}
	ck, err := cryptoKey(k.PrivateKey)
	if err != nil {
		return nil, err
	}
	s, err := keys.NewSigner(ck)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedKey, err)
	}
	return s, nil
}

// request builds the add request for k.
func (k *AddedKey) request() (reqAdd, error) {
	s, err := k.signer()
	if err != nil {
		return reqAdd{}, err
	}
	comment := k.Comment
	if cm, ok := k.PrivateKey.(keys.Commented); ok && comment == "" {
		comment = cm.Comment()
	}
	return reqAdd{
		signer:  s,
		cert:    k.Certificate,
		comment: comment,
		cons: constraints{
			lifetime:   k.LifetimeSecs,
			confirm:    k.ConfirmBeforeUse,
			extensions: k.ConstraintExtensions,
		},
	}, nil
}

// Add adds a private key to the agent.
func (c *Client) Add(key AddedKey) error {
	r, err := key.request()
	if err != nil {
		return err
	}
	return c.simple(r)
}

// Remove removes the identity with public key key.
func (c *Client) Remove(key keys.PublicKey) error {
	return c.simple(reqRemove{keyBlob: key.Marshal()})
}

// RemoveAll removes every identity.
func (c *Client) RemoveAll() error { return c.simple(reqRemoveAll{}) }

// Lock locks the agent with passphrase: until Unlock, it lists no keys
// and refuses to sign.
func (c *Client) Lock(passphrase []byte) error {
	return c.simple(reqLock{passphrase: passphrase})
}

// Unlock unlocks an agent locked with passphrase.
func (c *Client) Unlock(passphrase []byte) error {
	return c.simple(reqLock{unlock: true, passphrase: passphrase})
}

// Extension sends an SSH_AGENTC_EXTENSION request and returns the reply
// message whole, type byte first (usually SSH_AGENT_SUCCESS, 6, followed
// by extension data). An SSH_AGENT_FAILURE reply yields
// ErrExtensionUnsupported and SSH_AGENT_EXTENSION_FAILURE yields
// ErrExtensionFailure.
func (c *Client) Extension(name string, contents []byte) ([]byte, error) {
	resp, err := c.roundTrip(reqExtension{name: name, contents: contents})
	if err != nil {
		return nil, err
	}
	switch resp := resp.(type) {
	case respFailure:
		return nil, ErrExtensionUnsupported
	case respExtFailure:
		return nil, ErrExtensionFailure
	case respSuccess:
		return append([]byte{msgSuccess}, resp.rest...), nil
	case respOther:
		return append([]byte(nil), resp.msg...), nil
	}
	return nil, fmt.Errorf("%w: type %d", ErrUnexpectedReply, resp.responseType())
}

// Query asks the agent which extensions it supports (the "query"
// extension, draft-miller-ssh-agent §4.7.1).
func (c *Client) Query() ([]string, error) {
	msg, err := c.Extension(ExtensionQuery, nil)
	if err != nil {
		return nil, err
	}
	return decodeQueryReply(msg)
}

// SessionBind sends OpenSSH's session-bind@openssh.com extension, binding
// this agent connection to an SSH session: hostKey is the server's host
// key blob, sessionID the exchange hash, signature the host key's
// signature over it from the key exchange, and forwarding whether the
// connection is a forwarded one.
func (c *Client) SessionBind(hostKey, sessionID, signature []byte, forwarding bool) error {
	_, err := c.Extension(ExtensionSessionBind, AppendSessionBind(nil, hostKey, sessionID, signature, forwarding))
	return err
}

// Signers returns a keys.Signer for each identity whose key type package
// keys understands; each signs through the agent.
func (c *Client) Signers() ([]keys.Signer, error) {
	ids, err := c.List()
	if err != nil {
		return nil, err
	}
	out := make([]keys.Signer, 0, len(ids))
	for _, id := range ids {
		if _, opaque := id.PublicKey.(*opaqueKey); opaque {
			continue
		}
		out = append(out, &agentSigner{agent: c, pub: id.PublicKey, comment: id.Comment})
	}
	return out, nil
}

var _ Agent = (*Client)(nil)

// decodeQueryReply decodes a query reply: SSH_AGENT_SUCCESS then
// string[] extension names filling the rest of the message.
func decodeQueryReply(msg []byte) ([]string, error) {
	if len(msg) == 0 || msg[0] != msgSuccess {
		return nil, fmt.Errorf("%w: query reply", ErrUnexpectedReply)
	}
	d := wire.NewDecoder(msg[1:])
	var names []string
	for d.Len() > 0 && len(names) < MaxIdentities {
		n := d.String()
		if d.Err() != nil {
			return nil, fmt.Errorf("%w: query reply", ErrMalformed)
		}
		names = append(names, string(n))
	}
	if d.Len() > 0 {
		return nil, fmt.Errorf("%w: query reply too long", ErrMalformed)
	}
	return names, nil
}
