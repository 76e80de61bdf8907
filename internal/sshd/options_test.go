package sshd

import (
	"errors"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/transport"
	"github.com/ssh2go/ssh2/internal/transport/cipher"
)

func TestOptionsAlgorithms(t *testing.T) {
	defCiphers := cipher.DefaultCiphers()
	for _, c := range []struct {
		args  []string
		field func(*Options) []string
		want  []string
	}{
		{[]string{"Ciphers=aes256-ctr"}, func(o *Options) []string { return o.Ciphers }, []string{"aes256-ctr"}},
		{[]string{"ciphers aes256-ctr,aes128-ctr"}, func(o *Options) []string { return o.Ciphers }, []string{"aes256-ctr", "aes128-ctr"}},
		{[]string{"CIPHERS=+aes256-cbc"}, func(o *Options) []string { return o.Ciphers }, append(slices.Clone(defCiphers), "aes256-cbc")},
		{[]string{"Ciphers=-*-ctr"}, func(o *Options) []string { return o.Ciphers }, slices.DeleteFunc(slices.Clone(defCiphers), func(s string) bool { return strings.HasSuffix(s, "-ctr") })},
		{[]string{"Ciphers=^aes256-ctr"}, func(o *Options) []string { return o.Ciphers }, append([]string{"aes256-ctr"}, slices.DeleteFunc(slices.Clone(defCiphers), func(s string) bool { return s == "aes256-ctr" })...)},
		// Repeated settings build on each other.
		{[]string{"Ciphers=aes128-ctr", "Ciphers=+aes256-ctr"}, func(o *Options) []string { return o.Ciphers }, []string{"aes128-ctr", "aes256-ctr"}},
		{[]string{"KexAlgorithms=+ecdh-sha2-nistp256"}, func(o *Options) []string { return o.KexAlgorithms }, append(slices.Clone(transport.DefaultKexAlgorithms(false)), "ecdh-sha2-nistp256")},
		{[]string{"KexAlgorithms=curve25519-sha256"}, func(o *Options) []string { return o.KexAlgorithms }, []string{"curve25519-sha256"}},
		{[]string{"MACs=-hmac-sha2-512*"}, func(o *Options) []string { return o.MACs }, []string{"hmac-sha2-256-etm@openssh.com", "hmac-sha2-256"}},
		{[]string{"HostKeyAlgorithms=+ssh-rsa"}, func(o *Options) []string { return o.HostKeyAlgorithms }, append(slices.Clone(transport.DefaultHostKeyAlgorithms), "ssh-rsa")},
		{[]string{"PubkeyAcceptedAlgorithms=ssh-ed25519"}, func(o *Options) []string { return o.PubkeyAcceptedAlgorithms }, []string{"ssh-ed25519"}},
	} {
		o := NewOptions()
		for _, a := range c.args {
			if err := o.Set(a); err != nil {
				t.Fatalf("Set(%q): %v", a, err)
			}
		}
		if got := c.field(o); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %v, want %v", c.args, got, c.want)
		}
	}
}

func TestOptionsValues(t *testing.T) {
	banner := filepath.Join(t.TempDir(), "banner")
	if err := os.WriteFile(banner, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		arg   string
		check func(*Options) bool
	}{
		{"RekeyLimit=1G", func(o *Options) bool { return o.RekeyLimit == 1<<30 && o.RekeyInterval == 0 }},
		{"RekeyLimit=500M 1h", func(o *Options) bool { return o.RekeyLimit == 500<<20 && o.RekeyInterval == time.Hour }},
		{"RekeyLimit=default none", func(o *Options) bool { return o.RekeyLimit == 0 && o.RekeyInterval == 0 }},
		{"RekeyLimit default 30m", func(o *Options) bool { return o.RekeyLimit == 0 && o.RekeyInterval == 30*time.Minute }},
		{"MaxAuthTries=3", func(o *Options) bool { return o.MaxAuthTries == 3 }},
		{"LoginGraceTime=2m", func(o *Options) bool { return o.LoginGraceTime == 2*time.Minute }},
		{"LoginGraceTime=1h30m", func(o *Options) bool { return o.LoginGraceTime == 90*time.Minute }},
		{"LoginGraceTime=45", func(o *Options) bool { return o.LoginGraceTime == 45*time.Second }},
		{"LoginGraceTime=0", func(o *Options) bool { return o.LoginGraceTime == 0 }},
		{"AcceptEnv=FOO BAR_*", func(o *Options) bool {
			return o.AcceptsEnv("FOO") && o.AcceptsEnv("BAR_X") && o.AcceptsEnv("LANG") && o.AcceptsEnv("LC_ALL") && !o.AcceptsEnv("BAZ")
		}},
		{"Banner=" + banner, func(o *Options) bool { return o.Banner == banner }},
		{"Banner=none", func(o *Options) bool { return o.Banner == "" }},
		{"PasswordAuthentication=no", func(o *Options) bool { return !o.PasswordAuthentication && o.KbdInteractiveAuthentication }},
		{"kbdinteractiveauthentication no", func(o *Options) bool { return !o.KbdInteractiveAuthentication }},
		{"PubkeyAuthentication=no", func(o *Options) bool { return !o.PubkeyAuthentication }},
		{"LogLevel=DEBUG3", func(o *Options) bool { return o.LogLevel == slog.LevelDebug }},
		{"Subsystem=sftp /usr/lib/openssh/sftp-server -e", func(o *Options) bool { return o.Subsystem["sftp"] == "/usr/lib/openssh/sftp-server -e" }},
	} {
		o := NewOptions()
		if err := o.Set(c.arg); err != nil {
			t.Errorf("Set(%q): %v", c.arg, err)
			continue
		}
		if !c.check(o) {
			t.Errorf("Set(%q) gave %+v", c.arg, o)
		}
	}
}

func TestOptionsErrors(t *testing.T) {
	for _, arg := range []string{
		"NoSuchKeyword=yes",
		"Port=22", // an sshd keyword ssh2d does not take
		"Ciphers=",
		"Ciphers",
		"=aes128-ctr",
		"Ciphers=rot13",
		"Ciphers=+rot13",
		"Ciphers=-*",
		"MACs=hmac-md5",
		"KexAlgorithms=curve25519-sha256,,ecdh-sha2-nistp256",
		"HostKeyAlgorithms=ssh-dss",
		"RekeyLimit=8",
		"RekeyLimit=1G 1h extra",
		"RekeyLimit=lots",
		"RekeyLimit=1G often",
		"MaxAuthTries=0",
		"MaxAuthTries=three",
		"MaxAuthTries=3x",
		"LoginGraceTime=soon",
		"AcceptEnv=A=B",
		"Banner=/nonexistent/banner",
		"PasswordAuthentication=maybe",
		"LogLevel=LOUD",
		"Subsystem=sftp",
	} {
		o := NewOptions()
		if err := o.Set(arg); err == nil {
			t.Errorf("Set(%q) succeeded", arg)
		}
	}
	err := NewOptions().Set("Frobnicate=1")
	if err == nil || !strings.Contains(err.Error(), `"Frobnicate"`) || !strings.Contains(err.Error(), "KexAlgorithms") {
		t.Errorf("unknown keyword error = %v; want it to name the keyword and list the supported ones", err)
	}
	if err := NewOptions().Set("Ciphers=rot13"); !errors.Is(err, ErrSyntax) {
		t.Errorf("bad cipher error %v does not wrap ErrSyntax", err)
	}
}

func TestOptionsApply(t *testing.T) {
	o := NewOptions()
	for _, a := range []string{"Ciphers=aes256-ctr", "MACs=hmac-sha2-512", "KexAlgorithms=curve25519-sha256",
		"HostKeyAlgorithms=ssh-ed25519", "PubkeyAcceptedAlgorithms=ssh-ed25519", "RekeyLimit=1M 10m", "MaxAuthTries=2", "LoginGraceTime=30s"} {
		if err := o.Set(a); err != nil {
			t.Fatal(err)
		}
	}
	var cfg ssh2.ServerConfig
	o.Apply(&cfg)
	if !reflect.DeepEqual(cfg.Ciphers, []string{"aes256-ctr"}) || !reflect.DeepEqual(cfg.MACs, []string{"hmac-sha2-512"}) ||
		!reflect.DeepEqual(cfg.KexAlgorithms, []string{"curve25519-sha256"}) || !reflect.DeepEqual(cfg.HostKeyAlgorithms, []string{"ssh-ed25519"}) ||
		!reflect.DeepEqual(cfg.PublicKeyAlgorithms, []string{"ssh-ed25519"}) || cfg.RekeyLimit != 1<<20 || cfg.RekeyInterval != 10*time.Minute ||
		cfg.MaxAuthTries != 2 || cfg.LoginGraceTime != 30*time.Second {
		t.Errorf("Apply gave %+v", cfg)
	}
	// No -o at all leaves the library defaults in force.
	var def ssh2.ServerConfig
	NewOptions().Apply(&def)
	if def.Ciphers != nil || def.KexAlgorithms != nil || def.MACs != nil || def.HostKeyAlgorithms != nil || def.PublicKeyAlgorithms != nil {
		t.Errorf("defaults changed the algorithm lists: %+v", def)
	}
	// LoginGraceTime 0 means no limit, as in OpenSSH.
	o = NewOptions()
	if err := o.Set("LoginGraceTime=0"); err != nil {
		t.Fatal(err)
	}
	o.Apply(&def)
	if def.LoginGraceTime != math.MaxInt64 {
		t.Errorf("LoginGraceTime 0 applied as %v", def.LoginGraceTime)
	}
}

func FuzzOptionsSet(f *testing.F) {
	for _, s := range []string{"Ciphers=+aes256-cbc", "RekeyLimit=1G 1h", "AcceptEnv=LC_*", "MaxAuthTries=3", "x", "=", "KexAlgorithms=-*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "banner") {
			return // touches the file system
		}
		_ = NewOptions().Set(s)
	})
}
