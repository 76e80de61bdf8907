package interop

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/keys"
	xssh "golang.org/x/crypto/ssh"
)

// A key pair usable by both libraries.
type keyPair struct {
	ours   ssh2.Signer
	theirs xssh.Signer
}

func newKeyPair(t testing.TB) keyPair { return keyPairFromSeed(t, newSeed(t)) }

// handle runs the command protocol both test servers implement: "sink"
// reads stdin to EOF, "source N" writes N bytes, "echo X" prints X.
func handle(cmd string, stdin io.Reader, stdout io.Writer) {
	switch {
	case cmd == "sink":
		io.Copy(io.Discard, stdin)
	case strings.HasPrefix(cmd, "source "):
		var n int64
		fmt.Sscan(strings.TrimPrefix(cmd, "source "), &n)
		io.CopyN(stdout, zeroReader{}, n)
	case strings.HasPrefix(cmd, "echo "):
		io.WriteString(stdout, strings.TrimPrefix(cmd, "echo "))
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// startOurServer serves on loopback and returns the address.
func startOurServer(t testing.TB, host, user keyPair, cfg ssh2.Config) string {
	srv := &ssh2.Server{
		Config: &ssh2.ServerConfig{
			Config:   cfg,
			HostKeys: []ssh2.Signer{host.ours},
			PublicKeyCallback: func(_ context.Context, r *ssh2.PublicKeyRequest) ssh2.Decision {
				if keys.Equal(r.Key, user.ours.PublicKey()) {
					return ssh2.Accept()
				}
				return ssh2.Reject()
			},
		},
		Handler: func(s *ssh2.Session) {
			handle(s.Command(), s, s)
		},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return ln.Addr().String()
}

// startXServer serves x/crypto/ssh on loopback with the same protocol.
func startXServer(t testing.TB, host, user keyPair, cfg xssh.Config) string {
	sc := &xssh.ServerConfig{
		Config: cfg,
		PublicKeyCallback: func(_ xssh.ConnMetadata, k xssh.PublicKey) (*xssh.Permissions, error) {
			if string(k.Marshal()) == string(user.theirs.PublicKey().Marshal()) {
				return nil, nil
			}
			return nil, fmt.Errorf("unknown key")
		},
	}
	sc.AddHostKey(host.theirs)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				serveX(nc, sc)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln.Addr().String()
}

func serveX(nc net.Conn, sc *xssh.ServerConfig) {
	conn, chans, reqs, err := xssh.NewServerConn(nc, sc)
	if err != nil {
		nc.Close()
		return
	}
	defer conn.Close()
	go xssh.DiscardRequests(reqs)
	for nch := range chans {
		ch, creqs, err := nch.Accept()
		if err != nil {
			continue
		}
		go func() {
			for r := range creqs {
				if r.Type != "exec" {
					r.Reply(false, nil)
					continue
				}
				r.Reply(true, nil)
				cmd := string(r.Payload[4:])
				go func() {
					handle(cmd, ch, ch)
					ch.CloseWrite()
					ch.SendRequest("exit-status", false, []byte{0, 0, 0, 0})
					ch.Close()
				}()
			}
		}()
	}
}

func dialOurs(t testing.TB, addr string, host, user keyPair, cfg ssh2.Config) *ssh2.Client {
	c, err := ssh2.Dial(context.Background(), "tcp", addr, &ssh2.ClientConfig{
		Config:          cfg,
		User:            "bench",
		Auth:            []ssh2.AuthMethod{ssh2.PublicKeys(user.ours)},
		HostKeyCallback: ssh2.FixedHostKey(host.ours.PublicKey()),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func dialX(t testing.TB, addr string, host, user keyPair, cfg xssh.Config) *xssh.Client {
	c, err := xssh.Dial("tcp", addr, &xssh.ClientConfig{
		Config:          cfg,
		User:            "bench",
		Auth:            []xssh.AuthMethod{xssh.PublicKeys(user.theirs)},
		HostKeyCallback: xssh.FixedHostKey(host.theirs.PublicKey()),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
