package testpeer

import (
	"regexp"
	"testing"
)

// The algorithm lists below are the ones the interop tests run one
// connection each over, which both ssh2 and OpenSSH support.
// mlkem768x25519-sha256 is left out: Debian's OpenSSH 9.2 lacks it.

// KexAlgorithms are the key exchange algorithms to test.
var KexAlgorithms = []string{
	"curve25519-sha256", "curve25519-sha256@libssh.org",
	"ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
	"diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
	"diffie-hellman-group-exchange-sha256",
}

// CipherAlgorithms are the ciphers to test.
var CipherAlgorithms = []string{
	"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
	"aes128-ctr", "aes192-ctr", "aes256-ctr",
}

// MACAlgorithms are the MACs to test.
var MACAlgorithms = []string{
	"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
	"hmac-sha2-256", "hmac-sha2-512", "hmac-sha1", "hmac-sha1-etm@openssh.com",
}

// HostKeyAlgorithms are the host key algorithms to test. ssh-rsa (SHA-1)
// is included: ssh2 and ssh2d use it when configured.
var HostKeyAlgorithms = []string{
	"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"rsa-sha2-512", "rsa-sha2-256", "ssh-rsa",
}

// macTestCipher is the non-AEAD cipher the MAC cases use, so that the MAC
// is really negotiated.
const macTestCipher = "aes128-ctr"

// AlgorithmCase restricts a client to one algorithm and says what the key
// exchange must then have chosen.
type AlgorithmCase struct {
	Name    string
	Options []string // client -o settings
	Want    KexReport
	HostKey string // host key algorithm the server must present
}

// AlgorithmCases covers every key exchange, host key algorithm, cipher
// and MAC, one connection each. Outside the host key cases the server
// presents its ssh-ed25519 key.
func AlgorithmCases() []AlgorithmCase {
	var cs []AlgorithmCase
	for _, k := range KexAlgorithms {
		cs = append(cs, AlgorithmCase{Name: "kex/" + k, Options: []string{"KexAlgorithms=" + k}, Want: KexReport{Kex: k}, HostKey: "ssh-ed25519"})
	}
	for _, h := range HostKeyAlgorithms {
		cs = append(cs, AlgorithmCase{Name: "hostkey/" + h, Options: []string{"HostKeyAlgorithms=" + h}, Want: KexReport{HostKey: h}, HostKey: h})
	}
	for _, c := range CipherAlgorithms {
		cs = append(cs, AlgorithmCase{Name: "cipher/" + c, Options: []string{"Ciphers=" + c}, Want: KexReport{CipherCS: c, CipherSC: c}, HostKey: "ssh-ed25519"})
	}
	for _, m := range MACAlgorithms {
		cs = append(cs, AlgorithmCase{Name: "mac/" + m, Options: []string{"Ciphers=" + macTestCipher, "MACs=" + m},
			Want: KexReport{CipherCS: macTestCipher, MACCS: m, CipherSC: macTestCipher, MACSC: m}, HostKey: "ssh-ed25519"})
	}
	return cs
}

// KexReport is what a log says a key exchange chose. In a wanted report,
// empty fields are not checked.
type KexReport struct {
	Kex, HostKey    string
	CipherCS, MACCS string // client to server
	CipherSC, MACSC string // server to client
}

// KexLineRE matches the negotiation lines after prefix, as OpenSSH logs
// them ("kex: client->server cipher: aes128-ctr MAC: hmac-sha1
// compression: none") and as ssh2's and ssh2d's debug logs do (slog
// quotes the message).
func KexLineRE(prefix string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(prefix) +
		`kex: (algorithm|host key algorithm|client->server cipher|server->client cipher): ([^\s"]+)(?: MAC: ([^\s"]+))?`)
}

// OpenSSHKexLine matches the negotiation lines of OpenSSH's debug1 logs
// (ssh -v, sshd at LogLevel DEBUG1).
var OpenSSHKexLine = KexLineRE("debug1: ")

// SSH2KexLine matches the negotiation lines of ssh2's and ssh2d's debug
// logs.
var SSH2KexLine = KexLineRE(`msg="`)

// FirstKexReport returns the first key exchange's choices from a log, as
// re (made by KexLineRE) finds them.
func FirstKexReport(log string, re *regexp.Regexp) KexReport {
	var r KexReport
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

// Matches reports whether r has every non-empty field of want.
func (r KexReport) Matches(want KexReport) bool {
	eq := func(got, want string) bool { return want == "" || got == want }
	return eq(r.Kex, want.Kex) && eq(r.HostKey, want.HostKey) &&
		eq(r.CipherCS, want.CipherCS) && eq(r.MACCS, want.MACCS) &&
		eq(r.CipherSC, want.CipherSC) && eq(r.MACSC, want.MACSC)
}

// OpenSSHKexInit matches OpenSSH's debug1 KEXINIT log lines.
var OpenSSHKexInit = regexp.MustCompile(`debug1: SSH2_MSG_KEXINIT (sent|received)`)

// SSH2KexInit matches the KEXINIT lines of ssh2's and ssh2d's debug logs
// (the library logs them at debug level in OpenSSH's wording).
var SSH2KexInit = regexp.MustCompile(`msg="ssh: SSH2_MSG_KEXINIT (sent|received)"`)

// RekeyStarters reads the KEXINIT lines (as re, OpenSSHKexInit or
// SSH2KexInit, finds them) of a log of one connection and returns, for
// each key exchange after the first, whether the log's owner started it
// (sent its KEXINIT before receiving the peer's). who names the log in
// failure messages.
func RekeyStarters(t testing.TB, who, log string, re *regexp.Regexp) []bool {
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

// Rekeyer says which side of a bulk transfer starts its re-keys.
type Rekeyer int

const (
	NoRekey      Rekeyer = iota // neither side reaches its limit
	ClientRekeys                // the client, given a RekeyLimit
	ServerRekeys                // the server, given a RekeyLimit
)

// MinRekeys is the fewest re-keys a side with RekeyLimit() must start
// while BulkSize() bytes go each way (it would start about sixteen).
const MinRekeys = 4

// CheckRekeys checks who started the re-keys of one connection, given
// RekeyStarters of the client's log and of the server's (client and
// server name them in messages): both list the same number, the side
// want names started all of them and the other none, and there are none
// for NoRekey and at least MinRekeys otherwise.
func CheckRekeys(t testing.TB, client string, clientStarted []bool, server string, serverStarted []bool, want Rekeyer) {
	t.Helper()
	t.Logf("%d re-keys: %s started %d, %s %d", len(clientStarted), client, countTrue(clientStarted), server, countTrue(serverStarted))
	if len(clientStarted) != len(serverStarted) {
		t.Fatalf("%s logs %d re-keys, %s %d", client, len(clientStarted), server, len(serverStarted))
	}
	var wantClient, wantServer int
	switch want {
	case ClientRekeys:
		wantClient = len(clientStarted)
	case ServerRekeys:
		wantServer = len(serverStarted)
	}
	if got := countTrue(clientStarted); got != wantClient {
		t.Errorf("%s started %d of %d re-keys, want %d", client, got, len(clientStarted), wantClient)
	}
	if got := countTrue(serverStarted); got != wantServer {
		t.Errorf("%s started %d of %d re-keys, want %d", server, got, len(serverStarted), wantServer)
	}
	n := len(clientStarted)
	if want == NoRekey && n != 0 {
		t.Errorf("%d re-keys without a RekeyLimit", n)
	}
	if want != NoRekey && n < MinRekeys {
		t.Errorf("%d re-keys with RekeyLimit %s, want at least %d", n, RekeyLimit(), MinRekeys)
	}
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
