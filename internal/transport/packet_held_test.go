package transport

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/ssh2go/ssh2/internal/transport/cipher"
)

// countingWriter records each Write.
type countingWriter struct {
	bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

// TestHeldPackets checks that held packets go out in order, together,
// in as few Writes as fit the held buffer, and that a plain write or a
// flush sends them, for each kind of cipher.
func TestHeldPackets(t *testing.T) {
	suites := []struct{ cipher, mac string }{
		{cipher.AES128GCM, ""}, {cipher.ChaCha20Poly1305, ""},
		{cipher.AES128CTR, cipher.HMACSHA256ETM}, {cipher.AES256CTR, cipher.HMACSHA512},
	}
	for _, s := range suites {
		t.Run(s.cipher+"/"+s.mac, func(t *testing.T) {
			ivLen, keyLen, macLen, err := cipher.KeySizes(s.cipher, s.mac)
			if err != nil {
				t.Fatal(err)
			}
			k := cipher.Keys{IV: bytes.Repeat([]byte{1}, ivLen), Key: bytes.Repeat([]byte{2}, keyLen), MAC: bytes.Repeat([]byte{3}, macLen)}
			sealer, err := cipher.NewSealer(s.cipher, s.mac, k)
			if err != nil {
				t.Fatal(err)
			}
			opener, err := cipher.NewOpener(s.cipher, s.mac, k)
			if err != nil {
				t.Fatal(err)
			}
			var out countingWriter
			w := newPacketWriter(&out)
			w.sealer = sealer
			var want [][]byte
			send := func(held bool, size int) {
				t.Helper()
				body := bytes.Repeat([]byte{byte(len(want))}, size)
				hdr := []byte{94, byte(len(want))}
				want = append(want, append(append([]byte(nil), hdr...), body...))
				write := w.write
				if held {
					write = w.writeHeld
				}
				if err := write(hdr, body); err != nil {
					t.Fatal(err)
				}
			}
			// Three small held packets and a plain one: one Write.
			for range 3 {
				send(true, 1000)
			}
			send(false, 10)
			if out.writes != 1 {
				t.Fatalf("%d writes for 3 held packets and a plain one, want 1", out.writes)
			}
			// Twenty full packets held: the held buffer fills and goes
			// out every eight; Flush sends the rest.
			for range 20 {
				send(true, 32*1024)
			}
			if got := out.writes; got != 3 {
				t.Fatalf("%d writes after 20 held full packets, want 3", got)
			}
			if err := w.flush(); err != nil {
				t.Fatal(err)
			}
			if w.held != nil || out.writes != 4 {
				t.Fatalf("after flush: held %v, %d writes", w.held != nil, out.writes)
			}
			r := packetReader{r: bufio.NewReader(&out.Buffer), opener: opener, maxPacket: DefaultMaxPacket}
			for i, p := range want {
				got, err := r.read()
				if err != nil {
					t.Fatalf("packet %d: %v", i, err)
				}
				if !bytes.Equal(got, p) {
					t.Fatalf("packet %d differs: %d bytes, want %d", i, len(got), len(p))
				}
			}
			r.release()
		})
	}
}
