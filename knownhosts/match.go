package knownhosts

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"net"
	"strconv"
	"strings"

	"github.com/ssh2go/ssh2/internal/wildcard"
)

const sha1Size = sha1.Size

// Normalize turns an address as given to Dial ("host:port", "host", or
// "[v6addr]:port") into the form known_hosts files use: the lower-cased
// host alone for port 22 or no port, "[host]:port" otherwise.
func Normalize(address string) string {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		host, port = address, ""
		if len(host) > 1 && host[0] == '[' && host[len(host)-1] == ']' {
			host = host[1 : len(host)-1]
		}
	}
	host = strings.ToLower(host)
	if port == "" || port == "22" {
		return host
	}
	return "[" + host + "]:" + port
}

// JoinHostPort returns the normalized known_hosts name of host on port.
func JoinHostPort(host string, port int) string {
	return Normalize(net.JoinHostPort(host, strconv.Itoa(port)))
}

// HashHostname returns the hashed form "|1|salt|hash" of a normalized
// host name, with a fresh random salt, as ssh-keygen -H writes it.
func HashHostname(host string) string {
	salt := make([]byte, sha1Size)
	// Since Go 1.24 crypto/rand.Read never returns an error.
	_, _ = rand.Read(salt)
	return hashWithSalt(salt, host)
}

func hashWithSalt(salt []byte, host string) string {
	return "|1|" + base64.StdEncoding.EncodeToString(salt) + "|" +
		base64.StdEncoding.EncodeToString(hmacSHA1(salt, host))
}

func hmacSHA1(salt []byte, host string) []byte {
	m := hmac.New(sha1.New, salt)
	m.Write([]byte(host))
	return m.Sum(nil)
}

// hashMatches reports whether HMAC-SHA1(salt, m's host) equals hash. It
// computes the HMAC (RFC 2104) by hand in m's scratch space, since a
// lookup runs it once per hashed entry and salts are shorter than the
// block size.
func hashMatches(m *matcher, salt, hash []byte) bool {
	const block = 64
	if len(salt) > block {
		return hmac.Equal(hmacSHA1(salt, m.host), hash)
	}
	ipad, opad := m.ipad[:], m.opad[:]
	clear(ipad)
	clear(opad)
	copy(ipad, salt)
	copy(opad, salt)
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	h := m.h
	h.Reset()
	h.Write(ipad)
	h.Write(m.bytes)
	inner := h.Sum(m.inner[:0])
	h.Reset()
	h.Write(opad)
	h.Write(inner)
	return hmac.Equal(h.Sum(m.sum[:0]), hash)
}

// matchPatternList applies an OpenSSH host pattern list to host: the list
// matches when a pattern matches and no negated ("!") pattern does.
func matchPatternList(patterns []string, host string) bool {
	host = strings.ToLower(host)
	matched := false
	for _, p := range patterns {
		if neg, ok := strings.CutPrefix(p, "!"); ok {
			if wildcard.Match(neg, host) {
				return false
			}
			continue
		}
		if !matched && wildcard.Match(p, host) {
			matched = true
		}
	}
	return matched
}
