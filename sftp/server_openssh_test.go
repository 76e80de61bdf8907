package sftp

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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

	// Root can give files away; anyone else can only name their own ids.
	owner, group, linkOwner, linkGroup := os.Getuid(), os.Getgid(), os.Getuid(), os.Getgid()
	if owner == 0 {
		owner, group, linkOwner, linkGroup = 4321, 4322, 4323, 4324
	}

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
		// copy-data, and lsetstat@openssh.com (the -h flags).
		"cp dir/renamed.bin dir/copy.bin",
		"chmod -h 604 dir/copy.bin",
		fmt.Sprintf("chown %d dir/copy.bin", owner),
		fmt.Sprintf("chgrp %d dir/copy.bin", group),
		fmt.Sprintf("chown -h %d dir/sym", linkOwner),
		fmt.Sprintf("chgrp -h %d dir/sym", linkGroup),
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
	mustEqualFile(t, filepath.Join(root, "dir/copy.bin"), up)
	if fi, err := os.Stat(filepath.Join(root, "dir/copy.bin")); err != nil || fi.Mode().Perm() != 0o604 {
		t.Fatalf("chmod -h: %v %v", fi, err)
	}
	for _, c := range []struct {
		name     string
		uid, gid int
	}{{"dir/copy.bin", owner, group}, {"dir/sym", linkOwner, linkGroup}} {
		fi, err := os.Lstat(filepath.Join(root, c.name))
		if err != nil {
			t.Fatal(err)
		}
		if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != c.uid || int(st.Gid) != c.gid {
			t.Errorf("%s: owner %d:%d, want %d:%d", c.name, st.Uid, st.Gid, c.uid, c.gid)
		}
	}
	if owner != os.Getuid() {
		// chown -h changed the link, not the file it points to.
		fi, _ := os.Stat(filepath.Join(root, "dir/renamed.bin"))
		if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != os.Getuid() {
			t.Errorf("chown -h followed the link: target owner %d", st.Uid)
		}
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

// TestOpenSSHClientGiBAgainstOurServer puts and gets 1 GiB through
// OpenSSH's sftp -D and our server, and compares SHA-256 sums of what was
// generated and what each side ended up with. With -short it moves 16 MiB
// (the full-size CI step runs the GiB).
func TestOpenSSHClientGiBAgainstOurServer(t *testing.T) {
	sftpBin := testpeer.Require(t, "sftp")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	size := int64(1 << 30)
	if testing.Short() {
		size = 16<<20 + 3
	}
	root, local := t.TempDir(), t.TempDir()
	want := writeGenerated(t, filepath.Join(local, "gib.src"), size, 42)
	cmd := exec.Command(sftpBin, "-b", "-", "-D", exe)
	cmd.Stdin = strings.NewReader("put gib.src gib\nget gib gib.back\nexit\n")
	cmd.Env = append(os.Environ(), serveEnv+"="+root)
	cmd.Dir = local
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sftp: %v\n%s", err, out)
	}
	for _, p := range []string{filepath.Join(root, "gib"), filepath.Join(local, "gib.back")} {
		if sum, n := hashFile(t, p); n != size || sum != want {
			t.Errorf("%s: %d bytes, sha256 %x; want %d bytes, %x", p, n, sum, size, want)
		}
	}
}

// writeGenerated writes size bytes of a deterministic pseudo-random stream
// (ChaCha8 from seed: fast, and no block repeats) to p and returns their
// SHA-256.
func writeGenerated(t testing.TB, p string, size int64, seed byte) [sha256.Size]byte {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	gen := rand.NewChaCha8([32]byte{seed})
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for left := size; left > 0; left -= int64(len(buf)) {
		buf = buf[:min(int64(len(buf)), left)]
		gen.Read(buf)
		h.Write(buf)
		if _, err := f.Write(buf); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return [sha256.Size]byte(h.Sum(nil))
}

// hashFile returns the SHA-256 and length of the file at p.
func hashFile(t testing.TB, p string) ([sha256.Size]byte, int64) {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		t.Fatal(err)
	}
	return [sha256.Size]byte(h.Sum(nil)), n
}
