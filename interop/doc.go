// Package interop tests and benchmarks ssh2 against the Go peers that
// library users must not have to download: golang.org/x/crypto/ssh and
// github.com/pkg/sftp. It is a separate module for that reason.
package interop
