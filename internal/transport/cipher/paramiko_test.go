package cipher

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

// paramikoEcho is run by Debian's python3 with paramiko. For each mode Go
// announces in a clear-text line, it builds a paramiko Packetizer on the
// same socket, reads count packets sealed by Go with keys A and answers
// each with the same payload sealed with keys B.
const paramikoEcho = `
import hashlib, socket, sys, warnings
warnings.simplefilter("ignore")
from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from paramiko.message import Message
from paramiko.packet import Packetizer

def engine(name, key, iv, enc):
    if name == "3des-cbc":
        alg, mode = algorithms.TripleDES(key), modes.CBC(iv)
    elif name.endswith("-ctr"):
        alg, mode = algorithms.AES(key), modes.CTR(iv)
    else:
        alg, mode = algorithms.AES(key), modes.CBC(iv)
    c = Cipher(alg, mode, backend=default_backend())
    return c.encryptor() if enc else c.decryptor()

MACS = {"hmac-sha1": (hashlib.sha1, 20), "hmac-sha1-96": (hashlib.sha1, 12),
        "hmac-sha2-256": (hashlib.sha256, 32), "hmac-sha2-512": (hashlib.sha512, 64)}

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(30)
while True:
    line = b""
    while not line.endswith(b"\n"):
        b = s.recv(1)
        if not b:
            sys.exit(0)
        line += b
    cname, mname, ivA, kA, mA, ivB, kB, mB, count = line.decode().split()
    etm = mname.endswith("-etm@openssh.com")
    h, size = MACS[mname.replace("-etm@openssh.com", "")]
    bs = 8 if cname == "3des-cbc" else 16
    ctr = cname.endswith("-ctr")
    p = Packetizer(s)
    p.set_inbound_cipher(engine(cname, bytes.fromhex(kA), bytes.fromhex(ivA), False), bs, h, size, bytes.fromhex(mA), etm=etm)
    p.set_outbound_cipher(engine(cname, bytes.fromhex(kB), bytes.fromhex(ivB), True), bs, h, size, bytes.fromhex(mB), sdctr=ctr, etm=etm)
    for _ in range(int(count)):
        cmd, msg = p.read_message()
        p.send_message(Message(bytes([cmd]) + msg.asbytes()))
`

func paramikoPython(t *testing.T) string {
	py := "/usr/bin/python3" // Debian's paramiko is installed for this one
	if _, err := os.Stat(py); err != nil {
		py = testpeer.Require(t, "python3")
	}
	if out, err := exec.Command(py, "-c", "import paramiko, cryptography").CombinedOutput(); err != nil {
		if testpeer.UnderCI() {
			t.Fatalf("paramiko missing: %v %s", err, out)
		}
		t.Skipf("paramiko missing: %v", err)
	}
	return py
}

// TestParamikoInterop checks every block cipher and MAC pair, in both
// directions, against paramiko (an independent implementation built on
// OpenSSL), packet by packet over loopback TCP.
func TestParamikoInterop(t *testing.T) {
	py := paramikoPython(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cmd := exec.Command(py, "-c", paramikoEcho, fmt.Sprint(ln.Addr().(*net.TCPAddr).Port))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := cmd.Wait(); err != nil {
			t.Errorf("paramiko: %v\n%s", err, stderr.String())
		}
	}()
	conn, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A bound on a hung peer, not a synchronisation device.
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	r := bufio.NewReader(conn)

	ciphers := []string{AES128CTR, AES192CTR, AES256CTR, AES128CBC, AES256CBC, TripleDESCBC}
	macs := append(SupportedMACs(), InsecureMACs()...)
	sizes := []int{0, 1, 15, 16, 100, 4000, 32768}
	for _, c := range ciphers {
		for _, mc := range macs {
			m := mode{c, mc}
			out := testKeys(t, m, "to-paramiko")
			in := testKeys(t, m, "from-paramiko")
			s, _ := newPair(t, m, out)
			_, o := newPair(t, m, in)
			fmt.Fprintf(conn, "%s %s %x %x %x %x %x %x %d\n", c, mc, out.IV, out.Key, out.MAC, in.IV, in.Key, in.MAC, len(sizes))
			for i, size := range sizes {
				payload := append([]byte{byte(100 + i)}, expand(m.String(), size)...)
				pkt := buildPacket(payload, s.BlockSize(), s.LengthInClear(), s.Overhead(), 0)
				if _, err := conn.Write(s.Seal(uint32(i), pkt)); err != nil {
					t.Fatalf("%v: write: %v\n%s", m, err, stderr.String())
				}
				got, err := readPacket(r, o, uint32(i))
				if err != nil {
					t.Fatalf("%v packet %d: %v\n%s", m, i, err, stderr.String())
				}
				if !bytes.Equal(got, payload) {
					t.Fatalf("%v packet %d: echo differs", m, i)
				}
			}
		}
	}
	conn.Close()
}

// readPacket reads one packet through o and returns its payload.
func readPacket(r io.Reader, o Opener, seq uint32) ([]byte, error) {
	buf := make([]byte, o.HeaderLen(), 64*1024)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	n, err := o.Length(seq, buf)
	if err != nil {
		return nil, err
	}
	total := 4 + int(n) + o.Overhead()
	if total > cap(buf) {
		return nil, fmt.Errorf("packet too long: %d", n)
	}
	buf = buf[:total]
	if _, err := io.ReadFull(r, buf[o.HeaderLen():]); err != nil {
		return nil, err
	}
	pt, err := o.Open(seq, buf)
	if err != nil {
		return nil, err
	}
	pad := int(pt[4])
	if pad < 4 || 5+pad > len(pt) {
		return nil, fmt.Errorf("bad padding %d", pad)
	}
	if binary.BigEndian.Uint32(pt) != n {
		return nil, fmt.Errorf("length changed")
	}
	return pt[5 : len(pt)-pad], nil
}
