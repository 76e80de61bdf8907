package sftp

import (
	"context"
	"errors"

	"github.com/ssh2go/ssh2"
)

// SubsystemName is the SSH subsystem that carries SFTP.
const SubsystemName = "sftp"

// NewSSHClient opens the "sftp" subsystem on an SSH connection and starts
// an SFTP session over its channel. Closing the returned Client closes the
// channel; the SSH connection stays open for other uses.
func NewSSHClient(ctx context.Context, c *ssh2.Client, opts ...ClientOption) (*Client, error) {
	if c == nil {
		return nil, errors.New("sftp: nil ssh2.Client")
	}
	ch, err := c.Subsystem(ctx, SubsystemName)
	if err != nil {
		return nil, err
	}
	cl, err := NewClient(ctx, ch, opts...)
	if err != nil {
		// NewClient closes the channel when it fails.
		return nil, err
	}
	return cl, nil
}

// ServerOption configures the Server that [SubsystemHandler] builds.
type ServerOption func(*Server)

// WithServerMaxHandles sets [Server.MaxHandles].
func WithServerMaxHandles(n int) ServerOption { return func(s *Server) { s.MaxHandles = n } }

// WithServerWorkers sets [Server.Workers].
func WithServerWorkers(n int) ServerOption { return func(s *Server) { s.Workers = n } }

// WithServerMaxPacket sets [Server.MaxPacket].
func WithServerMaxPacket(n int) ServerOption { return func(s *Server) { s.MaxPacket = n } }

// SubsystemHandler returns a handler for [ssh2.Server.SubsystemHandlers]
// (under the key "sftp") that serves each session with h. One h serves
// every session, concurrently.
func SubsystemHandler(h Handler, opts ...ServerOption) func(*ssh2.Session) {
	srv := &Server{Handler: h}
	for _, o := range opts {
		o(srv)
	}
	return srv.ServeSession
}

// ServeSession serves one SSH session running the "sftp" subsystem: it
// reads requests from the session's stdin and writes replies to its
// stdout until the client sends EOF or closes the channel. The session
// then ends with exit status 0, or 1 after a protocol error.
func (s *Server) ServeSession(sess *ssh2.Session) {
	err := s.ServePipe(sess.Context(), sess, sess)
	if err != nil {
		if s.Logger != nil {
			s.Logger.Debug("sftp session ended", "user", sess.User(), "err", err)
		}
		_ = sess.Exit(1)
		return
	}
	_ = sess.Exit(0)
}
