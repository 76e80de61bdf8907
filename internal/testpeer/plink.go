package testpeer

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// PlinkOptions describes a PuTTY plink invocation.
type PlinkOptions struct {
	// Port is the server's port on 127.0.0.1. Required.
	Port int
	// User to log in as; empty means the current user.
	User string
	// IdentityFile is an OpenSSH-format private key (e.g. from
	// GenerateKey); it is converted to a PPK file with puttygen.
	IdentityFile string
	// Password is given with -pw.
	Password string
	// HostKeys are the server's public keys ("type base64"), e.g.
	// SSHD.PublicHostKeys(); each becomes a -hostkey fingerprint. At least
	// one is required: in batch mode plink refuses unknown hosts.
	HostKeys []string
	// Args are extra arguments before the destination ("-N", "-s", "-L",
	// ...).
	Args []string
	// Command is the remote command.
	Command []string
}

// PlinkCommand builds, but does not start, a plink command in batch mode
// (it never prompts) with a private HOME (PuTTY keeps its random seed
// there), no agent and no controlling terminal. It is killed when the test
// ends if it still runs.
func PlinkCommand(t testing.TB, opts PlinkOptions) *exec.Cmd {
	t.Helper()
	bin := Require(t, "plink")
	if opts.Port == 0 {
		t.Fatal("testpeer: PlinkOptions.Port is required")
	}
	if len(opts.HostKeys) == 0 {
		t.Fatal("testpeer: PlinkOptions.HostKeys is required")
	}
	home := t.TempDir()
	args := []string{"-ssh", "-batch", "-noagent", "-no-antispoof", "-P", strconv.Itoa(opts.Port)}
	for _, k := range opts.HostKeys {
		fp, err := Fingerprint(k)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, "-hostkey", fp)
	}
	if opts.IdentityFile != "" {
		ppk := filepath.Join(home, "key.ppk")
		conv := Require(t, "puttygen")
		if b, err := exec.Command(conv, opts.IdentityFile, "-O", "private", "-o", ppk).CombinedOutput(); err != nil {
			t.Fatalf("testpeer: puttygen %s: %v\n%s", opts.IdentityFile, err, b)
		}
		args = append(args, "-i", ppk)
	}
	if opts.Password != "" {
		args = append(args, "-pw", opts.Password)
	}
	user := opts.User
	if user == "" {
		user = currentUser(t)
	}
	args = append(args, "-l", user)
	args = append(args, opts.Args...)
	args = append(args, "127.0.0.1")
	args = append(args, opts.Command...)

	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = append(cleanEnv(), "HOME="+home)
	cmd.Dir = home
	detach(cmd)
	return cmd
}
