package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// ssh2dBin is the command under test, built once by TestMain.
var ssh2dBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ssh2d-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ssh2dBin = filepath.Join(dir, "ssh2d")
	build := exec.Command("go", "build", "-o", ssh2dBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building ssh2d:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// daemon is a running ssh2d.
type daemon struct {
	cmd     *exec.Cmd
	port    int
	hostKey string   // path of the host key
	hostPub string   // "type base64" of the host key
	startup []string // stdout lines up to "listening on"
	stderr  *syncBuffer
	done    chan struct{}
	waitErr error
}

// startupTimeout bounds how long a start-up may take before the test
// fails instead of hanging.
const startupTimeout = 60 * time.Second

// startDaemonArgs starts ssh2d with exactly args and returns once it
// prints its address.
func startDaemonArgs(t *testing.T, env []string, args ...string) *daemon {
	t.Helper()
	d := &daemon{stderr: &syncBuffer{}, done: make(chan struct{})}
	d.cmd = exec.Command(ssh2dBin, args...)
	d.cmd.Env = append(os.Environ(), env...)
	d.cmd.Stderr = d.stderr
	out, err := d.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		if d.cmd.ProcessState == nil {
			if err := d.stop(); err != nil {
				t.Errorf("ssh2d did not shut down cleanly: %v\n%s", err, d.stderr.String())
			}
		}
		if t.Failed() {
			t.Logf("ssh2d stderr:\n%s", d.stderr.String())
		}
	})
	listening := regexp.MustCompile(`^ssh2d: listening on 127\.0\.0\.1:(\d+)$`)
	timeout := time.After(startupTimeout)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				d.cmd.Wait()
				t.Fatalf("ssh2d exited during start-up: %v\nstdout: %q\nstderr: %s", d.cmd.ProcessState, d.startup, d.stderr.String())
			}
			d.startup = append(d.startup, line)
			if m := listening.FindStringSubmatch(line); m != nil {
				d.port, _ = strconv.Atoi(m[1])
				go func() {
					for range lines { // later output is not needed
					}
				}()
				go func() { d.waitErr = d.cmd.Wait(); close(d.done) }()
				return d
			}
		case <-timeout:
			d.cmd.Process.Kill()
			t.Fatalf("ssh2d printed no address; stdout %q, stderr %s", d.startup, d.stderr.String())
		}
	}
}

// testSetup is a temporary key pair for the client and an ssh2d that
// accepts it.
type testSetup struct {
	*daemon
	identity string // private key file for ssh -i
}

// startDaemon starts ssh2d on a free loopback port with a new host key
// and an authorized_keys file holding a fresh client key, plus args.
func startDaemon(t *testing.T, args ...string) *testSetup {
	t.Helper()
	dir := t.TempDir()
	priv, pubLine := testpeer.GenerateKey(t, "ed25519", 0)
	ak := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(ak, []byte(pubLine+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hk := filepath.Join(dir, "host_key")
	all := append([]string{"-listen", "127.0.0.1:0", "-hostkey", hk, "-authorized-keys", ak}, args...)
	d := startDaemonArgs(t, nil, all...)
	d.hostKey = hk
	pub, err := os.ReadFile(hk + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(pub))
	d.hostPub = f[0] + " " + f[1]
	return &testSetup{daemon: d, identity: priv}
}

// stop sends SIGTERM and waits for the exit.
func (d *daemon) stop() error {
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-d.done:
	case <-time.After(startupTimeout):
		d.cmd.Process.Kill()
		<-d.done
		return errors.New("no exit after SIGTERM")
	}
	return d.waitErr
}

func (s *testSetup) knownHosts() []string {
	return []string{fmt.Sprintf("[127.0.0.1]:%d %s", s.port, s.hostPub)}
}

// ssh builds an OpenSSH ssh command for this server, checking its host
// key and offering the authorized client key.
func (s *testSetup) ssh(t *testing.T, opts testpeer.ClientOptions) *exec.Cmd {
	t.Helper()
	opts.Port = s.port
	if opts.KnownHosts == nil {
		opts.KnownHosts = s.knownHosts()
	}
	if opts.IdentityFile == "" && opts.Password == "" {
		opts.IdentityFile = s.identity
	}
	return testpeer.SSHClientCommand(t, opts)
}

// output runs cmd and returns its stdout, stderr and exit code.
func output(t *testing.T, cmd *exec.Cmd) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("running %v: %v", cmd.Args, err)
	}
	return o.String(), e.String(), cmd.ProcessState.ExitCode()
}

func currentUser(t *testing.T) *user.User {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u
}
