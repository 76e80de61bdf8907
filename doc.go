// Package ssh2 is a pure-Go SSH2 client and server: transport (RFC 4253,
// with the post-quantum hybrid key exchange and strict KEX), user
// authentication (RFC 4252, RFC 4256) and the connection protocol
// (RFC 4254): sessions with exec, shell, subsystems, PTYs, environment,
// signals and exit status.
//
// A client dials with Dial (or wraps an existing net.Conn with
// NewClientConn) and runs commands with Client.Exec, Client.Shell or
// Client.Subsystem, or prepares a session step by step with
// Client.NewSession. A server is a Server value with a ServerConfig and a
// Handler, served with Serve on a net.Listener, much like net/http.
//
// Every blocking call takes a context.Context; errors are typed
// (*DisconnectError, *OpenChannelError, *ExitError, *AuthError) for use
// with errors.As. Nothing here logs unless a *slog.Logger is configured.
package ssh2
