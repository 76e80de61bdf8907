package ssh2_test

// Interop with OpenSSH in both directions: our client against a real sshd,
// and a real ssh client against our server, on 127.0.0.1.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/internal/transport/cipher"
	"github.com/ssh2go/ssh2/internal/transport/kex"
	"github.com/ssh2go/ssh2/keys"
)

// opensshKex are the key exchanges Debian's OpenSSH 9.2 implements; the
// post-quantum hybrid is proven against x/crypto/ssh in the interop module.
func opensshKex() []string {
	return slices.DeleteFunc(kex.Supported(), func(s string) bool { return s == kex.MLKEM768X25519SHA256 })
}

var opensshHostKeyAlgs = []string{
	keys.SigED25519, keys.SigECDSA256, keys.SigECDSA384, keys.SigECDSA521, keys.SigRSASHA512, keys.SigRSASHA256,
}

// sshdClient starts sshd and returns a ClientConfig that logs in to it
// with a fresh ed25519 key and trusts exactly its host keys.
func sshdClient(t *testing.T, sshdConfig ...string) (*testpeer.SSHD, *ssh2.ClientConfig) {
	t.Helper()
	d := testpeer.StartSSHD(t, testpeer.SSHDOptions{Config: sshdConfig})
	priv, pub := testpeer.GenerateKey(t, "ed25519", 0)
	d.AuthorizeKey(t, pub)
	pem, err := os.ReadFile(priv)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := keys.ParsePrivateKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	var trusted []keys.PublicKey
	for _, line := range d.PublicHostKeys() {
		k, _, _, _, err := keys.ParseAuthorizedKey([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		trusted = append(trusted, k)
	}
	cfg := &ssh2.ClientConfig{
		User: d.User,
		Auth: []ssh2.AuthMethod{ssh2.PublicKeys(signer)},
		HostKeyCallback: func(_ string, _ net.Addr, k ssh2.PublicKey) error {
			for _, tk := range trusted {
				if keys.Equal(tk, k) {
					return nil
				}
			}
			return errors.New("unknown host key")
		},
	}
	return d, cfg
}

func dialSSHD(t *testing.T, d *testpeer.SSHD, cfg *ssh2.ClientConfig) *ssh2.Client {
	t.Helper()
	c, err := ssh2.Dial(context.Background(), "tcp", d.Addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func output(t *testing.T, c *ssh2.Client, cmd string) string {
	t.Helper()
	out, err := c.Output(context.Background(), cmd)
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	return string(out)
}

func TestClientToSSHDEveryAlgorithm(t *testing.T) {
	d, base := sshdClient(t, "KexAlgorithms "+strings.Join(opensshKex(), ","),
		"Ciphers "+strings.Join(cipher.SupportedCiphers(), ","),
		"MACs "+strings.Join(cipher.SupportedMACs(), ","),
		"HostKeyAlgorithms "+strings.Join(opensshHostKeyAlgs, ","))
	try := func(t *testing.T, mod func(*ssh2.ClientConfig), check func(ssh2.Algorithms) bool) {
		cfg := *base
		var got ssh2.Algorithms
		cfg.OnHandshake = func(a ssh2.Algorithms) { got = a }
		mod(&cfg)
		c := dialSSHD(t, d, &cfg)
		if out := output(t, c, "echo hello"); out != "hello\n" {
			t.Fatalf("output %q", out)
		}
		if !check(got) {
			t.Fatalf("negotiated %+v", got)
		}
	}
	for _, k := range opensshKex() {
		t.Run("kex/"+k, func(t *testing.T) {
			try(t, func(c *ssh2.ClientConfig) { c.KexAlgorithms = []string{k} }, func(a ssh2.Algorithms) bool { return a.Kex == k })
		})
	}
	for _, h := range opensshHostKeyAlgs {
		t.Run("hostkey/"+h, func(t *testing.T) {
			try(t, func(c *ssh2.ClientConfig) { c.HostKeyAlgorithms = []string{h} }, func(a ssh2.Algorithms) bool { return a.HostKey == h })
		})
	}
	for _, ci := range cipher.SupportedCiphers() {
		t.Run("cipher/"+ci, func(t *testing.T) {
			try(t, func(c *ssh2.ClientConfig) { c.Ciphers = []string{ci} }, func(a ssh2.Algorithms) bool {
				return a.CipherClientServer == ci && a.CipherServerClient == ci
			})
		})
	}
	for _, m := range cipher.SupportedMACs() {
		t.Run("mac/"+m, func(t *testing.T) {
			try(t, func(c *ssh2.ClientConfig) { c.Ciphers = []string{cipher.AES128CTR}; c.MACs = []string{m} },
				func(a ssh2.Algorithms) bool { return a.MACClientServer == m && a.MACServerClient == m })
		})
	}
}

func TestClientToSSHDExecStderrPty(t *testing.T) {
	// At debug levels sshd's session process logs into the channel's
	// stderr, which this test checks byte for byte.
	d, cfg := sshdClient(t, "LogLevel INFO")
	c := dialSSHD(t, d, cfg)
	ch, err := c.Exec(context.Background(), "echo out; echo err >&2; exit 7", nil)
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); io.Copy(&stderr, ch.Stderr()) }()
	stdout, _ := io.ReadAll(ch)
	wg.Wait()
	var ee *ssh2.ExitError
	if err := ch.Wait(); !errors.As(err, &ee) || ee.Status != 7 {
		t.Fatalf("Wait = %v", err)
	}
	if string(stdout) != "out\n" || stderr.String() != "err\n" {
		t.Fatalf("stdout %q stderr %q", stdout, stderr.String())
	}
	ch.Close()

	ch, err = c.Exec(context.Background(), "kill -TERM $$", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Wait(); !errors.As(err, &ee) || ee.Signal != "TERM" {
		t.Fatalf("killed: Wait = %v", err)
	}
	ch.Close()

	ch, err = c.Exec(context.Background(), "tty; stty size; echo $TERM", &ssh2.ExecOptions{Pty: &ssh2.PtyOptions{Term: "xterm", Columns: 91, Rows: 33}})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(ch)
	ch.Close()
	lines := strings.Split(strings.ReplaceAll(string(out), "\r", ""), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "/dev/pts/") || lines[1] != "33 91" || lines[2] != "xterm" {
		t.Fatalf("pty session printed %q", out)
	}
}

// bulkSize is 64 MiB, or 8 MiB with -short.
func bulkSize() int {
	if testing.Short() {
		return 8 << 20
	}
	return 64 << 20
}

func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, seed+1))
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// TestClientToSSHDBulkAndRekey moves bulkSize bytes each way byte-exact
// while sshd (RekeyLimit) and our client (RekeyLimit, and one re-key on
// demand) both start key exchanges mid-transfer.
func TestClientToSSHDBulkAndRekey(t *testing.T) {
	d, cfg := sshdClient(t, "RekeyLimit 4M")
	var rounds int
	var mu sync.Mutex
	cfg.RekeyLimit = 5 << 20
	cfg.OnHandshake = func(ssh2.Algorithms) { mu.Lock(); rounds++; mu.Unlock() }
	c := dialSSHD(t, d, cfg)
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	n := bulkSize()
	src := randomBytes(n, 7)

	// Upload through "cat > file" with a client-started re-key halfway.
	up := filepath.Join(dir, "up")
	ch, err := c.Exec(context.Background(), "cat > "+up, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.Write(src[:n/2]); err != nil {
		t.Fatal(err)
	}
	if err := c.RequestKeyExchange(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.Write(src[n/2:]); err != nil {
		t.Fatal(err)
	}
	ch.CloseWrite()
	if err := ch.Wait(); err != nil {
		t.Fatal(err)
	}
	ch.Close()
	got, err := os.ReadFile(up)
	if err != nil || !bytes.Equal(got, src) {
		t.Fatalf("upload: %d bytes arrived of %d (%v)", len(got), n, err)
	}

	// Download the same file back.
	ch, err = c.Exec(context.Background(), "cat "+up, nil)
	if err != nil {
		t.Fatal(err)
	}
	down, err := io.ReadAll(ch)
	if err != nil || !bytes.Equal(down, src) {
		t.Fatalf("download: %d bytes of %d (%v)", len(down), n, err)
	}
	if err := ch.Wait(); err != nil {
		t.Fatal(err)
	}
	ch.Close()
	mu.Lock()
	defer mu.Unlock()
	if min := 1 + 2*n/(5<<20); rounds < min {
		t.Fatalf("%d key exchanges, want at least %d", rounds, min)
	}
}

func TestClientToSSHDPasswordAndKeyboardInteractive(t *testing.T) {
	user, pass := testpeer.RequireTestAccount(t)
	d, base := sshdClient(t)
	for _, method := range []string{"password", "keyboard-interactive"} {
		t.Run(method, func(t *testing.T) {
			for _, pw := range []string{pass, "wrong-password"} {
				cfg := *base
				cfg.User = user
				if method == "password" {
					cfg.Auth = []ssh2.AuthMethod{ssh2.Password(pw)}
				} else {
					cfg.Auth = []ssh2.AuthMethod{ssh2.KeyboardInteractive(func(_, _ string, ps []ssh2.Prompt) ([]string, error) {
						a := make([]string, len(ps))
						for i := range a {
							a[i] = pw
						}
						return a, nil
					})}
				}
				c, err := ssh2.Dial(context.Background(), "tcp", d.Addr, &cfg)
				if pw != pass {
					var ae *ssh2.AuthError
					if !errors.As(err, &ae) {
						t.Fatalf("wrong password: err = %v", err)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if out := output(t, c, "id -un"); out != user+"\n" {
					t.Fatalf("id -un = %q", out)
				}
				c.Close()
			}
		})
	}
}

func TestClientToSSHDRejectsWrongKey(t *testing.T) {
	d, cfg := sshdClient(t)
	other, err := keys.GenerateEd25519(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Auth = []ssh2.AuthMethod{ssh2.PublicKeys(other)}
	_, err = ssh2.Dial(context.Background(), "tcp", d.Addr, cfg)
	var ae *ssh2.AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
}

// --- OpenSSH ssh against our server ---

// testHandler interprets a few commands so the tests need no shell.
func testHandler(s *ssh2.Session) {
	cmd := s.Command()
	switch {
	case cmd == "cat":
		io.Copy(s, s)
	case strings.HasPrefix(cmd, "send "):
		n, _ := strconv.Atoi(strings.TrimPrefix(cmd, "send "))
		s.Write(randomBytes(n, 9))
	case cmd == "sha256":
		h := sha256.New()
		io.Copy(h, s)
		fmt.Fprintf(s, "%x\n", h.Sum(nil))
	case strings.HasPrefix(cmd, "exit "):
		code, _ := strconv.Atoi(strings.TrimPrefix(cmd, "exit "))
		fmt.Fprintln(s.Stderr(), "to stderr")
		s.Exit(code)
	case cmd == "pty":
		p, ok := s.Pty()
		fmt.Fprintf(s, "%v %s %dx%d\r\n", ok, p.Term, p.Columns, p.Rows)
	default:
		fmt.Fprintf(s, "hello %s\n", s.User())
	}
}

type ourServer struct {
	kexMu   sync.Mutex
	kexes   int // completed key exchanges, over all connections
	addr    string
	port    int
	known   []string // known_hosts lines for 127.0.0.1
	keyPath string   // a client key the server accepts
}

// startOurServer serves testHandler offering every algorithm we support,
// and accepts one ed25519 user key and the password "pw".
func startOurServer(t *testing.T, mod func(*ssh2.ServerConfig)) *ourServer {
	t.Helper()
	priv, pub := testpeer.GenerateKey(t, "ed25519", 0)
	userKey, _, _, _, err := keys.ParseAuthorizedKey([]byte(pub))
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh2.ServerConfig{
		Config: ssh2.Config{
			KexAlgorithms: kex.Supported(),
			Ciphers:       cipher.SupportedCiphers(),
			MACs:          cipher.SupportedMACs(),
		},
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
		KeyboardInteractiveCallback: func(_ context.Context, r *ssh2.KeyboardInteractiveRequest, ask ssh2.Challenge) ssh2.Decision {
			a, err := ask("", "", []ssh2.Prompt{{Text: "Password: "}})
			if err == nil && len(a) == 1 && a[0] == "pw" {
				return ssh2.Accept()
			}
			return ssh2.Reject()
		},
	}
	var known []string
	for _, spec := range []struct {
		typ  string
		bits int
	}{{"ed25519", 0}, {"ecdsa", 256}, {"ecdsa", 384}, {"ecdsa", 521}, {"rsa", 2048}} {
		s, err := keys.Generate(spec.typ, spec.bits, nil)
		if err != nil {
			t.Fatal(err)
		}
		cfg.HostKeys = append(cfg.HostKeys, s)
	}
	if mod != nil {
		mod(cfg)
	}
	o := &ourServer{}
	cfg.OnHandshake = func(ssh2.Algorithms) { o.kexMu.Lock(); o.kexes++; o.kexMu.Unlock() }
	srv := &ssh2.Server{Config: cfg, Handler: testHandler}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	for _, s := range cfg.HostKeys {
		known = append(known, fmt.Sprintf("[127.0.0.1]:%d %s", port, strings.TrimSpace(string(keys.MarshalAuthorizedKey(s.PublicKey())))))
	}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	o.addr, o.port, o.known, o.keyPath = ln.Addr().String(), port, known, priv
	return o
}

func runSSH(t *testing.T, o testpeer.ClientOptions, stdin io.Reader) (stdout, stderr []byte, code int) {
	t.Helper()
	cmd := testpeer.SSHClientCommand(t, o)
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee interface{ ExitCode() int }
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	if ee != nil {
		code = ee.ExitCode()
	}
	return out.Bytes(), errb.Bytes(), code
}

func TestSSHToServerEveryAlgorithm(t *testing.T) {
	srv := startOurServer(t, nil)
	try := func(t *testing.T, opts ...string) {
		o := testpeer.ClientOptions{Port: srv.port, IdentityFile: srv.keyPath, KnownHosts: srv.known, Options: opts, Command: []string{"hi"}}
		out, errOut, code := runSSH(t, o, nil)
		if code != 0 || !strings.HasPrefix(string(out), "hello ") {
			t.Fatalf("ssh %v: exit %d, stdout %q, stderr %s", opts, code, out, errOut)
		}
	}
	for _, k := range opensshKex() {
		t.Run("kex/"+k, func(t *testing.T) { try(t, "KexAlgorithms="+k) })
	}
	for _, h := range opensshHostKeyAlgs {
		t.Run("hostkey/"+h, func(t *testing.T) { try(t, "HostKeyAlgorithms="+h) })
	}
	for _, c := range cipher.SupportedCiphers() {
		t.Run("cipher/"+c, func(t *testing.T) { try(t, "Ciphers="+c) })
	}
	for _, m := range cipher.SupportedMACs() {
		t.Run("mac/"+m, func(t *testing.T) { try(t, "Ciphers=aes128-ctr", "MACs="+m) })
	}
}

func TestSSHToServerExecBulkPty(t *testing.T) {
	srv := startOurServer(t, func(c *ssh2.ServerConfig) { c.RekeyLimit = 4 << 20 })
	base := testpeer.ClientOptions{Port: srv.port, IdentityFile: srv.keyPath, KnownHosts: srv.known, Options: []string{"RekeyLimit=3M"}}

	o := base
	o.Command = []string{"exit 42"}
	out, errOut, code := runSSH(t, o, nil)
	if code != 42 || len(out) != 0 || string(errOut) != "to stderr\n" {
		t.Fatalf("exit: code %d stdout %q stderr %q", code, out, errOut)
	}

	n := bulkSize()
	src := randomBytes(n, 3)
	o = base
	o.Command = []string{"cat"}
	out, errOut, code = runSSH(t, o, bytes.NewReader(src))
	if code != 0 || !bytes.Equal(out, src) {
		t.Fatalf("cat: code %d, %d of %d bytes, stderr %s", code, len(out), n, errOut)
	}

	o.Command = []string{"send " + strconv.Itoa(n)}
	out, errOut, code = runSSH(t, o, nil)
	if code != 0 || !bytes.Equal(out, randomBytes(n, 9)) {
		t.Fatalf("download: code %d, %d of %d bytes, stderr %s", code, len(out), n, errOut)
	}
	// Both transfers re-keyed: ssh's RekeyLimit and ours each start key
	// exchanges, beyond the one initial exchange per connection (3 so far).
	srv.kexMu.Lock()
	kexes := srv.kexes
	srv.kexMu.Unlock()
	if want := 3 + 2*n/(4<<20); kexes < want {
		t.Fatalf("%d key exchanges over three connections, want at least %d", kexes, want)
	}

	o = base
	o.Args = []string{"-tt"}
	o.Command = []string{"pty"}
	out, errOut, code = runSSH(t, o, nil)
	if code != 0 || !strings.HasPrefix(string(out), "true ") {
		t.Fatalf("pty: code %d out %q stderr %s", code, out, errOut)
	}
}

func TestSSHToServerPasswordAndRejections(t *testing.T) {
	srv := startOurServer(t, nil)
	for _, c := range []struct {
		name, method, password string
		ok                     bool
	}{
		{"password", "password", "pw", true},
		{"keyboard-interactive", "keyboard-interactive", "pw", true},
		{"wrong password", "password", "nope", false},
		{"wrong kbd-int", "keyboard-interactive", "nope", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := testpeer.ClientOptions{Port: srv.port, KnownHosts: srv.known, Password: c.password,
				Options: []string{"PreferredAuthentications=" + c.method}, Command: []string{"hi"}}
			out, errOut, code := runSSH(t, o, nil)
			if c.ok != (code == 0) || c.ok && !strings.HasPrefix(string(out), "hello ") {
				t.Fatalf("exit %d out %q stderr %s", code, out, errOut)
			}
		})
	}
	t.Run("wrong key", func(t *testing.T) {
		other, _ := testpeer.GenerateKey(t, "ed25519", 0)
		o := testpeer.ClientOptions{Port: srv.port, KnownHosts: srv.known, IdentityFile: other, Command: []string{"hi"}}
		if _, errOut, code := runSSH(t, o, nil); code != 255 || !bytes.Contains(errOut, []byte("Permission denied")) {
			t.Fatalf("exit %d stderr %s", code, errOut)
		}
	})
}
