package interop

// pkg/sftp's client (over x/crypto/ssh) against our ssh2.Server serving
// the "sftp" subsystem with our DirHandler.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	pkgsftp "github.com/pkg/sftp"
	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/keys"
	"github.com/ssh2go/ssh2/sftp"
	xssh "golang.org/x/crypto/ssh"
)

// sftpPassword is the password startSFTPServer accepts (for Node ssh2).
const sftpPassword = "sftp-interop-pw"

// startSFTPServer serves root over SFTP with our server on loopback. It
// accepts user's key and the password sftpPassword.
func startSFTPServer(t testing.TB, root string, host, user keyPair) string {
	t.Helper()
	h, err := sftp.NewDirHandler(root)
	if err != nil {
		t.Fatal(err)
	}
	srv := &ssh2.Server{
		Config: &ssh2.ServerConfig{
			HostKeys: []ssh2.Signer{host.ours},
			PublicKeyCallback: func(_ context.Context, r *ssh2.PublicKeyRequest) ssh2.Decision {
				if keys.Equal(r.Key, user.ours.PublicKey()) {
					return ssh2.Accept()
				}
				return ssh2.Reject()
			},
			PasswordCallback: func(_ context.Context, r *ssh2.PasswordRequest) ssh2.Decision {
				if r.Password == sftpPassword {
					return ssh2.Accept()
				}
				return ssh2.Reject()
			},
		},
		SubsystemHandlers: map[string]func(*ssh2.Session){
			sftp.SubsystemName: sftp.SubsystemHandler(h),
		},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done; h.Release() })
	return ln.Addr().String()
}

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, ^seed))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	for i := n &^ 7; i < n; i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

func mustEqualFile(t testing.TB, p string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: %d bytes differ from the %d expected", p, len(got), len(want))
	}
}

func TestPkgSFTPClientToOurServer(t *testing.T) {
	host, user := newKeyPair(t), newKeyPair(t)
	root := t.TempDir()
	addr := startSFTPServer(t, root, host, user)
	xc := dialX(t, addr, host, user, xssh.Config{})
	defer xc.Close()
	c, err := pkgsftp.NewClient(xc, pkgsftp.UseConcurrentReads(true), pkgsftp.UseConcurrentWrites(true),
		pkgsftp.MaxConcurrentRequestsPerFile(64))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	size := 64 << 20
	if testing.Short() {
		size = 8 << 20
	}
	up := randomBytes(size+11, 7)
	f, err := c.Create("/up.bin")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.ReadFrom(bytes.NewReader(up)); err != nil || n != int64(len(up)) {
		t.Fatalf("upload: %d, %v", n, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	mustEqualFile(t, filepath.Join(root, "up.bin"), up)

	down := randomBytes(size-3, 8)
	if err := os.WriteFile(filepath.Join(root, "down.bin"), down, 0o600); err != nil {
		t.Fatal(err)
	}
	rf, err := c.Open("/down.bin")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if _, err := rf.WriteTo(&got); err != nil {
		t.Fatal(err)
	}
	rf.Close()
	if !bytes.Equal(got.Bytes(), down) {
		t.Fatalf("download: %d bytes differ from the %d expected", got.Len(), len(down))
	}

	if err := c.Mkdir("/d"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rename("/up.bin", "/d/moved.bin"); err != nil {
		t.Fatal(err)
	}
	if err := c.PosixRename("/down.bin", "/d/down.bin"); err != nil {
		t.Fatal(err)
	}
	ents, err := c.ReadDir("/d")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "down.bin,moved.bin" {
		t.Fatalf("ReadDir: %q", names)
	}
	fi, err := c.Stat("/d/moved.bin")
	if err != nil || fi.Size() != int64(len(up)) {
		t.Fatalf("Stat: %v %v", fi, err)
	}
	if err := c.Remove("/d/moved.bin"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Stat("/d/moved.bin"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Stat after Remove: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "d/moved.bin")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("file still on disk: %v", err)
	}
	// The jail holds for pkg/sftp too.
	if _, err := c.Stat("/../../../etc/passwd"); err == nil {
		t.Fatal("escaped the root")
	}
	if _, err := c.Open("/nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open missing: %v", err)
	}
	// Large directory listing.
	for i := range 300 {
		if err := os.WriteFile(filepath.Join(root, "d", fmt.Sprintf("f%03d", i)), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ents, err = c.ReadDir("/d")
	if err != nil || len(ents) != 301 {
		t.Fatalf("ReadDir of 301 entries: %d, %v", len(ents), err)
	}
}
