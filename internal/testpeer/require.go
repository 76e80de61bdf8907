// Package testpeer finds and starts the real SSH implementations that
// interop tests talk to. Under CI (CI=true) a missing peer fails the test;
// elsewhere it skips, so a developer without the peers can still run the
// unit tests.
//
// Servers (StartSSHD, StartDropbear) listen on 127.0.0.1 at a port chosen
// at run time, with configuration and keys in t.TempDir(); they are killed,
// with every session process they forked, when the test ends, and their
// logs are printed if it failed. Client builders (SSHClientCommand,
// DBClientCommand, PlinkCommand) return an *exec.Cmd that uses no
// configuration of the machine and never prompts. GenerateKey makes keys
// with the real ssh-keygen. Nothing here reads or writes ~/.ssh or
// /etc/ssh. scripts/install-peers.sh installs every peer.
package testpeer

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// UnderCI reports whether the tests run under CI, where every peer must be
// present. CI systems set CI to "true", "1" or a name; only an empty value,
// "false" or "0" means a developer's machine.
func UnderCI() bool {
	switch strings.ToLower(os.Getenv("CI")) {
	case "", "false", "0", "no":
		return false
	}
	return true
}

// Require returns the path of the named program, looking in PATH and then
// in the extra directories. It fails the test under CI and skips it
// elsewhere when the program is missing.
func Require(t testing.TB, name string, extraDirs ...string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range extraDirs {
		p := d + "/" + name
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	if UnderCI() {
		t.Fatalf("peer %q is not installed; run scripts/install-peers.sh", name)
	}
	t.Skipf("peer %q is not installed; run scripts/install-peers.sh", name)
	return ""
}
