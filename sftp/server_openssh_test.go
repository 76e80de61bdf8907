package sftp

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestOpenSSHClientAgainstOurServer drives OpenSSH's sftp client, in batch
// mode, against our server (this test binary re-executed, serving a
// directory on stdin and stdout) and checks the results on disk.
func TestOpenSSHClientAgainstOurServer(t *testing.T) {
	sftpBin := testpeer.Require(t, "sftp")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	local := t.TempDir()
	up := randBytes(3<<20+7, 10)
	os.WriteFile(filepath.Join(local, "up.bin"), up, 0o640)
	down := randBytes(2<<20+3, 11)
	os.WriteFile(filepath.Join(root, "down.bin"), down, 0o600)
	os.MkdirAll(filepath.Join(local, "tree/sub"), 0o755)
	os.WriteFile(filepath.Join(local, "tree/sub/x"), []byte("x-data"), 0o644)
	os.WriteFile(filepath.Join(local, "tree/y"), []byte("y-data"), 0o644)

	batch := strings.Join([]string{
		"pwd",
		"mkdir dir",
		"cd dir",
		"put " + filepath.Join(local, "up.bin"),
		"put -p " + filepath.Join(local, "up.bin") + " up-p.bin",
		"cd /",
		"get down.bin " + filepath.Join(local, "down.bin"),
		"ls -l",
		"ls -l dir",
		"rename dir/up.bin dir/renamed.bin",
		"ln -s renamed.bin dir/sym",
		"ln dir/renamed.bin dir/hard",
		"chmod 600 dir/renamed.bin",
		"df -h",
		"put -r " + filepath.Join(local, "tree") + " tree",
		"get -r tree " + filepath.Join(local, "tree-back"),
		"rm dir/hard",
		"-rm missing-file",
		"mkdir gone",
		"rmdir gone",
		"reget down.bin " + filepath.Join(local, "down.bin"),
		"exit",
	}, "\n") + "\n"
	bf := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(bf, []byte(batch), 0o644)

	cmd := exec.Command(sftpBin, "-b", bf, "-D", exe)
	cmd.Env = append(os.Environ(), serveEnv+"="+root)
	cmd.Dir = local
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("sftp: %v\n%s", err, out.String())
	}
	t.Logf("sftp output:\n%s", out.String())

	mustEqualFile(t, filepath.Join(root, "dir/renamed.bin"), up)
	mustEqualFile(t, filepath.Join(root, "dir/up-p.bin"), up)
	mustEqualFile(t, filepath.Join(local, "down.bin"), down)
	mustEqualFile(t, filepath.Join(root, "tree/sub/x"), []byte("x-data"))
	mustEqualFile(t, filepath.Join(local, "tree-back/y"), []byte("y-data"))
	if fi, err := os.Stat(filepath.Join(root, "dir/renamed.bin")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("chmod: %v %v", fi, err)
	}
	if fi, err := os.Stat(filepath.Join(root, "dir/up-p.bin")); err != nil || fi.Mode().Perm() != 0o640 {
		t.Fatalf("put -p mode: %v %v", fi, err)
	}
	if target, err := os.Readlink(filepath.Join(root, "dir/sym")); err != nil || target != "renamed.bin" {
		t.Fatalf("symlink: %q %v", target, err)
	}
	for _, gone := range []string{"dir/hard", "gone", "dir/up.bin"} {
		if _, err := os.Lstat(filepath.Join(root, gone)); !os.IsNotExist(err) {
			t.Errorf("%s still exists: %v", gone, err)
		}
	}
	if !strings.Contains(out.String(), "down.bin") || !strings.Contains(out.String(), "renamed.bin") {
		t.Errorf("listing lacks expected names")
	}
}
