//go:build unix

package main

// Helpers for the tests that drive the built ssh2 against OpenSSH's sshd
// over every algorithm, with bulk data and re-keys: algorithm lists for
// sshd_config, parsing of the logs (ssh2 -v and sshd's) that prove what
// was negotiated and who started each key exchange, and a deterministic
// data file to move.

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The algorithms the issue lists, which both ends support.
// mlkem768x25519-sha256 is left out: Debian's OpenSSH 9.2 lacks it.
var (
	kexAlgorithms = []string{
		"curve25519-sha256", "curve25519-sha256@libssh.org",
		"ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
		"diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
		"diffie-hellman-group-exchange-sha256",
	}
	cipherAlgorithms = []string{
		"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
		"aes128-ctr", "aes192-ctr", "aes256-ctr",
	}
	macAlgorithms = []string{
		"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
		"hmac-sha2-256", "hmac-sha2-512", "hmac-sha1", "hmac-sha1-etm@openssh.com",
	}
	// ssh-rsa (SHA-1) is included: ssh2 and sshd use it when configured.
	hostKeyAlgorithms = []string{
		"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
		"rsa-sha2-512", "rsa-sha2-256", "ssh-rsa",
	}
)

// macTestCipher is the non-AEAD cipher the MAC cases use, so that the MAC
// is really negotiated.
const macTestCipher = "aes128-ctr"

// hostKeyType maps a host key algorithm to the key type (as in
// testpeer.SSHD.HostKeys) that makes it.
func hostKeyType(alg string) string {
	if strings.HasPrefix(alg, "rsa-sha2-") {
		return "ssh-rsa"
	}
	return alg
}

// kexReport is what a log says a key exchange chose. In a wanted report,
// empty fields are not checked.
type kexReport struct {
	Kex, HostKey    string
	CipherCS, MACCS string // client to server
	CipherSC, MACSC string // server to client
}

// kexLineRE matches the negotiation lines after prefix, as OpenSSH logs
// them ("kex: client->server cipher: aes128-ctr MAC: hmac-sha1
// compression: none") and as ssh2 -v does (slog quotes the message).
func kexLineRE(prefix string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(prefix) +
		`kex: (algorithm|host key algorithm|client->server cipher|server->client cipher): ([^\s"]+)(?: MAC: ([^\s"]+))?`)
}

var (
	sshdKexLine = kexLineRE("debug1: ")
	ssh2KexLine = kexLineRE(`msg="`)
)

// firstKexReport returns the first key exchange's choices from a log.
func firstKexReport(log string, re *regexp.Regexp) kexReport {
	var r kexReport
	set := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	for _, m := range re.FindAllStringSubmatch(log, -1) {
		switch m[1] {
		case "algorithm":
			set(&r.Kex, m[2])
		case "host key algorithm":
			set(&r.HostKey, m[2])
		case "client->server cipher":
			set(&r.CipherCS, m[2])
			set(&r.MACCS, m[3])
		case "server->client cipher":
			set(&r.CipherSC, m[2])
			set(&r.MACSC, m[3])
		}
	}
	return r
}

// matches reports whether r has every non-empty field of want.
func (r kexReport) matches(want kexReport) bool {
	eq := func(got, want string) bool { return want == "" || got == want }
	return eq(r.Kex, want.Kex) && eq(r.HostKey, want.HostKey) &&
		eq(r.CipherCS, want.CipherCS) && eq(r.MACCS, want.MACCS) &&
		eq(r.CipherSC, want.CipherSC) && eq(r.MACSC, want.MACSC)
}

// KEXINIT log lines: sshd's debug1 messages and ssh2 -v's (the library
// logs them at debug level in OpenSSH's wording).
var (
	sshdKexInit = regexp.MustCompile(`debug1: SSH2_MSG_KEXINIT (sent|received)`)
	ssh2KexInit = regexp.MustCompile(`msg="ssh: SSH2_MSG_KEXINIT (sent|received)"`)
)

// rekeyStarters reads the KEXINIT lines of a log of one connection and
// returns, for each key exchange after the first, whether the log's
// owner started it (sent its KEXINIT before receiving the peer's).
func rekeyStarters(t *testing.T, who, log string, re *regexp.Regexp) []bool {
	t.Helper()
	ev := re.FindAllStringSubmatch(log, -1)
	if len(ev) < 2 || len(ev)%2 != 0 {
		t.Fatalf("%s: %d KEXINIT log lines, want a sent and a received one per key exchange", who, len(ev))
	}
	var started []bool
	for i := 2; i < len(ev); i += 2 {
		if ev[i][1] == ev[i+1][1] {
			t.Fatalf("%s: key exchange %d logs KEXINIT %s twice", who, i/2+1, ev[i][1])
		}
		started = append(started, ev[i][1] == "sent")
	}
	return started
}

// countTrue counts the true values.
func countTrue(v []bool) int {
	n := 0
	for _, b := range v {
		if b {
			n++
		}
	}
	return n
}

// bulkSize is the size of each bulk transfer: 64 MiB, or 4 MiB with
// -short.
func bulkSize() int {
	if testing.Short() {
		return 4 << 20
	}
	return 64 << 20
}

// rekeyLimit is a RekeyLimit size that makes the side it is given to
// re-key about eight times per bulkSize transfer ("8192K" at full size).
func rekeyLimit() string {
	return strconv.Itoa(bulkSize()/8>>10) + "K"
}

// writeTestData writes n deterministic pseudo-random bytes to a new file
// and returns its path and SHA-256 as sha256sum prints it.
func writeTestData(t *testing.T, n int) (path, sum string) {
	t.Helper()
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{'s', 's', 'h', '2'}).Read(b)
	path = filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return path, hex.EncodeToString(h[:])
}

// roundTripCommand is a remote command that sends the file, then hashes
// its standard input and prints sha256sum's line. The upload comes last
// so that a key exchange started near the end of either transfer always
// completes: the session cannot end before the server has read all of
// the client's data and answered, and neither side sends that data or
// answer while a key exchange it is part of is still running.
func roundTripCommand(path string) string {
	return "cat '" + path + "' && sha256sum"
}

// roundTripOutput is roundTripCommand's standard output: the first size
// bytes (the download) are hashed and counted without being stored, the
// rest (sha256sum's line for the upload) is kept.
type roundTripOutput struct {
	size     int
	n        int
	download hash.Hash
	rest     []byte
}

func newRoundTripOutput(size int) *roundTripOutput {
	return &roundTripOutput{size: size, download: sha256.New()}
}

func (o *roundTripOutput) Write(p []byte) (int, error) {
	k := min(len(p), o.size-o.n)
	o.download.Write(p[:k])
	o.n += k
	o.rest = append(o.rest, p[k:]...)
	return len(p), nil
}

// check reports a mismatch of either direction: the download's length
// and hash, and the upload's hash as the remote sha256sum printed it.
func (o *roundTripOutput) check(t *testing.T, sum string) {
	t.Helper()
	if got := hex.EncodeToString(o.download.Sum(nil)); o.n != o.size || got != sum {
		t.Errorf("download: %d bytes with SHA-256 %s, want %d bytes with %s", o.n, got, o.size, sum)
	}
	if got, want := string(o.rest), sum+"  -\n"; got != want {
		t.Errorf("upload: remote sha256sum printed %q, want %q", got, want)
	}
}

// openFile opens path for reading until the test ends.
func openFile(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// lastLines returns the last n lines of a log, for failure messages.
func lastLines(log string, n int) string {
	l := strings.Split(log, "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// readLog returns a whole log file (testpeer.SSHD.Log keeps only its
// tail).
func readLog(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
