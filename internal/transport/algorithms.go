package transport

import (
	"fmt"
	"slices"
)

// Names of the pseudo-algorithms that signal extensions in KEXINIT.
const (
	extInfoClient   = "ext-info-c"                   // RFC 8308 §2.1
	extInfoServer   = "ext-info-s"                   // RFC 8308 §2.1
	strictKexClient = "kex-strict-c-v00@openssh.com" // Terrapin countermeasure
	strictKexServer = "kex-strict-s-v00@openssh.com"
	compressionNone = "none"

	// extPing is the EXT_INFO extension announcing SSH2_MSG_PING
	// support (OpenSSH PROTOCOL §1.8).
	extPing = "ping@openssh.com"
)

// Algorithms are the algorithms negotiated by one key exchange.
type Algorithms struct {
	Kex                  string
	HostKey              string
	CipherClientServer   string
	CipherServerClient   string
	MACClientServer      string // empty for AEAD ciphers
	MACServerClient      string // empty for AEAD ciphers
	CompressClientServer string
	CompressServerClient string
}

// NegotiationError reports that the two sides share no algorithm of a kind.
type NegotiationError struct {
	What   string
	Client []string
	Server []string
}

func (e *NegotiationError) Error() string {
	return fmt.Sprintf("ssh: no common %s algorithm; client offered %v, server offered %v", e.What, e.Client, e.Server)
}

// choose returns the first client algorithm the server also supports
// (RFC 4253 §7.1).
func choose(what string, client, server []string) (string, error) {
	for _, c := range client {
		if slices.Contains(server, c) {
			return c, nil
		}
	}
	return "", &NegotiationError{What: what, Client: client, Server: server}
}
