package testpeer

import (
	"os"
	"os/user"
	"testing"
)

// The local account that password and keyboard-interactive interop tests
// log in to. scripts/install-peers.sh creates it (as root) with exactly
// this name and password; keep the two in step.
const (
	TestUser     = "ssh2test"
	TestPassword = "ssh2test-Interop-Pw1"
)

// RequireTestAccount returns the name and password of the local test
// account. Servers check passwords against the system's account database
// only when they run as root, so the test is failed under CI and skipped
// elsewhere unless the tests run as root and the account exists.
func RequireTestAccount(t testing.TB) (name, password string) {
	t.Helper()
	msg := ""
	if os.Geteuid() != 0 {
		msg = "password interop needs the tests to run as root"
	} else if _, err := user.Lookup(TestUser); err != nil {
		msg = "test account " + TestUser + " is missing; run scripts/install-peers.sh as root"
	}
	if msg != "" {
		if UnderCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return TestUser, TestPassword
}

// currentUser returns the name of the user the tests run as.
func currentUser(t testing.TB) string {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatalf("testpeer: current user: %v", err)
	}
	return u.Username
}
