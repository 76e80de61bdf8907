package interop

import (
	"context"
	"io"
	"testing"

	"github.com/ssh2go/ssh2"
	xssh "golang.org/x/crypto/ssh"
)

const mlkem = "mlkem768x25519-sha256"

// TestMLKEMBothWays proves the post-quantum hybrid key exchange against
// x/crypto/ssh, which implements it, in both directions. (Debian's
// OpenSSH 9.2 predates it.)
func TestMLKEMBothWays(t *testing.T) {
	host, user := newKeyPair(t), newKeyPair(t)

	t.Run("ours to x/crypto", func(t *testing.T) {
		addr := startXServer(t, host, user, xssh.Config{KeyExchanges: []string{mlkem}})
		var got ssh2.Algorithms
		c := dialOurs(t, addr, host, user, ssh2.Config{KexAlgorithms: []string{mlkem}, OnHandshake: func(a ssh2.Algorithms) { got = a }})
		defer c.Close()
		out, err := c.Output(context.Background(), "echo post-quantum")
		if err != nil || string(out) != "post-quantum" {
			t.Fatalf("output %q, %v", out, err)
		}
		if got.Kex != mlkem {
			t.Fatalf("negotiated %q", got.Kex)
		}
	})

	t.Run("x/crypto to ours", func(t *testing.T) {
		addr := startOurServer(t, host, user, ssh2.Config{KexAlgorithms: []string{mlkem}})
		c := dialX(t, addr, host, user, xssh.Config{KeyExchanges: []string{mlkem}})
		defer c.Close()
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Output("echo post-quantum")
		if err != nil || string(out) != "post-quantum" {
			t.Fatalf("output %q, %v", out, err)
		}
	})
}

// TestXCryptoAlgorithms runs every algorithm both libraries share, both
// ways, moving 1 MiB.
func TestXCryptoAlgorithms(t *testing.T) {
	host, user := newKeyPair(t), newKeyPair(t)
	type combo struct{ kex, cipher, mac string }
	var combos []combo
	for _, k := range []string{mlkem, "curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512"} {
		combos = append(combos, combo{k, "aes128-gcm@openssh.com", ""})
	}
	for _, c := range []string{"aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr"} {
		combos = append(combos, combo{"curve25519-sha256", c, "hmac-sha2-256-etm@openssh.com"})
	}
	for _, m := range []string{"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1"} {
		combos = append(combos, combo{"curve25519-sha256", "aes128-ctr", m})
	}
	for _, cb := range combos {
		var macs []string
		if cb.mac != "" {
			macs = []string{cb.mac}
		}
		ours := ssh2.Config{KexAlgorithms: []string{cb.kex}, Ciphers: []string{cb.cipher}, MACs: macs}
		theirs := xssh.Config{KeyExchanges: []string{cb.kex}, Ciphers: []string{cb.cipher}, MACs: macs}
		name := cb.kex + "/" + cb.cipher + "/" + cb.mac
		t.Run("ours-client/"+name, func(t *testing.T) {
			c := dialOurs(t, startXServer(t, host, user, theirs), host, user, ours)
			defer c.Close()
			ch, err := c.Exec(context.Background(), "source 1048576", nil)
			if err != nil {
				t.Fatal(err)
			}
			n, err := io.Copy(io.Discard, ch)
			if err != nil || n != 1<<20 {
				t.Fatalf("read %d, %v", n, err)
			}
			if err := ch.Wait(); err != nil {
				t.Fatal(err)
			}
			ch.Close()
		})
		t.Run("ours-server/"+name, func(t *testing.T) {
			c := dialX(t, startOurServer(t, host, user, ours), host, user, theirs)
			defer c.Close()
			s, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			out, err := s.Output("source 1048576")
			if err != nil || len(out) != 1<<20 {
				t.Fatalf("read %d, %v", len(out), err)
			}
		})
	}
}

// TestPingXCrypto sends ping@openssh.com to x/crypto/ssh's server, which
// announces it in EXT_INFO and answers with PONG (Debian's OpenSSH 9.2
// predates ping).
func TestPingXCrypto(t *testing.T) {
	host, user := newKeyPair(t), newKeyPair(t)
	c := dialOurs(t, startXServer(t, host, user, xssh.Config{}), host, user, ssh2.Config{})
	defer c.Close()
	for i := 0; i < 3; i++ {
		if err := c.Ping(context.Background()); err != nil {
			t.Fatalf("ping %d: %v", i, err)
		}
	}
	// The connection still works after the pings.
	if out, err := c.Output(context.Background(), "echo pong"); err != nil || string(out) != "pong" {
		t.Fatalf("output %q, %v", out, err)
	}
}
