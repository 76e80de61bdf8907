package sftp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/keys"
)

// sshBulkSize is the size of the files moved end to end over SSH.
func sshBulkSize() int {
	if testing.Short() {
		return 8 << 20
	}
	return 64 << 20
}

// loadSigner reads a private key file made by testpeer.GenerateKey.
func loadSigner(t testing.TB, privPath string) ssh2.Signer {
	t.Helper()
	pem, err := os.ReadFile(privPath)
	if err != nil {
		t.Fatal(err)
	}
	s, err := keys.ParsePrivateKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// trustKeys returns a host key callback accepting exactly the given
// "type base64" lines.
func trustKeys(t testing.TB, lines []string) ssh2.HostKeyCallback {
	t.Helper()
	var trusted []keys.PublicKey
	for _, line := range lines {
		k, _, _, _, err := keys.ParseAuthorizedKey([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		trusted = append(trusted, k)
	}
	return func(_ string, _ net.Addr, k ssh2.PublicKey) error {
		for _, tk := range trusted {
			if keys.Equal(tk, k) {
				return nil
			}
		}
		return errors.New("unknown host key")
	}
}

// sshdSFTP starts OpenSSH's sshd (internal-sftp) and returns our SFTP
// client logged in to it over our SSH client.
func sshdSFTP(t testing.TB, opts ...ClientOption) (*Client, *ssh2.Client) {
	t.Helper()
	d := testpeer.StartSSHD(t, testpeer.SSHDOptions{})
	priv, pub := testpeer.GenerateKey(t, "ed25519", 0)
	d.AuthorizeKey(t, pub)
	cfg := &ssh2.ClientConfig{
		User:            d.User,
		Auth:            []ssh2.AuthMethod{ssh2.PublicKeys(loadSigner(t, priv))},
		HostKeyCallback: trustKeys(t, d.PublicHostKeys()),
	}
	return dialSFTP(t, d.Addr, cfg, opts...)
}

func dialSFTP(t testing.TB, addr string, cfg *ssh2.ClientConfig, opts ...ClientOption) (*Client, *ssh2.Client) {
	t.Helper()
	ctx := context.Background()
	sc, err := ssh2.Dial(ctx, "tcp", addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewSSHClient(ctx, sc, opts...)
	if err != nil {
		sc.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		sc.Close()
	})
	return c, sc
}

// ourSSHServer serves SFTP rooted at root with our ssh2.Server on
// 127.0.0.1 and accepts one fresh ed25519 user key and the password "pw".
type ourSSHServer struct {
	addr    string
	port    int
	known   []string // known_hosts lines
	hostPub []string // "type base64"
	keyPath string
	userKey ssh2.Signer
}

func startOurSSHServer(t testing.TB, root string) *ourSSHServer {
	t.Helper()
	priv, pub := testpeer.GenerateKey(t, "ed25519", 0)
	userKey, _, _, _, err := keys.ParseAuthorizedKey([]byte(pub))
	if err != nil {
		t.Fatal(err)
	}
	host, err := keys.Generate("ed25519", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh2.ServerConfig{
		HostKeys: []ssh2.Signer{host},
		PublicKeyCallback: func(_ context.Context, r *ssh2.PublicKeyRequest) ssh2.Decision {
			if keys.Equal(r.Key, userKey) {
				return ssh2.Accept()
			}
			return ssh2.Reject()
		},
		PasswordCallback: func(_ context.Context, r *ssh2.PasswordRequest) ssh2.Decision {
			if r.Password == "pw" {
				return ssh2.Accept()
			}
			return ssh2.Reject()
		},
	}
	h, err := NewDirHandler(root)
	if err != nil {
		t.Fatal(err)
	}
	srv := &ssh2.Server{Config: cfg, SubsystemHandlers: map[string]func(*ssh2.Session){
		SubsystemName: SubsystemHandler(h),
	}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	hostLine := strings.TrimSpace(string(keys.MarshalAuthorizedKey(host.PublicKey())))
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done; h.Release() })
	return &ourSSHServer{
		addr: ln.Addr().String(), port: port,
		known:   []string{fmt.Sprintf("[127.0.0.1]:%d %s", port, hostLine)},
		hostPub: []string{hostLine},
		keyPath: priv, userKey: loadSigner(t, priv),
	}
}

// exerciseClient uploads and downloads a bulk file through c, in the
// remote directory rdir (which is the local directory ldir on disk), and
// runs a few path operations.
func exerciseClient(t *testing.T, c *Client, rdir, ldir string) {
	ctx := context.Background()
	data := randBytes(sshBulkSize()+13, 42)
	local := t.TempDir()
	src := filepath.Join(local, "src.bin")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := c.Upload(ctx, src, path.Join(rdir, "up.bin"), nil)
	if err != nil || n != int64(len(data)) {
		t.Fatalf("Upload: %d, %v", n, err)
	}
	mustEqualFile(t, filepath.Join(ldir, "up.bin"), data)

	down := randBytes(sshBulkSize()-5, 43)
	if err := os.WriteFile(filepath.Join(ldir, "down.bin"), down, 0o600); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(local, "dst.bin")
	n, err = c.Download(ctx, path.Join(rdir, "down.bin"), dst, nil)
	if err != nil || n != int64(len(down)) {
		t.Fatalf("Download: %d, %v", n, err)
	}
	mustEqualFile(t, dst, down)

	if err := c.Mkdir(ctx, path.Join(rdir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := c.Rename(ctx, path.Join(rdir, "up.bin"), path.Join(rdir, "d/moved.bin")); err != nil {
		t.Fatal(err)
	}
	fi, err := c.Stat(ctx, path.Join(rdir, "d/moved.bin"))
	if err != nil || fi.Size() != int64(len(data)) {
		t.Fatalf("Stat: %v, %v", fi, err)
	}
	if _, err := c.Stat(ctx, path.Join(rdir, "up.bin")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Stat of renamed file: %v, want ErrNotExist", err)
	}
	ents, err := c.ReadDir(ctx, rdir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, ","); got != "d,down.bin" {
		t.Fatalf("ReadDir: %q", got)
	}
	if err := c.Remove(ctx, path.Join(rdir, "d/moved.bin")); err != nil {
		t.Fatal(err)
	}
	if err := c.Rmdir(ctx, path.Join(rdir, "d")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(ldir, "d")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("directory still there: %v", err)
	}
}

// TestSSHClientToSSHD runs our client over our SSH client against
// OpenSSH's sshd with internal-sftp.
func TestSSHClientToSSHD(t *testing.T) {
	c, _ := sshdSFTP(t)
	dir := t.TempDir()
	exerciseClient(t, c, dir, dir)
	if !c.HasExtension(ExtPosixRename) {
		t.Errorf("internal-sftp extensions not seen: %v", c.Extensions())
	}
}

// TestSSHClientCloseClosesChannel checks that closing the SFTP client
// ends its channel while the connection stays usable.
func TestSSHClientCloseClosesChannel(t *testing.T) {
	c, sc := sshdSFTP(t)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Stat(context.Background(), "/"); err == nil {
		t.Fatal("Stat after Close succeeded")
	}
	c2, err := NewSSHClient(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.Stat(context.Background(), "/"); err != nil {
		t.Fatal(err)
	}
}

// TestSSHClientToOurServer runs our client against our ssh2.Server serving
// a directory with SubsystemHandler, in process.
func TestSSHClientToOurServer(t *testing.T) {
	root := t.TempDir()
	s := startOurSSHServer(t, root)
	c, _ := dialSFTP(t, s.addr, &ssh2.ClientConfig{
		User:            "someone",
		Auth:            []ssh2.AuthMethod{ssh2.PublicKeys(s.userKey)},
		HostKeyCallback: trustKeys(t, s.hostPub),
	})
	exerciseClient(t, c, "/", root)
	// The jail holds over SSH too.
	if _, err := c.Stat(context.Background(), "/../../etc/passwd"); err == nil {
		t.Fatal("escaped the root")
	}
}

// TestSSHSessionExitStatus checks that a subsystem session ends with exit
// status 0 when the client closes its side.
func TestSSHSessionExitStatus(t *testing.T) {
	s := startOurSSHServer(t, t.TempDir())
	ctx := context.Background()
	sc, err := ssh2.Dial(ctx, "tcp", s.addr, &ssh2.ClientConfig{
		User: "someone", Auth: []ssh2.AuthMethod{ssh2.Password("pw")},
		HostKeyCallback: trustKeys(t, s.hostPub),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	ch, err := sc.Subsystem(ctx, SubsystemName)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	if _, err := ch.Write(appendInit(nil, ProtocolVersion)); err != nil {
		t.Fatal(err)
	}
	ch.CloseWrite()
	if err := ch.Wait(); err != nil {
		t.Fatalf("exit: %v", err)
	}
}

// TestOpenSSHSftpToOurServer drives OpenSSH's sftp client, over OpenSSH's
// ssh, against our ssh2.Server.
func TestOpenSSHSftpToOurServer(t *testing.T) {
	sftpBin := testpeer.Require(t, "sftp")
	root := t.TempDir()
	s := startOurSSHServer(t, root)
	work := t.TempDir()
	up := randBytes(sshBulkSize()+3, 50)
	down := randBytes(sshBulkSize()/2+1, 51)
	os.WriteFile(filepath.Join(work, "up.bin"), up, 0o640)
	os.WriteFile(filepath.Join(root, "down.bin"), down, 0o600)
	batch := strings.Join([]string{
		"mkdir dir",
		"cd dir",
		"put up.bin",
		"cd /",
		"get down.bin got.bin",
		"ls -l dir",
		"rename dir/up.bin dir/renamed.bin",
		"ln -s renamed.bin dir/sym",
		"chmod 600 dir/renamed.bin",
		"mkdir gone",
		"rmdir gone",
		"-rm missing",
		"df",
		"bye",
	}, "\n") + "\n"
	bf := filepath.Join(work, "batch")
	os.WriteFile(bf, []byte(batch), 0o644)
	kh := filepath.Join(work, "known_hosts")
	os.WriteFile(kh, []byte(strings.Join(s.known, "\n")+"\n"), 0o600)
	cmd := exec.Command(sftpBin, "-b", bf, "-P", fmt.Sprint(s.port), "-F", "none", "-i", s.keyPath,
		"-o", "UserKnownHostsFile="+kh, "-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "StrictHostKeyChecking=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
		"someone@127.0.0.1")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "HOME="+work)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("sftp: %v\n%s", err, out.String())
	}
	mustEqualFile(t, filepath.Join(root, "dir/renamed.bin"), up)
	mustEqualFile(t, filepath.Join(work, "got.bin"), down)
	if fi, err := os.Stat(filepath.Join(root, "dir/renamed.bin")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("chmod: %v %v", fi, err)
	}
	if l, err := os.Readlink(filepath.Join(root, "dir/sym")); err != nil || l != "renamed.bin" {
		t.Fatalf("symlink: %q %v", l, err)
	}
	if _, err := os.Stat(filepath.Join(root, "gone")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("rmdir: %v", err)
	}
	if !strings.Contains(out.String(), "sftp> get down.bin got.bin") {
		t.Errorf("batch echo missing:\n%s", out.String())
	}
}
