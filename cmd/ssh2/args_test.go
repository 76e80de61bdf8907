package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	cl, err := parseArgs([]string{"-p2222", "-vv", "-oUser=x", "-l", "y", "-tt", "-i", "k1", "-ik2", "bob@host", "-T", "ls", "-l", "/"})
	if err != nil {
		t.Fatal(err)
	}
	if cl.port != 2222 || cl.verbose != 2 || cl.host != "host" || cl.tty != -1 {
		t.Errorf("parsed %+v", cl)
	}
	// The first user given wins; the command keeps its own flags.
	if u := cl.settings.Get("user"); u != "x" {
		t.Errorf("user %q", u)
	}
	if !reflect.DeepEqual(cl.command, []string{"ls", "-l", "/"}) {
		t.Errorf("command %q", cl.command)
	}
	if !reflect.DeepEqual(cl.settings.IdentityFiles(), []string{"k1", "k2"}) {
		t.Errorf("identities %q", cl.settings.IdentityFiles())
	}
	cl, err = parseArgs([]string{"-o", "Port 7", "--", "ssh://u@h:99", "-x"})
	if err != nil || cl.host != "h" || cl.port != 99 || cl.settings.Get("user") != "u" || !reflect.DeepEqual(cl.command, []string{"-x"}) {
		t.Errorf("URI: %+v %v", cl, err)
	}
	for _, bad := range [][]string{{}, {"-p"}, {"-p", "70000", "h"}, {"-Z", "h"}, {"-A", "h"}, {"@h"}, {"-o", "Match all", "h"}, {"a b"}} {
		if _, err := parseArgs(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestResolve(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	cfg := filepath.Join(home, "cfg")
	writeFile(t, cfg, "Host h\n  Port 5\n  User cfguser\n  IdentityFile ~/.ssh/id_%h_%r\n  RekeyLimit 1M 1h\n  ServerAliveInterval 1m\n  UserKnownHostsFile ~/kh1 %d/kh2\n  HashKnownHosts yes\n")
	cl, err := parseArgs([]string{"-F", cfg, "-o", "Port=6", "-i", "/abs/key", "-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes", "h", "echo", "hi there"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := resolve(cl)
	if err != nil {
		t.Fatal(err)
	}
	if o.Port != 6 || o.User != "cfguser" || o.StrictHostKeyChecking != "accept-new" || !o.BatchMode || !o.HashKnownHosts ||
		o.RekeyBytes != 1<<20 || o.RekeyInterval != time.Hour || o.ServerAliveInterval != time.Minute || o.command != "echo hi there" {
		t.Errorf("resolved %+v", o)
	}
	if want := []string{"/abs/key", filepath.Join(home, ".ssh", "id_h_cfguser")}; !reflect.DeepEqual(o.Identities, want) {
		t.Errorf("identities %q, want %q", o.Identities, want)
	}
	if o.UserKnownHostsFiles != 2 || !slices.Equal(o.KnownHostsFiles[:2], []string{filepath.Join(home, "kh1"), home + "/kh2"}) {
		t.Errorf("known hosts %q", o.KnownHostsFiles)
	}
	// With no user file, nothing is written to the global ones.
	cl, _ = parseArgs([]string{"-F", "none", "-o", "UserKnownHostsFile=none", "h"})
	if o, err = resolve(cl); err != nil || o.UserKnownHostsFiles != 0 || len(o.KnownHostsFiles) != 2 {
		t.Errorf("UserKnownHostsFile=none: %d of %q, %v", o.UserKnownHostsFiles, o.KnownHostsFiles, err)
	}
	// -p beats -o Port; defaults apply without a config.
	cl, _ = parseArgs([]string{"-F", "none", "-o", "Port=6", "-p", "7", "h"})
	o, err = resolve(cl)
	if err != nil || o.Port != 7 || o.StrictHostKeyChecking != "ask" || len(o.Identities) != 3 || o.tty != 0 || o.PasswordPrompts != 3 {
		t.Errorf("defaults: %+v %v", o, err)
	}
	for _, bad := range []string{"StrictHostKeyChecking=maybe", "BatchMode=sure", "RekeyLimit=1X", "LogLevel=LOUD", "RequestTTY=often", "ServerAliveInterval=1y"} {
		cl, err := parseArgs([]string{"-F", "none", "-o", bad, "h"})
		if err == nil {
			_, err = resolve(cl)
		}
		if err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
