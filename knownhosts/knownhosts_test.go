package knownhosts

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/keys"
)

func newKey(t testing.TB) keys.PublicKey {
	t.Helper()
	s, err := keys.GenerateEd25519(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return s.PublicKey()
}

func authLine(k keys.PublicKey) string {
	return strings.TrimSpace(string(keys.MarshalAuthorizedKey(k)))
}

func writeFile(t testing.TB, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"example.com:22":   "example.com",
		"Example.COM:2222": "[example.com]:2222",
		"host":             "host",
		"[::1]:22":         "::1",
		"[::1]:2200":       "[::1]:2200",
		"::1":              "::1",
		"[h]":              "h",
		"10.0.0.1:1":       "[10.0.0.1]:1",
		"[h]:2222":         "[h]:2222",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseAndCheck(t *testing.T) {
	k1, k2, k3, kr := newKey(t), newKey(t), newKey(t), newKey(t)
	content := strings.Join([]string{
		"# comment",
		"",
		"   ",
		"host1,Host1Alias " + authLine(k1) + " a comment here",
		"[host1]:2222 " + authLine(k2),
		"*.example.com,!bad.example.com " + authLine(k3),
		"@revoked * " + authLine(kr),
		"@cert-authority *.ca.test " + authLine(k2),
		"host1 ssh-ed25519 !!!notbase64",
		"host1 ssh-rsa " + strings.Fields(authLine(k1))[1], // type mismatch
		"@bogus host1 " + authLine(k1),
		"onlyhost",
		"hostx ssh-ed25519 AAAA",
		"revokedhost " + authLine(kr),
	}, "\r\n") + "\nlast " + authLine(k1) // no final newline
	p := writeFile(t, content)
	db, err := Load(p, filepath.Join(t.TempDir(), "missing"))
	if err != nil {
		t.Fatal(err)
	}
	if len(db.Entries) != 7 {
		t.Fatalf("got %d entries, want 7: %+v", len(db.Entries), db.Entries)
	}
	if len(db.Skipped) != 5 {
		t.Fatalf("got %d skipped, want 5: %+v", len(db.Skipped), db.Skipped)
	}
	e := db.Entries[0]
	if e.Line != 4 || e.Filename != p || e.Comment != "a comment here" || e.Hosts != "host1,Host1Alias" || e.Hashed() {
		t.Errorf("entry 0 = %+v", e)
	}
	if db.Entries[3].Marker != MarkerRevoked || db.Entries[4].Marker != MarkerCertAuthority {
		t.Errorf("markers: %v %v", db.Entries[3].Marker, db.Entries[4].Marker)
	}
	if db.Entries[6].Line != 15 {
		t.Errorf("last line number = %d", db.Entries[6].Line)
	}

	cb := db.HostKeyCallback()
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 22}
	ok := []struct {
		host string
		key  keys.PublicKey
	}{
		{"host1:22", k1}, {"HOST1:22", k1}, {"host1alias:22", k1}, {"host1:2222", k2},
		{"www.example.com:22", k3}, {"last:22", k1},
	}
	for _, c := range ok {
		if err := cb(c.host, addr, c.key); err != nil {
			t.Errorf("%s: %v", c.host, err)
		}
	}

	var ke *KeyError
	// Unknown hosts: no entry, a negated pattern, a CA-only name, a port.
	for _, h := range []string{"nohost:22", "bad.example.com:22", "x.ca.test:22", "host1:2200", "www.example.com:2222"} {
		err := cb(h, addr, k1)
		if !errors.As(err, &ke) || len(ke.Want) != 0 {
			t.Errorf("%s: err = %v, want unknown-host KeyError", h, err)
		}
	}
	// Changed key.
	err = cb("host1:22", addr, k2)
	if !errors.As(err, &ke) || len(ke.Want) != 1 || ke.Want[0].Line != 4 || !keys.Equal(ke.Want[0].Key, k1) {
		t.Fatalf("changed key: err = %v", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("%s:4: ssh-ed25519 %s", p, keys.FingerprintSHA256(k1))) {
		t.Errorf("error text %q lacks file:line and fingerprint", err)
	}
	// Revoked wins over a matching plain line.
	var re *RevokedError
	if err := cb("revokedhost:22", addr, kr); !errors.As(err, &re) || re.Revoked.Line != 7 {
		t.Errorf("revoked: err = %v", err)
	}

	if got := db.HostKeyAlgorithms("host1"); len(got) != 1 || got[0] != "ssh-ed25519" {
		t.Errorf("HostKeyAlgorithms = %v", got)
	}
}

func TestHostKeyAlgorithmsRSA(t *testing.T) {
	priv, pub := testpeer.GenerateKey(t, "rsa", 2048)
	_ = priv
	_, pub2 := testpeer.GenerateKey(t, "ecdsa", 384)
	p := writeFile(t, "h "+pub+"\nh "+pub2+"\n")
	db, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(db.HostKeyAlgorithms("h"), ",")
	if got != "rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp384" {
		t.Errorf("HostKeyAlgorithms = %s", got)
	}
	if got := db.HostKeyAlgorithms("other"); got != nil {
		t.Errorf("HostKeyAlgorithms(other) = %v", got)
	}
}

func TestOverlongLineSkipped(t *testing.T) {
	k := newKey(t)
	content := "a " + authLine(k) + "\n" + strings.Repeat("x", MaxLineLen+10) + "\nb " + authLine(k) + "\n"
	db, err := Load(writeFile(t, content))
	if err != nil {
		t.Fatal(err)
	}
	if len(db.Entries) != 2 || db.Entries[1].Line != 3 || len(db.Skipped) != 1 || db.Skipped[0].Line != 2 {
		t.Fatalf("entries %+v skipped %+v", db.Entries, db.Skipped)
	}
}

// keygen runs ssh-keygen with args and returns its output.
func keygen(t *testing.T, args ...string) (string, error) {
	t.Helper()
	bin := testpeer.Require(t, "ssh-keygen")
	out, err := exec.Command(bin, args...).CombinedOutput()
	return string(out), err
}

// TestHashedBySSHKeygen hashes a file with ssh-keygen -H and checks that
// every host still verifies, and only with its key.
func TestHashedBySSHKeygen(t *testing.T) {
	k1, k2 := newKey(t), newKey(t)
	p := writeFile(t, "alpha,beta "+authLine(k1)+"\n[gamma]:2022 "+authLine(k2)+"\n")
	if out, err := keygen(t, "-H", "-f", p); err != nil {
		t.Fatalf("ssh-keygen -H: %v\n%s", err, out)
	}
	db, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(db.Entries) != 3 || len(db.Skipped) != 0 {
		t.Fatalf("entries %d skipped %v", len(db.Entries), db.Skipped)
	}
	for _, e := range db.Entries {
		if !e.Hashed() {
			t.Errorf("line %d not hashed: %s", e.Line, e.Hosts)
		}
	}
	for _, c := range []struct {
		host string
		key  keys.PublicKey
	}{{"alpha", k1}, {"beta", k1}, {"[gamma]:2022", k2}} {
		if err := db.Check(c.host, c.key); err != nil {
			t.Errorf("%s: %v", c.host, err)
		}
	}
	var ke *KeyError
	if err := db.Check("alpha", k2); !errors.As(err, &ke) || len(ke.Want) != 1 {
		t.Errorf("alpha with wrong key: %v", err)
	}
	if err := db.Check("gamma", k2); !errors.As(err, &ke) || len(ke.Want) != 0 {
		t.Errorf("gamma without port: %v", err)
	}
}

// TestAppendFoundBySSHKeygen appends plain and hashed entries and looks
// them up with ssh-keygen -F.
func TestAppendFoundBySSHKeygen(t *testing.T) {
	k := newKey(t)
	p := filepath.Join(t.TempDir(), "sub", "dir", "known_hosts")
	if err := Append(p, []string{"127.0.0.1:2222"}, k, false); err != nil {
		t.Fatal(err)
	}
	if err := Append(p, []string{"hashed.test:22", "other.test:2200"}, k, true); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("stat: %v %v", st, err)
	}
	for _, host := range []string{"[127.0.0.1]:2222", "hashed.test", "[other.test]:2200"} {
		out, err := keygen(t, "-F", host, "-f", p)
		if err != nil || !strings.Contains(out, strings.Fields(authLine(k))[1]) {
			t.Errorf("ssh-keygen -F %s: %v\n%s", host, err, out)
		}
	}
	if out, err := keygen(t, "-F", "127.0.0.1", "-f", p); err == nil {
		t.Errorf("ssh-keygen -F 127.0.0.1 found an entry for port 2222:\n%s", out)
	}
	db, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(db.Entries) != 3 || !db.Entries[1].Hashed() {
		t.Fatalf("entries: %+v", db.Entries)
	}
	for _, h := range []string{"127.0.0.1:2222", "hashed.test:22", "other.test:2200"} {
		if err := db.HostKeyCallback()(h, nil, k); err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}
}

func TestAppendAfterUnterminatedLine(t *testing.T) {
	k := newKey(t)
	p := writeFile(t, "a "+authLine(k))
	if err := Append(p, []string{"b"}, k, false); err != nil {
		t.Fatal(err)
	}
	db, err := Load(p)
	if err != nil || len(db.Entries) != 2 {
		t.Fatalf("%v %+v %+v", err, db.Entries, db.Skipped)
	}
	if err := Append(p, []string{"bad host"}, k, false); err == nil {
		t.Error("Append accepted a host with a space")
	}
}

// TestSSHKeyscan checks keys gathered by ssh-keyscan from a real sshd.
func TestSSHKeyscan(t *testing.T) {
	scan := testpeer.Require(t, "ssh-keyscan")
	srv := testpeer.StartSSHD(t, testpeer.SSHDOptions{})
	for _, hashed := range []bool{false, true} {
		args := []string{"-p", fmt.Sprint(srv.Port)}
		if hashed {
			args = append(args, "-H")
		}
		args = append(args, "127.0.0.1")
		out, err := exec.Command(scan, args...).Output()
		if err != nil {
			t.Fatalf("ssh-keyscan: %v", err)
		}
		db, err := Load(writeFile(t, string(out)))
		if err != nil {
			t.Fatal(err)
		}
		if len(db.Entries) == 0 {
			t.Fatalf("no entries from ssh-keyscan:\n%s", out)
		}
		// ssh-keyscan asks for one ECDSA key: the server's first, P-256.
		for _, typ := range []string{"ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"} {
			k, _, _, _, err := keys.ParseAuthorizedKey([]byte(srv.HostKeys[typ]))
			if err != nil {
				t.Fatal(err)
			}
			if err := db.HostKeyCallback()(srv.Addr, nil, k); err != nil {
				t.Errorf("hashed=%v %s: %v", hashed, typ, err)
			}
		}
		var ke *KeyError
		if err := db.HostKeyCallback()(srv.Addr, nil, newKey(t)); !errors.As(err, &ke) || len(ke.Want) != len(db.Entries) {
			t.Errorf("hashed=%v: foreign key: %v", hashed, err)
		}
	}
}
