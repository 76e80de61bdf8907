package kex

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
)

// fuzzNames are the methods the fuzz targets select from by index.
var fuzzNames = allNames()

// splitFrames cuts data into at most four packets, each prefixed by a
// 16-bit length; a short final frame takes what is left.
func splitFrames(data []byte) [][]byte {
	var out [][]byte
	for len(data) >= 2 && len(out) < 4 {
		n := int(binary.BigEndian.Uint16(data))
		data = data[2:]
		if n > len(data) {
			n = len(data)
		}
		out = append(out, data[:n:n])
		data = data[n:]
	}
	return out
}

func joinFrames(pkts [][]byte) []byte {
	var b []byte
	for _, p := range pkts {
		b = binary.BigEndian.AppendUint16(b, uint16(len(p)))
		b = append(b, p...)
	}
	return b
}

// addSeeds records a real exchange of every method and adds the packets
// one side received as seeds for that side.
func addSeeds(f *testing.F, server bool) {
	for i, name := range fuzzNames {
		m, _ := Lookup(name)
		_, _, clog, slog, cerr, serr := runPair(m, seededRand(byte(i)), seededRand(byte(i+100)))
		if cerr != nil || serr != nil {
			f.Fatal(cerr, serr)
		}
		if server {
			f.Add(uint8(i), joinFrames(clog))
		} else {
			f.Add(uint8(i), joinFrames(slog))
		}
	}
	f.Add(uint8(0), []byte{})
	f.Add(uint8(6), []byte{0, 1, 31})
}

// checkFuzzErr requires a failed exchange to fail with a known error.
func checkFuzzErr(t *testing.T, err error) {
	if err == nil {
		return
	}
	for _, known := range []error{ErrUnexpectedMessage, ErrInvalidPublicValue, ErrInvalidGroup, ErrNoGroup, errEmptyHostKey} {
		if errors.Is(err, known) {
			return
		}
	}
	if err.Error() == "EOF" || errors.Is(err, errMalformedForFuzz) {
		return
	}
	t.Fatalf("unclassified error: %v", err)
}

// FuzzClient feeds arbitrary server packets to every method's client.
func FuzzClient(f *testing.F) {
	addSeeds(f, false)
	f.Fuzz(func(t *testing.T, sel uint8, data []byte) {
		m, _ := Lookup(fuzzNames[int(sel)%len(fuzzNames)])
		sc := &scriptConn{replies: splitFrames(data)}
		res, err := m.Client(sc, seededRand(9), testMagics())
		checkFuzzErr(t, err)
		if err == nil && (len(res.H) == 0 || len(res.K) == 0 || len(res.HostKey) == 0) {
			t.Fatal("success without a result")
		}
	})
}

// FuzzServer feeds arbitrary client packets to every method's server.
func FuzzServer(f *testing.F) {
	addSeeds(f, true)
	hk := newTestHostKey()
	f.Fuzz(func(t *testing.T, sel uint8, data []byte) {
		m, _ := Lookup(fuzzNames[int(sel)%len(fuzzNames)])
		sc := &scriptConn{replies: splitFrames(data)}
		res, err := m.Server(sc, rand.Reader, testMagics(), hk)
		checkFuzzErr(t, err)
		if err == nil && len(sc.sent) == 0 {
			t.Fatal("success without a reply")
		}
		_ = res
	})
}

var errMalformedForFuzz = wire.ErrMalformed
