package transport

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/ssh2go/ssh2/internal/transport/cipher"
	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// FuzzPacketReader feeds arbitrary bytes to the unencrypted packet
// decoder: it must return packets or errors, never panic or over-read.
func FuzzPacketReader(f *testing.F) {
	var seed bytes.Buffer
	w := newPacketWriter(&seed)
	w.write([]byte{wire.MsgIgnore, 0, 0, 0, 1, 'x'}, nil)
	w.write((&wire.KexInit{KexAlgos: []string{"curve25519-sha256"}}).Marshal(nil), nil)
	f.Add(seed.Bytes())
	f.Add([]byte{0, 0, 0, 12, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := packetReader{r: bufio.NewReader(bytes.NewReader(b)), opener: cipher.NewNoneOpener(), maxPacket: DefaultMaxPacket}
		for i := 0; i < 1000; i++ {
			p, err := r.read()
			if err != nil {
				return
			}
			if len(p) == 0 {
				t.Fatal("empty payload returned")
			}
		}
		r.release()
	})
}

// FuzzClientHandshake plays a hostile server: whatever it sends after a
// valid identification line, the client must fail cleanly or proceed,
// never panic or hang.
func FuzzClientHandshake(f *testing.F) {
	var seed bytes.Buffer
	w := newPacketWriter(&seed)
	m := wire.KexInit{KexAlgos: []string{"curve25519-sha256", strictKexServer}, HostKeyAlgos: []string{keys.SigED25519},
		CiphersClientServer: []string{"aes128-ctr"}, CiphersServerClient: []string{"aes128-ctr"},
		MACsClientServer: []string{"hmac-sha2-256"}, MACsServerClient: []string{"hmac-sha2-256"},
		CompressionClientServer: []string{"none"}, CompressionServerClient: []string{"none"}}
	w.write(m.Marshal(nil), nil)
	w.write([]byte{wire.MsgKexECDHReply, 0, 0, 0, 0}, nil)
	f.Add(seed.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		cl, sv := net.Pipe()
		go io.Copy(io.Discard, sv) // net.Pipe is unbuffered: drain the client
		go func() {
			sv.Write(append([]byte("SSH-2.0-fuzz\r\n"), b...))
			sv.Close()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := Client(ctx, cl, &Config{HostKeyCallback: func(keys.PublicKey) error { return nil }})
		if err == nil {
			c.Close()
		}
		cl.Close()
	})
}
