package sshd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/keys"
)

func newKey(t testing.TB) (keys.Signer, string) {
	t.Helper()
	s, err := keys.GenerateEd25519(nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, strings.TrimSpace(string(keys.MarshalAuthorizedKey(s.PublicKey())))
}

func TestFindKey(t *testing.T) {
	k1, line1 := newKey(t)
	k2, line2 := newKey(t)
	k3, line3 := newKey(t)
	k4, line4 := newKey(t)
	k5, line5 := newKey(t)
	other, _ := newKey(t)
	data := strings.Join([]string{
		"# comment",
		"",
		"garbage line that does not parse",
		line1 + " alice@host",
		`command="echo forced \"x\"",no-pty ` + line2 + " bob",
		`from="10.0.0.0/8" ` + line3,
		`cert-authority ` + line4,
		`restrict,pty ` + line5,
		`restrict ` + line3 + " second entry for key 3",
	}, "\n")
	if e := FindKey([]byte(data), k1.PublicKey()); e == nil || e.Comment != "alice@host" || e.Command != "" || e.NoPTY {
		t.Errorf("key 1: %+v", e)
	}
	if e := FindKey([]byte(data), k2.PublicKey()); e == nil || e.Command != `echo forced "x"` || !e.NoPTY {
		t.Errorf("key 2: %+v", e)
	}
	// from= cannot be enforced, so that line is skipped and the later
	// restrict line is used.
	if e := FindKey([]byte(data), k3.PublicKey()); e == nil || !e.NoPTY || e.Comment != "second entry for key 3" {
		t.Errorf("key 3: %+v", e)
	}
	// A CA key must never authenticate as a plain key.
	if e := FindKey([]byte(data), k4.PublicKey()); e != nil {
		t.Errorf("cert-authority key accepted: %+v", e)
	}
	if e := FindKey([]byte(data), k5.PublicKey()); e == nil || e.NoPTY {
		t.Errorf("restrict,pty: %+v", e)
	}
	if e := FindKey([]byte(data), other.PublicKey()); e != nil {
		t.Errorf("unlisted key accepted: %+v", e)
	}
}

func TestAuthorizedKeysFile(t *testing.T) {
	k, line := newKey(t)
	path := filepath.Join(t.TempDir(), "authorized_keys")
	a := &AuthorizedKeys{Path: path}
	if _, err := a.Lookup(k.PublicKey()); !os.IsNotExist(err) {
		t.Errorf("missing file: err = %v", err)
	}
	if err := os.WriteFile(path, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if e, err := a.Lookup(k.PublicKey()); err != nil || e == nil {
		t.Errorf("Lookup = %+v, %v", e, err)
	}
	// The file is read at every lookup: removing the line revokes.
	if err := os.WriteFile(path, []byte("# nobody\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if e, err := a.Lookup(k.PublicKey()); err != nil || e != nil {
		t.Errorf("after removal: %+v, %v", e, err)
	}
	big := make([]byte, MaxAuthorizedKeysSize+1)
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Lookup(k.PublicKey()); err == nil {
		t.Error("oversized file accepted")
	}
}

func FuzzFindKey(f *testing.F) {
	k, line := newKey(f)
	f.Add([]byte(line + "\n"))
	f.Add([]byte(`command="x",no-pty ` + line))
	f.Add([]byte("restrict,from=\"a\" " + line + "\n# c\n\n"))
	f.Add([]byte("ssh-ed25519 AAAA\n"))
	pub := k.PublicKey()
	f.Fuzz(func(t *testing.T, data []byte) { _ = FindKey(data, pub) })
}
