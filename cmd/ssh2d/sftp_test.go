package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestBuiltinSFTPReleasesHandler checks that each sftp session's
// directory handler is released when the session ends: while a session
// is open the daemon holds a descriptor of the root, and once OpenSSH's
// sftp has seen the session end it holds none, after as many sessions as
// it served.
func TestBuiltinSFTPReleasesHandler(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "f"), []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startDaemon(t, "-sftp-root", root)
	fdsDir := "/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/fd"
	if _, err := os.ReadDir(fdsDir); err != nil {
		t.Skipf("cannot list the daemon's descriptors: %v", err)
	}
	rootFDs := func() int {
		t.Helper()
		ents, err := os.ReadDir(fdsDir)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range ents {
			target, err := os.Readlink(filepath.Join(fdsDir, e.Name()))
			if err == nil && (target == root || strings.HasPrefix(target, root+"/")) {
				n++
			}
		}
		return n
	}
	for i := range 3 {
		if out, err := sftpBatch(t, s, "get f "+filepath.Join(t.TempDir(), "f")+"\n"); err != nil {
			t.Fatalf("session %d: %v\n%s", i, err, out)
		}
		if n := rootFDs(); n != 0 {
			t.Fatalf("after %d sessions the daemon holds %d descriptors of the root", i+1, n)
		}
	}

	// The probe is not vacuous: an open session holds the root.
	cmd := sftpCommand(t, s)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewScanner(stdout)
	stdin.Write([]byte("pwd\n"))
	for out.Scan() && !strings.HasPrefix(out.Text(), "Remote working directory") {
	}
	if n := rootFDs(); n == 0 {
		t.Error("no descriptor of the root while a session is open: the probe sees nothing")
	}
	stdin.Close()
	for out.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sftp: %v\n%s", err, stderr.String())
	}
	if n := rootFDs(); n != 0 {
		t.Fatalf("the ended session left %d descriptors of the root", n)
	}
}

// TestInternalSFTP checks that -o "Subsystem=sftp internal-sftp" selects
// the built-in server (confined to -sftp-root), as sshd does, instead of
// running a program of that name; that its -R flag makes it read-only;
// and that a flag it does not support refuses sessions.
func TestInternalSFTP(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(t.TempDir(), "src")
	want := []byte("through internal-sftp\n")
	if err := os.WriteFile(src, want, 0o600); err != nil {
		t.Fatal(err)
	}

	s := startDaemon(t, "-sftp-root", root, "-o", "Subsystem=sftp internal-sftp -l INFO -e")
	if out, err := sftpBatch(t, s, "put "+src+" /up\n"); err != nil {
		t.Fatalf("sftp: %v\n%s", err, out)
	}
	if got, err := os.ReadFile(filepath.Join(root, "up")); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("uploaded %q, %v", got, err)
	}

	ro := startDaemon(t, "-sftp-root", root, "-o", "Subsystem=sftp internal-sftp -R")
	back := filepath.Join(t.TempDir(), "back")
	if out, err := sftpBatch(t, ro, "get /up "+back+"\n"); err != nil {
		t.Fatalf("read-only get: %v\n%s", err, out)
	}
	if got, err := os.ReadFile(back); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("downloaded %q, %v", got, err)
	}
	if out, err := sftpBatch(t, ro, "put "+src+" /up2\n"); err == nil {
		t.Fatalf("put through internal-sftp -R succeeded:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(root, "up2")); !os.IsNotExist(err) {
		t.Fatalf("read-only server wrote a file: %v", err)
	}

	bad := startDaemon(t, "-sftp-root", root, "-o", "Subsystem=sftp internal-sftp -P write")
	if out, err := sftpBatch(t, bad, "get /up "+filepath.Join(t.TempDir(), "x")+"\n"); err == nil {
		t.Fatalf("internal-sftp with an unsupported flag served a session:\n%s", out)
	}
	if !strings.Contains(bad.stderr.String(), "not supported") {
		t.Errorf("daemon log does not say why sessions are refused:\n%s", bad.stderr.String())
	}
}

// sftpCommand is OpenSSH's sftp reading commands from its stdin, reusing
// the harness's ssh options through a -S wrapper, as sftpBatch does.
func sftpCommand(t *testing.T, s *testSetup) *exec.Cmd {
	t.Helper()
	sftp := testpeer.Require(t, "sftp")
	probe := s.ssh(t, testpeer.ClientOptions{})
	wrapper := filepath.Join(t.TempDir(), "ssh-wrapper")
	var quoted []string
	for _, a := range probe.Args[1 : len(probe.Args)-1] {
		quoted = append(quoted, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
	}
	script := "#!/bin/sh\nexec " + probe.Path + " " + strings.Join(quoted, " ") + ` "$@"` + "\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(sftp, "-b", "-", "-S", wrapper, "127.0.0.1")
	cmd.Env = probe.Env
	return cmd
}
