package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssh2go/ssh2/keys"
)

// TestSignCertSideBySide certifies the same key with the same CA and
// options with ssh-keygen and ours and compares ssh-keygen -L of both
// certificates and the "Signed ..." messages.
func TestSignCertSideBySide(t *testing.T) {
	t.Parallel()
	kg := keygen(t)
	dir := t.TempDir()
	keyCorpus(t, kg, dir)
	for _, c := range [][]string{
		{"-s", "ed", "-I", "alice id", "-n", "alice,bob", "-V", "20260101:20270101", "-z", "17", "ec256.pub"},
		{"-s", "rsa", "-I", "host", "-h", "-n", "h.example.com", "-V", "always:forever", "ed.pub"},
		{"-s", "ec384", "-I", "x", "-V", "20250101123000:forever", "-O", "clear", "-O", "permit-pty", "-O", "force-command=/bin/ls -l",
			"-O", "source-address=10.0.0.0/8,127.0.0.1", "rsa.pub"},
		{"-s", "ec521", "-I", "y", "-V", "always:20300101", "-O", "no-pty", "-O", "extension:custom@example.com=v", "dsa.pub"},
		{"-s", "dsa", "-I", "z", "ec521.pub"},
		{"-s", "ed-enc", "-P", "pw", "-I", "enc ca", "ec384.pub"},
	} {
		cert := strings.TrimSuffix(c[len(c)-1], ".pub") + "-cert.pub"
		want := mustRun(t, dir, kg, c...)
		wantL := mustRun(t, dir, kg, "-L", "-f", cert).stdout
		got := mustRun(t, dir, ours, c...)
		gotL := mustRun(t, dir, kg, "-L", "-f", cert).stdout
		if got.stderr != want.stderr || gotL != wantL {
			t.Errorf("%s:\nssh-keygen:\n%s%s\nours:\n%s%s", strings.Join(c, " "), want.stderr, wantL, got.stderr, gotL)
		}
		// ssh-keygen's -l agrees on our certificate.
		same(t, kg, dir, nil, "-l", "-f", cert)
	}
	for _, bad := range [][]string{
		{"-s", "ed", "-n", "a", "ec256.pub"},                         // no -I
		{"-s", "ed", "-I", "i", "-V", "20270101:20260101", "ed.pub"}, // empty interval
		{"-s", "ed", "-I", "i", "-V", "bogus", "ed.pub"},
		{"-s", "ed", "-I", "i", "missing.pub"},
		{"-s", "ed-enc", "-P", "wrong", "-I", "i", "ed.pub"},
	} {
		w := runProg(t, dir, nil, kg, bad...)
		g := runProg(t, dir, nil, ours, bad...)
		if w.code != g.code {
			t.Errorf("%s: exit %d, ssh-keygen %d (%s)", strings.Join(bad, " "), g.code, w.code, g.stderr)
		}
	}
}

func TestParseValidity(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 22, 5, 29, 0, time.UTC)
	n := uint64(now.Unix())
	abs := func(s string) uint64 {
		tm, err := time.ParseInLocation("20060102150405", s, time.Local)
		if err != nil {
			t.Fatal(err)
		}
		return uint64(tm.Unix())
	}
	for _, c := range []struct {
		spec     string
		from, to uint64
	}{
		{"+52w", n - 89, n + 52*7*86400}, // from one minute back, rounded down to the minute
		{"-1d:+1w", n - 86400, n + 7*86400},
		{"+1h30m:+2d", n + 5400, n + 2*86400},
		{"always:forever", 0, keys.CertTimeInfinity},
		{"20260101:20270101", abs("20260101000000"), abs("20270101000000")},
		{"202601011230:20270101123059", abs("20260101123000"), abs("20270101123059")},
		{"20260101Z:20270101Z", uint64(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()), uint64(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Unix())},
	} {
		from, to, err := parseValidity(c.spec, now)
		if err != nil || from != c.from || to != c.to {
			t.Errorf("%s: %d..%d %v, want %d..%d", c.spec, from, to, err, c.from, c.to)
		}
	}
	for _, bad := range []string{"", "+", "20260101", "x:y", "+1y", ":+1d", "+1d:", "20270101:20260101", "2026:forever", "+99999999999999999w"} {
		if _, _, err := parseValidity(bad, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestSSHSIGSideBySide signs with each tool and verifies with both,
// comparing output and status, including failures.
func TestSSHSIGSideBySide(t *testing.T) {
	t.Parallel()
	kg := keygen(t)
	dir := t.TempDir()
	keyCorpus(t, kg, dir)
	msg := []byte("a message\n")
	os.WriteFile(filepath.Join(dir, "msg"), msg, 0o600)
	var signers strings.Builder
	for _, k := range []string{"ed", "ec256", "ec521", "rsa"} {
		pub, _ := os.ReadFile(filepath.Join(dir, k+".pub"))
		signers.WriteString(k + "@example.com,*.wild namespaces=\"file,git\" " + string(pub))
	}
	edPub, _ := os.ReadFile(filepath.Join(dir, "ed-enc.pub"))
	signers.WriteString("\"quoted id\" " + string(edPub))
	os.WriteFile(filepath.Join(dir, "allowed"), []byte(signers.String()), 0o600)
	for _, k := range []string{"ed", "ec256", "ec521", "rsa", "ed-enc"} {
		for _, signer := range []string{kg, ours} {
			os.Remove(filepath.Join(dir, "msg.sig"))
			var stdin []byte
			wantErr := "Signing file msg\nWrite signature to msg.sig\n"
			if k == "ed-enc" {
				stdin = []byte("pw\n") // the passphrase prompt reads standard input
				wantErr = "Enter passphrase: " + wantErr
			}
			r := runProg(t, dir, stdin, signer, "-Y", "sign", "-f", k, "-n", "file", "msg")
			if r.code != 0 || r.stderr != wantErr {
				t.Errorf("%s sign: exit %d, stderr %q", filepath.Base(signer), r.code, r.stderr)
			}
			id := k + "@example.com"
			if k == "ed-enc" {
				id = "quoted id"
			}
			ok := same(t, kg, dir, msg, "-Y", "verify", "-f", "allowed", "-I", id, "-n", "file", "-s", "msg.sig")
			if ok.code != 0 || !strings.HasPrefix(ok.stdout, `Good "file" signature for `+id+" with ") {
				t.Errorf("%s by %s: %q exit %d", k, filepath.Base(signer), ok.stdout, ok.code)
			}
			if k != "ed-enc" {
				same(t, kg, dir, msg, "-Y", "verify", "-f", "allowed", "-I", "x.wild", "-n", "file", "-s", "msg.sig")
				same(t, kg, dir, msg, "-Y", "verify", "-f", "allowed", "-I", id, "-n", "mail", "-s", "msg.sig")
				same(t, kg, dir, msg, "-Y", "verify", "-f", "allowed", "-I", id, "-n", "git", "-s", "msg.sig")
			}
			same(t, kg, dir, msg, "-Y", "verify", "-f", "allowed", "-I", "nobody", "-n", "file", "-s", "msg.sig")
			same(t, kg, dir, []byte("tampered\n"), "-Y", "verify", "-f", "allowed", "-I", id, "-n", "file", "-s", "msg.sig")
		}
	}
	// Signing standard input writes the signature to standard output.
	r := runProg(t, dir, msg, ours, "-Y", "sign", "-f", "ed", "-n", "file")
	os.WriteFile(filepath.Join(dir, "stdin.sig"), []byte(r.stdout), 0o600)
	same(t, kg, dir, msg, "-Y", "verify", "-f", "allowed", "-I", "ed@example.com", "-n", "file", "-s", "stdin.sig")
}
