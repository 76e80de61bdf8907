package ssh2

import (
	"bytes"
	"context"
	"sort"

	"github.com/ssh2go/ssh2/internal/mux"
)

const sessionChannel = "session"

// NewSession opens a session channel without starting anything, so the
// caller can request a PTY, set the environment and then call Start,
// Shell or RequestSubsystem on it.
func (c *Client) NewSession(ctx context.Context) (*Channel, error) {
	return c.newSession(ctx, false)
}

func (c *Client) newSession(ctx context.Context, discardStderr bool) (*Channel, error) {
	s := newClientChannel()
	ch, err := c.m.OpenChannelConfig(ctx, sessionChannel, nil, mux.ChannelConfig{
		OnRequest:     s.handleRequest,
		DiscardStderr: discardStderr,
	})
	if err != nil {
		return nil, err
	}
	s.ch = ch
	return s, nil
}

// Exec runs cmd on the server and returns the running session: read its
// stdout from the Channel and its stderr from Channel.Stderr, write its
// stdin, and call Wait for the exit status.
func (c *Client) Exec(ctx context.Context, cmd string, opts *ExecOptions) (*Channel, error) {
	s, err := c.prepare(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := s.Start(ctx, cmd); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Shell starts the user's login shell, usually with a PTY in opts.
func (c *Client) Shell(ctx context.Context, opts *ExecOptions) (*Channel, error) {
	s, err := c.prepare(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := s.Shell(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Subsystem starts the named subsystem (such as "sftp") and returns its
// channel.
func (c *Client) Subsystem(ctx context.Context, name string) (*Channel, error) {
	s, err := c.NewSession(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.RequestSubsystem(ctx, name); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Output runs cmd with no input and returns its stdout; stderr is
// returned inside the error when the command fails.
func (c *Client) Output(ctx context.Context, cmd string) ([]byte, error) {
	s, err := c.Exec(ctx, cmd, nil)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	s.CloseWrite()
	var out, errOut bytes.Buffer
	done := make(chan error, 1)
	go func() { _, err := errOut.ReadFrom(s.Stderr()); done <- err }()
	if _, err := out.ReadFrom(s); err != nil {
		return out.Bytes(), err
	}
	if err := <-done; err != nil {
		return out.Bytes(), err
	}
	if err := s.Wait(); err != nil {
		if ee, ok := err.(*ExitError); ok && errOut.Len() > 0 {
			ee.Message = errOut.String()
		}
		return out.Bytes(), err
	}
	return out.Bytes(), nil
}

func (c *Client) prepare(ctx context.Context, opts *ExecOptions) (*Channel, error) {
	if opts == nil {
		opts = &ExecOptions{}
	}
	s, err := c.newSession(ctx, opts.DiscardStderr)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(opts.Env))
	for k := range opts.Env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		// A refused variable is not fatal: servers filter by name.
		if _, err := s.SendRequest(ctx, "env", true, envPayload(k, opts.Env[k])); err != nil {
			s.Close()
			return nil, err
		}
	}
	if opts.Pty != nil {
		if err := s.RequestPty(ctx, opts.Pty); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}
