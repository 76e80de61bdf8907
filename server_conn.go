package ssh2

import (
	"github.com/ssh2go/ssh2/internal/auth"
	"github.com/ssh2go/ssh2/internal/mux"
	"github.com/ssh2go/ssh2/internal/wire"
)

// ServerConn is an authenticated connection on the server side.
type ServerConn struct {
	conn
	srv *Server
	// Auth describes how the client authenticated: the user, the methods,
	// the verified public key and the permissions the deciding callback
	// attached.
	Auth *auth.Result
}

// AuthResult describes a successful authentication.
type AuthResult = auth.Result

// Permissions returns what the callback that granted access attached.
func (c *ServerConn) Permissions() *Permissions { return c.Auth.Permissions }

// PublicKey returns the user key whose signature authenticated the
// connection, or nil if no public key was used.
func (c *ServerConn) PublicKey() PublicKey { return c.Auth.PublicKey }

// ClientVersion returns the client's identification string.
func (c *ServerConn) ClientVersion() string { v, _ := versionPair(c.t, false); return v }

func (c *ServerConn) handleChannelOpen(nc *mux.NewChannel) {
	if nc.ChannelType() == sessionChannel {
		c.acceptSession(nc)
		return
	}
	if h := c.srv.ChannelHandlers[nc.ChannelType()]; h != nil {
		h(c, nc)
		return
	}
	nc.Reject(wire.OpenUnknownChannelType, "unsupported channel type")
}

// handleGlobalRequest refuses global requests; OpenSSH clients' keepalives
// only need an answer.
func (c *ServerConn) handleGlobalRequest(r *mux.GlobalRequest) {
	r.Reply(false, nil)
}
