package sftp

import (
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
	"go.uber.org/goleak"
)

// serveEnv, when set, makes the test binary an SFTP server on stdin and
// stdout rooted at the named directory, for OpenSSH's sftp -D.
const serveEnv = "SSH2GO_SFTP_TEST_SERVE_ROOT"

func TestMain(m *testing.M) {
	if root := os.Getenv(serveEnv); root != "" {
		os.Exit(serveStdio(root))
	}
	goleak.VerifyTestMain(m)
}

func serveStdio(root string) int {
	h, err := NewDirHandler(root)
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 1
	}
	defer h.Release()
	srv := &Server{Handler: h}
	if err := srv.ServePipe(context.Background(), os.Stdin, os.Stdout); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 1
	}
	return 0
}

// openSSHClient starts OpenSSH's sftp-server in dir and returns our client
// connected to it over a socket pair (as OpenSSH's sftp -D does).
func openSSHClient(t testing.TB, dir string, opts ...ClientOption) *Client {
	t.Helper()
	return openSSHClientWrap(t, dir, nil, opts...)
}

// openSSHClientWrap is openSSHClient with the client's stream wrapped by
// wrap, if not nil.
func openSSHClientWrap(t testing.TB, dir string, wrap func(net.Conn) io.ReadWriteCloser, opts ...ClientOption) *Client {
	t.Helper()
	bin := testpeer.Require(t, "sftp-server", "/usr/lib/openssh", "/usr/libexec/openssh", "/usr/lib/ssh")
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	// exec passes only cmd's own files on; SOCK_CLOEXEC is not portable.
	syscall.CloseOnExec(fds[0])
	syscall.CloseOnExec(fds[1])
	ours, theirs := os.NewFile(uintptr(fds[0]), "sftp-client"), os.NewFile(uintptr(fds[1]), "sftp-server")
	cmd := exec.Command(bin, "-e", "-l", "QUIET", "-d", dir)
	cmd.Dir = dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = theirs, theirs, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	theirs.Close()
	conn, err := net.FileConn(ours)
	ours.Close()
	if err != nil {
		t.Fatal(err)
	}
	var rwc io.ReadWriteCloser = conn
	if wrap != nil {
		rwc = wrap(conn)
	}
	c, err := NewClient(context.Background(), rwc, opts...)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		if err := cmd.Wait(); err != nil {
			t.Logf("sftp-server exited: %v", err)
		}
	})
	return c
}

// pipePair connects our client to our server over in-memory pipes.
func pipePair(t testing.TB, srv *Server, opts ...ClientOption) *Client {
	t.Helper()
	cr, sw := io.Pipe()
	sr, cw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := srv.ServePipe(context.Background(), sr, sw)
		sw.Close()
		sr.Close()
		done <- err
	}()
	c, err := NewClientPipe(context.Background(), cr, cw, opts...)
	if err != nil {
		cw.Close()
		<-done
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		if err := <-done; err != nil {
			t.Logf("server: %v", err)
		}
	})
	return c
}

// dirPair serves dir with a DirHandler to our client in process.
func dirPair(t testing.TB, dir string, opts ...DirOption) *Client {
	t.Helper()
	h, err := NewDirHandler(dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Release() })
	return pipePair(t, &Server{Handler: h})
}

// peer is a server our client can talk to in the shared tests.
type peer struct {
	name    string
	connect func(t testing.TB, dir string) *Client
}

var peers = []peer{
	{"openssh", func(t testing.TB, dir string) *Client { return openSSHClient(t, dir) }},
	{"ours", func(t testing.TB, dir string) *Client { return dirPair(t, dir) }},
}

// forEachPeer runs fn against OpenSSH's sftp-server and our DirHandler,
// each serving a fresh directory.
func forEachPeer(t *testing.T, fn func(t *testing.T, c *Client, dir string)) {
	for _, p := range peers {
		t.Run(p.name, func(t *testing.T) {
			dir := t.TempDir()
			fn(t, p.connect(t, dir), dir)
		})
	}
}
