package interop

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/keys"
	xssh "golang.org/x/crypto/ssh"
)

// idleConns is how many idle connections one measurement holds open.
const idleConns = 200

// The other end of an idle-connection measurement runs in a child process
// (this test binary again, running TestIdlePeer), so that the heap and
// goroutines counted here belong to one side only.
const (
	envIdleRole  = "SSH2_IDLE_ROLE" // "server" or "client"
	envIdleLib   = "SSH2_IDLE_LIB"  // "ssh2" or "xcrypto"
	envIdleAddr  = "SSH2_IDLE_ADDR"
	envIdleConns = "SSH2_IDLE_CONNS"
	envIdleHost  = "SSH2_IDLE_HOST_SEED"
	envIdleUser  = "SSH2_IDLE_USER_SEED"
)

// BenchmarkIdleConnection reports the live heap and goroutines that one
// idle, authenticated connection costs, for the client and the server
// separately, each measured with the other end in another process.
func BenchmarkIdleConnection(b *testing.B) {
	hostSeed, userSeed := newSeed(b), newSeed(b)
	host, user := keyPairFromSeed(b, hostSeed), keyPairFromSeed(b, userSeed)
	peerEnv := []string{envIdleHost + "=" + hex.EncodeToString(hostSeed), envIdleUser + "=" + hex.EncodeToString(userSeed)}
	for _, lib := range []string{"ssh2", "xcrypto"} {
		b.Run(lib+"/client", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				peer := startIdlePeer(b, append(peerEnv, envIdleRole+"=server", envIdleLib+"="+lib))
				addr := peer.line(b)
				measureIdle(b, func() []io.Closer { return dialIdle(b, lib, addr, host, user, idleConns) })
				peer.stop(b)
			}
		})
		b.Run(lib+"/server", func(b *testing.B) {
			addr := startIdleServer(b, lib, host, user)
			for i := 0; i < b.N; i++ {
				var peer *idlePeer
				measureIdle(b, func() []io.Closer {
					peer = startIdlePeer(b, append(peerEnv, envIdleRole+"=client", envIdleLib+"="+lib,
						envIdleAddr+"="+addr, envIdleConns+"="+strconv.Itoa(idleConns)))
					if l := peer.line(b); l != "ready" {
						b.Fatalf("idle peer said %q", l)
					}
					return nil
				})
				peer.stop(b)
			}
		})
	}
}

// measureIdle reports the growth of the live heap and of the goroutine
// count across open, per connection.
func measureIdle(b *testing.B, open func() []io.Closer) {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	g0 := runtime.NumGoroutine()
	conns := open()
	runtime.GC()
	runtime.ReadMemStats(&m1)
	g1 := runtime.NumGoroutine()
	b.ReportMetric(float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc))/idleConns/1024, "KiB/conn")
	b.ReportMetric(float64(g1-g0)/idleConns, "goroutines/conn")
	for _, c := range conns {
		c.Close()
	}
}

// dialIdle opens n authenticated connections and makes one global-request
// round trip on each, so that whatever the server sends after
// authentication has been handled before anything is counted.
func dialIdle(t testing.TB, lib, addr string, host, user keyPair, n int) []io.Closer {
	conns := make([]io.Closer, n)
	for i := range conns {
		switch lib {
		case "ssh2":
			c := dialOurs(t, addr, host, user, ssh2.Config{})
			if _, _, err := c.SendRequest(context.Background(), "keepalive@openssh.com", true, nil); err != nil {
				t.Fatal(err)
			}
			conns[i] = c
		default:
			c := dialX(t, addr, host, user, xssh.Config{})
			if _, _, err := c.SendRequest("keepalive@openssh.com", true, nil); err != nil {
				t.Fatal(err)
			}
			conns[i] = c
		}
	}
	return conns
}

func startIdleServer(t testing.TB, lib string, host, user keyPair) string {
	if lib == "ssh2" {
		return startOurServer(t, host, user, ssh2.Config{})
	}
	return startXServer(t, host, user, xssh.Config{})
}

// TestIdlePeer is the child-process end of BenchmarkIdleConnection; it
// does nothing unless that benchmark started it.
func TestIdlePeer(t *testing.T) {
	role := os.Getenv(envIdleRole)
	if role == "" {
		return
	}
	host := keyPairFromSeed(t, mustHex(t, os.Getenv(envIdleHost)))
	user := keyPairFromSeed(t, mustHex(t, os.Getenv(envIdleUser)))
	lib := os.Getenv(envIdleLib)
	switch role {
	case "server":
		fmt.Println(startIdleServer(t, lib, host, user))
	case "client":
		n, err := strconv.Atoi(os.Getenv(envIdleConns))
		if err != nil {
			t.Fatal(err)
		}
		conns := dialIdle(t, lib, os.Getenv(envIdleAddr), host, user, n)
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		fmt.Println("ready")
	default:
		t.Fatalf("unknown role %q", role)
	}
	// Hold the connections until the benchmark closes our stdin.
	io.Copy(io.Discard, os.Stdin)
}

// idlePeer is a running TestIdlePeer child.
type idlePeer struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

func startIdlePeer(t testing.TB, env []string) *idlePeer {
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdlePeer$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return &idlePeer{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}
}

// line returns the next line the peer printed.
func (p *idlePeer) line(t testing.TB) string {
	l, err := p.out.ReadString('\n')
	if err != nil {
		t.Fatalf("idle peer: %v (read %q)", err, l)
	}
	return strings.TrimSuffix(l, "\n")
}

// stop closes the peer's stdin and waits for it to exit.
func (p *idlePeer) stop(t testing.TB) {
	p.stdin.Close()
	io.Copy(io.Discard, p.out)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("idle peer: %v", err)
	}
}

func newSeed(t testing.TB) []byte {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return priv.Seed()
}

func mustHex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func keyPairFromSeed(t testing.TB, seed []byte) keyPair {
	priv := ed25519.NewKeyFromSeed(seed)
	o, err := keys.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	x, err := xssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return keyPair{o, x}
}
