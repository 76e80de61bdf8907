// Package auth runs SSH user authentication (RFC 4252) over an
// established transport: the "ssh-userauth" service request, then the
// client or server state machine for the none, password (with password
// change), publickey (RFC 8332 RSA algorithm selection through RFC 8308
// server-sig-algs) and keyboard-interactive (RFC 4256) methods, including
// partial success for multi-factor logins.
//
// The server side is built so that an application cannot grant access by
// mistake: every decision is a value returned from one callback call, the
// public-key callback that decides is only ever called with the key whose
// signature has just been verified, and no permission state carries over
// from one attempt to the next.
//
// Everything read from the peer is bounded: packets, prompts, rounds,
// requests and string sizes. Both sides honour their context; see Conn for
// what the caller must do when the context ends.
package auth
