//go:build !amd64 || purego

package poly1305

import xpoly "golang.org/x/crypto/poly1305" //lint:ignore SA1019 raw Poly1305 is what chacha20-poly1305@openssh.com specifies

func sum(out *[TagSize]byte, msg []byte, key *[KeySize]byte) {
	xpoly.Sum(out, msg, key)
}

// Implementation names the code path in use, for tests and benchmarks.
func Implementation() string { return "xcrypto" }
