package testpeer

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// BulkSize is the size of each bulk transfer: 64 MiB, or 4 MiB with
// -short.
func BulkSize() int {
	if testing.Short() {
		return 4 << 20
	}
	return 64 << 20
}

// RekeyLimit is a RekeyLimit size that makes the side it is given to
// re-key about eight times per BulkSize transfer ("8192K" at full size).
func RekeyLimit() string {
	return strconv.Itoa(BulkSize()/8>>10) + "K"
}

// WriteTestData writes n deterministic pseudo-random bytes, from a
// generator seeded with seed (at most 32 bytes used), to a new file and
// returns its path and SHA-256 as sha256sum prints it.
func WriteTestData(t testing.TB, seed string, n int) (path, sum string) {
	t.Helper()
	var key [32]byte
	copy(key[:], seed)
	b := make([]byte, n)
	rand.NewChaCha8(key).Read(b)
	path = filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return path, hex.EncodeToString(h[:])
}

// RoundTripCommand is a remote command that sends the file, then hashes
// its standard input and prints sha256sum's line. The upload comes last
// so that a key exchange started near the end of either transfer always
// completes: the session cannot end before the server has read all of
// the client's data and answered, and neither side sends that data or
// answer while a key exchange it is part of is still running.
func RoundTripCommand(path string) string {
	return "cat '" + path + "' && sha256sum"
}

// RoundTripOutput is RoundTripCommand's standard output: the first size
// bytes (the download) are hashed and counted without being stored, the
// rest (sha256sum's line for the upload) is kept.
type RoundTripOutput struct {
	size     int
	n        int
	download hash.Hash
	rest     []byte
}

// NewRoundTripOutput returns a RoundTripOutput for a download of size
// bytes.
func NewRoundTripOutput(size int) *RoundTripOutput {
	return &RoundTripOutput{size: size, download: sha256.New()}
}

// Write takes the next part of the output; it never fails.
func (o *RoundTripOutput) Write(p []byte) (int, error) {
	k := min(len(p), o.size-o.n)
	o.download.Write(p[:k])
	o.n += k
	o.rest = append(o.rest, p[k:]...)
	return len(p), nil
}

// Check reports a mismatch of either direction: the download's length
// and hash, and the upload's hash as the remote sha256sum printed it.
func (o *RoundTripOutput) Check(t testing.TB, sum string) {
	t.Helper()
	if got := hex.EncodeToString(o.download.Sum(nil)); o.n != o.size || got != sum {
		t.Errorf("download: %d bytes with SHA-256 %s, want %d bytes with %s", o.n, got, o.size, sum)
	}
	if got, want := string(o.rest), sum+"  -\n"; got != want {
		t.Errorf("upload: remote sha256sum printed %q, want %q", got, want)
	}
}

// OpenFile opens path for reading until the test ends.
func OpenFile(t testing.TB, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// LastLines returns the last n lines of a log, for failure messages.
func LastLines(log string, n int) string {
	l := strings.Split(log, "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}
