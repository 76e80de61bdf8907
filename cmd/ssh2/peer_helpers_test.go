//go:build unix

package main

// Helpers for the tests that drive the built ssh2 against OpenSSH's sshd
// over every algorithm, with bulk data and re-keys. The algorithm lists,
// log parsing and bulk data they share with ssh2d's are in
// internal/testpeer.

import (
	"os"
	"strings"
	"testing"
)

// hostKeyType maps a host key algorithm to the key type (as in
// testpeer.SSHD.HostKeys) that makes it.
func hostKeyType(alg string) string {
	if strings.HasPrefix(alg, "rsa-sha2-") {
		return "ssh-rsa"
	}
	return alg
}

// readLog returns a whole log file (testpeer.SSHD.Log keeps only its
// tail).
func readLog(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
