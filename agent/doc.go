// Package agent implements the SSH agent protocol (draft-miller-ssh-agent,
// with OpenSSH's extensions from PROTOCOL.agent): a client that talks to a
// running agent such as OpenSSH's ssh-agent, an in-memory keyring, and a
// server that serves any Agent implementation to clients such as ssh and
// ssh-add.
//
// A client's keys authenticate an SSH connection through its Signers
// method:
//
//	c, err := agent.Dial()
//	...
//	cfg.Auth = []ssh2.AuthMethod{ssh2.PublicKeysCallback(c.Signers)}
//
// Every message read from a peer is bounded by MaxMessageSize and decoded
// without trusting its lengths; malformed input yields errors wrapping
// ErrMalformed.
package agent
