// Package sshd holds the reusable server-side pieces of the ssh2d demo
// server: sshd_config keywords given with -o (Options), the account the
// server runs as (User), the environment sshd gives a session
// (Environment), running a command with or without a pseudo-terminal
// (Handler), authorized_keys checking (AuthorizedKeys) and host key
// loading (LoadOrCreateHostKey). Tests and other commands reuse them.
package sshd
