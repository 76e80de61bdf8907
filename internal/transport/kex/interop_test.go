package kex

// Interop with OpenSSH: each method runs against a real sshd (our client)
// and a real ssh (our server) over a minimal plaintext transport written
// here — version exchange, unencrypted binary packets, KEXINIT — which is
// all that happens before the first NEWKEYS. Agreement on H is proven by
// the signatures: our client verifies sshd's host key signature over our
// H, and ssh only sends NEWKEYS after verifying our signature over its H.

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

const interopVersion = "SSH-2.0-ssh2go_kextest"

// plainConn is the unencrypted packet layer of RFC 4253 §6.
type plainConn struct {
	r *bufio.Reader
	w io.Writer
}

func (c *plainConn) WritePacket(p []byte) error {
	pad := 8 - (5+len(p))%8
	if pad < 4 {
		pad += 8
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(1+len(p)+pad))
	b = append(b, byte(pad))
	b = append(b, p...)
	b = append(b, make([]byte, pad)...)
	_, err := c.w.Write(b)
	return err
}

func (c *plainConn) ReadPacket() ([]byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(c.r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:4])
	if n < 5 || n > 35000 || int(hdr[4]) >= int(n) {
		return nil, errors.New("bad packet length")
	}
	b := make([]byte, n-1)
	if _, err := io.ReadFull(c.r, b); err != nil {
		return nil, err
	}
	return b[:len(b)-int(hdr[4])], nil
}

// versionExchange sends ours and returns the peer's identification line.
func (c *plainConn) versionExchange() ([]byte, error) {
	if _, err := io.WriteString(c.w, interopVersion+"\r\n"); err != nil {
		return nil, err
	}
	for range 20 {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(line, "SSH-") {
			return []byte(line), nil
		}
	}
	return nil, errors.New("no identification line")
}

func kexInitFor(method string) []byte {
	b := []byte{20}
	cookie := make([]byte, 16)
	rand.Read(cookie)
	b = append(b, cookie...)
	for _, l := range []string{method, "ssh-ed25519", "aes128-ctr", "aes128-ctr",
		"hmac-sha2-256", "hmac-sha2-256", "none", "none", "", ""} {
		b = sshString(b, []byte(l))
	}
	b = append(b, 0)
	return sshUint32(b, 0)
}

// exchangeKexInit sends our KEXINIT and returns the peer's.
func (c *plainConn) exchangeKexInit(ours []byte) ([]byte, error) {
	if err := c.WritePacket(ours); err != nil {
		return nil, err
	}
	for {
		p, err := c.ReadPacket()
		if err != nil {
			return nil, err
		}
		if len(p) > 0 && p[0] == 20 {
			return p, nil
		}
		if len(p) > 0 && p[0] != 2 && p[0] != 4 { // IGNORE, DEBUG
			return nil, fmt.Errorf("got message %d before KEXINIT", p[0])
		}
	}
}

func openSSHKex(t *testing.T, ssh string) []string {
	out, err := exec.Command(ssh, "-Q", "kex").Output()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range strings.Fields(string(out)) {
		if _, ok := Lookup(n); ok {
			names = append(names, n)
		}
	}
	return names
}

// recordConn keeps a copy of every packet read.
type recordConn struct {
	Conn
	got [][]byte
}

func (r *recordConn) ReadPacket() ([]byte, error) {
	p, err := r.Conn.ReadPacket()
	r.got = append(r.got, bytes.Clone(p))
	return p, err
}

// TestInteropOpenSSHServer runs our client of every shared method against
// sshd in inetd mode (-i) over its stdin and stdout.
func TestInteropOpenSSHServer(t *testing.T) {
	sshd := testpeer.Require(t, "sshd", "/usr/sbin")
	ssh := testpeer.Require(t, "ssh")
	keygen := testpeer.Require(t, "ssh-keygen")
	dir := t.TempDir()
	hostKey := filepath.Join(dir, "host_ed25519")
	if out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-f", hostKey).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	pubLine, err := os.ReadFile(hostKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	wantBlob, err := base64.StdEncoding.DecodeString(strings.Fields(string(pubLine))[1])
	if err != nil {
		t.Fatal(err)
	}
	// sshd reads our moduli file: it must accept our format, and its
	// groups exercise our client's checks.
	var moduli bytes.Buffer
	for _, g := range builtinGEXGroups {
		fmt.Fprintln(&moduli, moduliLine(&g, 2, 6, g.Bits()-1))
	}
	moduliFile := filepath.Join(dir, "moduli")
	if err := os.WriteFile(moduliFile, moduli.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, name := range openSSHKex(t, ssh) {
		t.Run(name, func(t *testing.T) {
			cfg := filepath.Join(dir, "sshd_config")
			conf := fmt.Sprintf("HostKey %s\nKexAlgorithms %s\nHostKeyAlgorithms ssh-ed25519\nModuliFile %s\n"+
				"UsePAM no\nStrictModes no\nPidFile none\nLogLevel DEBUG3\nAuthorizedKeysFile none\n", hostKey, name, moduliFile)
			if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(sshd, "-i", "-e", "-f", cfg)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			in, _ := cmd.StdinPipe()
			out, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				in.Close()
				cmd.Process.Kill()
				cmd.Wait()
				if t.Failed() {
					t.Logf("sshd log:\n%s", stderr.String())
				}
			}()
			c := &plainConn{r: bufio.NewReader(out), w: in}
			remote, err := c.versionExchange()
			if err != nil {
				t.Fatal(err)
			}
			ours := kexInitFor(name)
			theirs, err := c.exchangeKexInit(ours)
			if err != nil {
				t.Fatal(err)
			}
			m := &Magics{ClientVersion: []byte(interopVersion), ServerVersion: remote, ClientKexInit: ours, ServerKexInit: theirs}
			method := mustLookup(t, name)
			gx, isGEX := method.(*GroupExchange)
			if isGEX {
				gx.Preferred = 3072
			}
			rec := &recordConn{Conn: c}
			res, err := method.Client(rec, rand.Reader, m)
			if err != nil {
				t.Fatal(err)
			}
			if isGEX {
				// Only our moduli file holds a 3072-bit group; OpenSSH's
				// fallback groups are 2048, 4096 and 8192 bits.
				want := sshMpint(sshMpint([]byte{31}, groupMODP15.P.Bytes()), []byte{2})
				if !bytes.Equal(rec.got[0], want) {
					t.Fatal("sshd did not offer the 3072-bit group from our moduli file")
				}
			}
			if !bytes.Equal(res.HostKey, wantBlob) {
				t.Fatal("host key blob differs from ssh-keygen's")
			}
			verifyHostSig(t, res.HostKey, res.Signature, res.H)
			// sshd follows with NEWKEYS.
			p, err := c.ReadPacket()
			if err != nil || len(p) != 1 || p[0] != 21 {
				t.Fatalf("after the exchange: %v %v", p, err)
			}
		})
	}
}

// TestInteropOpenSSHClient runs our server of every shared method against
// the ssh client on 127.0.0.1.
func TestInteropOpenSSHClient(t *testing.T) {
	ssh := testpeer.Require(t, "ssh")
	for _, name := range openSSHKex(t, ssh) {
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
			cmd := exec.Command(ssh, "-F", "/dev/null", "-vvv", "-p", port,
				"-o", "KexAlgorithms="+name, "-o", "HostKeyAlgorithms=ssh-ed25519",
				"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
				"-o", "GlobalKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
				"-o", "IdentityFile=none", "-o", "ConnectTimeout=20", "kextest@127.0.0.1", "true")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				cmd.Process.Kill()
				cmd.Wait()
				if t.Failed() {
					t.Logf("ssh log:\n%s", stderr.String())
				}
			}()
			nc, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			nc.SetDeadline(time.Now().Add(60 * time.Second))
			c := &plainConn{r: bufio.NewReader(nc), w: nc}
			remote, err := c.versionExchange()
			if err != nil {
				t.Fatal(err)
			}
			ours := kexInitFor(name)
			theirs, err := c.exchangeKexInit(ours)
			if err != nil {
				t.Fatal(err)
			}
			m := &Magics{ClientVersion: remote, ServerVersion: []byte(interopVersion), ClientKexInit: theirs, ServerKexInit: ours}
			if _, err := mustLookup(t, name).Server(c, rand.Reader, m, newTestHostKey()); err != nil {
				t.Fatal(err)
			}
			if err := c.WritePacket([]byte{21}); err != nil {
				t.Fatal(err)
			}
			// ssh sends NEWKEYS only after verifying our signature over H.
			p, err := c.ReadPacket()
			if err != nil || len(p) != 1 || p[0] != 21 {
				t.Fatalf("ssh did not accept the exchange: %v %v", p, err)
			}
		})
	}
}
