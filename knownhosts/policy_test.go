package knownhosts

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/keys"
)

func TestParseStrictMode(t *testing.T) {
	for in, want := range map[string]StrictMode{
		"yes": StrictYes, "TRUE": StrictYes, "accept-new": StrictAcceptNew, "Ask": StrictAsk,
		"no": StrictNo, "false": StrictNo, "off": StrictNo,
	} {
		got, err := ParseStrictMode(in)
		if err != nil || got != want {
			t.Errorf("ParseStrictMode(%q) = %v, %v", in, got, err)
		}
		if back, err := ParseStrictMode(got.String()); err != nil || back != got {
			t.Errorf("%v does not round-trip: %v, %v", got, back, err)
		}
	}
	for _, bad := range []string{"", "maybe", "accept_new"} {
		if _, err := ParseStrictMode(bad); err == nil {
			t.Errorf("ParseStrictMode(%q) accepted", bad)
		}
	}
	if s := StrictMode(42).String(); s != "StrictMode(42)" {
		t.Errorf("String = %q", s)
	}
}

func TestKeyErrorMessage(t *testing.T) {
	known, offered := newKey(t), newKey(t)
	p := writeFile(t, "# c\n[h.example]:2222 "+authLine(known)+"\n")
	db, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	var ke *KeyError
	err = db.Check("[h.example]:2222", offered)
	if !errors.As(err, &ke) || !keys.Equal(ke.Key, offered) || ke.Fingerprint != keys.FingerprintSHA256(offered) {
		t.Fatalf("KeyError = %#v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"REMOTE HOST IDENTIFICATION HAS CHANGED", "[h.example]:2222",
		"ssh-ed25519 key " + keys.FingerprintSHA256(offered),
		"offending key in " + p + ":2: ssh-ed25519 " + keys.FingerprintSHA256(known),
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	err = db.Check("other", offered)
	if !errors.As(err, &ke) || len(ke.Want) != 0 || !strings.Contains(err.Error(), "other is unknown") ||
		!strings.Contains(err.Error(), keys.FingerprintSHA256(offered)) {
		t.Errorf("unknown host: %v", err)
	}
	if msg := (&KeyError{Host: "x"}).Error(); !strings.Contains(msg, "x is unknown") {
		t.Errorf("hand-built KeyError: %q", msg)
	}
}

// checkerFor returns a Checker over a known_hosts file holding lines,
// recording into it.
func checkerFor(t *testing.T, mode StrictMode, lines ...string) *Checker {
	t.Helper()
	c, err := NewChecker(mode, writeFile(t, strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCheckerUnknownHost(t *testing.T) {
	k := newKey(t)
	for _, tc := range []struct {
		mode    StrictMode
		confirm func(string, keys.PublicKey) (bool, error)
		accept  bool
	}{
		{StrictYes, nil, false},
		{StrictAcceptNew, nil, true},
		{StrictNo, nil, true},
		{StrictAsk, nil, false},
		{StrictAsk, func(string, keys.PublicKey) (bool, error) { return false, nil }, false},
		{StrictAsk, func(h string, key keys.PublicKey) (bool, error) {
			return h == "[new.example]:2222" && keys.Equal(key, k), nil
		}, true},
	} {
		for _, hash := range []bool{false, true} {
			c := checkerFor(t, tc.mode)
			c.Hash, c.Confirm = hash, tc.confirm
			v, err := c.Check("[new.example]:2222", k)
			name := fmt.Sprintf("%v hash=%v confirm=%v", tc.mode, hash, tc.confirm != nil)
			var ke *KeyError
			if !tc.accept {
				if !errors.As(err, &ke) || len(ke.Want) != 0 || v != (Verdict{}) {
					t.Errorf("%s: %+v, %v; want unknown-host KeyError", name, v, err)
				}
				if b, _ := os.ReadFile(c.File); len(b) != 0 {
					t.Errorf("%s: wrote %q", name, b)
				}
				continue
			}
			if err != nil || !v.New || !v.Recorded || v.AppendErr != nil || v.Changed != nil {
				t.Errorf("%s: %+v, %v", name, v, err)
				continue
			}
			// Known now, in memory and in the file, under strict checking.
			if v, err := c.Check("[new.example]:2222", k); err != nil || v != (Verdict{}) {
				t.Errorf("%s: second check: %+v, %v", name, v, err)
			}
			db, err := Load(c.File)
			if err != nil || len(db.Entries) != 1 || db.Entries[0].Hashed() != hash || db.Check("[new.example]:2222", k) != nil {
				t.Errorf("%s: file holds %+v (%v)", name, db, err)
			}
			if !hash && db.Entries[0].Hosts != "[new.example]:2222" {
				t.Errorf("%s: host field %q", name, db.Entries[0].Hosts)
			}
		}
	}
	// A Confirm error is returned as is.
	boom := errors.New("no terminal")
	c := checkerFor(t, StrictAsk)
	c.Confirm = func(string, keys.PublicKey) (bool, error) { return false, boom }
	if _, err := c.Check("h", k); !errors.Is(err, boom) {
		t.Errorf("Confirm error: %v", err)
	}
}

func TestCheckerChangedKey(t *testing.T) {
	known, offered := newKey(t), newKey(t)
	for _, mode := range []StrictMode{StrictYes, StrictAcceptNew, StrictAsk, StrictNo} {
		c := checkerFor(t, mode, "h "+authLine(known))
		c.Confirm = func(string, keys.PublicKey) (bool, error) {
			t.Error("Confirm asked about a changed key")
			return true, nil
		}
		v, err := c.Check("h", offered)
		var ke *KeyError
		if mode == StrictNo {
			if err != nil || v.New || v.Recorded || v.Changed == nil || len(v.Changed.Want) != 1 || !keys.Equal(v.Changed.Key, offered) {
				t.Errorf("%v: %+v, %v", mode, v, err)
			}
		} else if !errors.As(err, &ke) || len(ke.Want) != 1 || ke.Want[0].Line != 1 {
			t.Errorf("%v: %+v, %v; want changed-key KeyError", mode, v, err)
		}
		// The file is never changed for a changed key.
		if b, _ := os.ReadFile(c.File); string(b) != "h "+authLine(known) {
			t.Errorf("%v: file now %q", mode, b)
		}
		if _, err := c.Check("h", known); err != nil {
			t.Errorf("%v: known key: %v", mode, err)
		}
	}
}

func TestCheckerRefusalsInEveryMode(t *testing.T) {
	revoked, ca, host := newSigner(t), newSigner(t), newSigner(t)
	expired := hostCert(t, ca, host.PublicKey(), []string{"h"}, func(c *keys.Certificate) { c.ValidBefore = c.ValidAfter + 1 })
	for _, mode := range []StrictMode{StrictYes, StrictAcceptNew, StrictAsk, StrictNo} {
		c := checkerFor(t, mode, "@revoked * "+authLine(revoked.PublicKey()), "@cert-authority h "+authLine(ca.PublicKey()))
		c.Confirm = func(string, keys.PublicKey) (bool, error) { return true, nil }
		var re *RevokedError
		if _, err := c.Check("h", revoked.PublicKey()); !errors.As(err, &re) {
			t.Errorf("%v: revoked key: %v", mode, err)
		}
		var ce *CertError
		if _, err := c.Check("h", expired); !errors.As(err, &ce) || !errors.Is(err, keys.ErrCertExpired) {
			t.Errorf("%v: expired certificate: %v", mode, err)
		}
	}
}

// TestCheckerRecordsCertifiedKey: a host certificate from an unknown CA
// is checked, and recorded, as its plain key.
func TestCheckerRecordsCertifiedKey(t *testing.T) {
	ca, host := newSigner(t), newSigner(t)
	cert := hostCert(t, ca, host.PublicKey(), []string{"h"}, nil)
	c := checkerFor(t, StrictAcceptNew)
	if v, err := c.Check("h", cert); err != nil || !v.Recorded {
		t.Fatalf("%+v, %v", v, err)
	}
	db, err := Load(c.File)
	if err != nil || len(db.Entries) != 1 || !keys.Equal(db.Entries[0].Key, host.PublicKey()) {
		t.Fatalf("recorded %+v, %v", db.Entries, err)
	}
	strict := &Checker{DB: db}
	if _, err := strict.Check("h", cert); err != nil {
		t.Errorf("certificate after recording its key: %v", err)
	}
	if _, err := strict.Check("h", host.PublicKey()); err != nil {
		t.Errorf("plain key after recording: %v", err)
	}
}

func TestCheckerAppendFailure(t *testing.T) {
	k := newKey(t)
	blocker := writeFile(t, "")
	db := &DB{}
	for _, c := range []*Checker{
		{DB: db, Mode: StrictAcceptNew, File: filepath.Join(blocker, "known_hosts")}, // parent is a file
		{DB: db, Mode: StrictAcceptNew},                                              // nowhere to record
	} {
		v, err := c.Check("h", k)
		if err != nil || !v.New || v.Recorded || (c.File != "") != (v.AppendErr != nil) {
			t.Errorf("File %q: %+v, %v", c.File, v, err)
		}
		// Not recorded, so still unknown.
		if _, err := (&Checker{DB: db}).Check("h", k); err == nil {
			t.Errorf("File %q: key known after a failed append", c.File)
		}
	}
	c := &Checker{DB: db, Mode: StrictAcceptNew, File: filepath.Join(t.TempDir(), "kh")}
	if v, err := c.Check("bad host", k); err != nil || v.AppendErr == nil {
		t.Errorf("host with a space: %+v, %v", v, err)
	}
}

func TestNewChecker(t *testing.T) {
	k := newKey(t)
	global := writeFile(t, "g "+authLine(k)+"\n")
	user := filepath.Join(t.TempDir(), "sub", "known_hosts")
	c, err := NewChecker(StrictAcceptNew, user, global)
	if err != nil || c.File != user || c.Mode != StrictAcceptNew {
		t.Fatalf("%+v, %v", c, err)
	}
	if v, err := c.Check("g", k); err != nil || v.New {
		t.Errorf("key of the second file: %+v, %v", v, err)
	}
	if v, err := c.Check("n", k); err != nil || !v.Recorded {
		t.Errorf("new host: %+v, %v", v, err)
	}
	if b, err := os.ReadFile(user); err != nil || !strings.HasPrefix(string(b), "n ssh-ed25519 ") {
		t.Errorf("user file: %q, %v", b, err)
	}
	if b, _ := os.ReadFile(global); strings.Contains(string(b), "\nn ") {
		t.Error("wrote to the second file")
	}
	if c, err := NewChecker(StrictYes); err != nil || c.File != "" {
		t.Errorf("no files: %+v, %v", c, err)
	}
	if _, err := NewChecker(StrictYes, t.TempDir()); err == nil {
		t.Error("a directory as known_hosts file accepted")
	}
}

func TestCheckerConcurrent(t *testing.T) {
	c := checkerFor(t, StrictAcceptNew)
	c.Hash = true
	var wg sync.WaitGroup
	hostKeys := make([]keys.PublicKey, 8)
	for i := range hostKeys {
		hostKeys[i] = newKey(t)
	}
	for i, k := range hostKeys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 3; j++ {
				if _, err := c.Check(fmt.Sprintf("host%d", i), k); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	db, err := Load(c.File)
	if err != nil || len(db.Entries) < len(hostKeys) {
		t.Fatalf("%d entries, %v", len(db.Entries), err)
	}
	for i, k := range hostKeys {
		if err := db.Check(fmt.Sprintf("host%d", i), k); err != nil {
			t.Error(err)
		}
	}
}

// TestCheckerEndToEnd dials our server twice through a Checker's
// callback: accept-new records the key, then strict checking accepts it
// and refuses a server with another key at the same address.
func TestCheckerEndToEnd(t *testing.T) {
	host := newSigner(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &ssh2.Server{Config: &ssh2.ServerConfig{
		HostKeys:         []ssh2.Signer{host},
		PasswordCallback: func(context.Context, *ssh2.PasswordRequest) ssh2.Decision { return ssh2.Accept() },
	}}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	addr := ln.Addr().String()
	file := filepath.Join(t.TempDir(), "known_hosts")
	dial := func(mode StrictMode) ([]string, error) {
		c, err := NewChecker(mode, file)
		if err != nil {
			t.Fatal(err)
		}
		var accepted []string
		c.OnAccept = func(h string, v Verdict) {
			accepted = append(accepted, fmt.Sprintf("%s new=%v recorded=%v", h, v.New, v.Recorded))
		}
		cfg := &ssh2.ClientConfig{User: "u", Auth: []ssh2.AuthMethod{ssh2.Password("x")}, HostKeyCallback: c.HostKeyCallback()}
		cl, err := ssh2.Dial(context.Background(), "tcp", addr, cfg)
		if err == nil {
			cl.Close()
		}
		return accepted, err
	}
	var ke *KeyError
	if _, err := dial(StrictYes); !errors.As(err, &ke) {
		t.Fatalf("unknown host under StrictYes: %v", err)
	}
	if acc, err := dial(StrictAcceptNew); err != nil || len(acc) != 1 || acc[0] != Normalize(addr)+" new=true recorded=true" {
		t.Fatalf("accept-new: %q, %v", acc, err)
	}
	if acc, err := dial(StrictYes); err != nil || len(acc) != 0 {
		t.Fatalf("after recording: %q, %v", acc, err)
	}
	// Another key at the same address.
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(b), authLine(host.PublicKey()), authLine(newKey(t)), 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = dial(StrictAcceptNew)
	if !errors.As(err, &ke) || len(ke.Want) != 1 || !strings.Contains(err.Error(), "REMOTE HOST IDENTIFICATION HAS CHANGED") ||
		!strings.Contains(err.Error(), keys.FingerprintSHA256(host.PublicKey())) || !strings.Contains(err.Error(), file+":1:") {
		t.Fatalf("changed key under accept-new: %v", err)
	}
	if acc, err := dial(StrictNo); err != nil || len(acc) != 1 || !strings.Contains(acc[0], "new=false") {
		t.Fatalf("changed key under StrictNo: %q, %v", acc, err)
	}
}
