package sshconfig

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSplitLine(t *testing.T) {
	for in, want := range map[string][]string{
		"Port 22":                      {"port", "22"},
		"port=22":                      {"port", "22"},
		"  Port = 22  # comment":       {"port", "22"},
		"PORT\t=\t22":                  {"port", "22"},
		`IdentityFile "/a b/c"`:        {"identityfile", "/a b/c"},
		`IdentityFile '/a b'"/c d"`:    {"identityfile", "/a b/c d"},
		`SendEnv "x\"y" z`:             {"sendenv", `x"y`, "z"},
		"UserKnownHostsFile /a /b":     {"userknownhostsfile", "/a", "/b"},
		"# just a comment":             nil,
		"":                             nil,
		`Host=a,b !c`:                  {"host", "a,b", "!c"},
		"Ciphers=+aes128-ctr":          {"ciphers", "+aes128-ctr"},
		"Ciphers=^aes128-ctr,aes256-c": {"ciphers", "^aes128-ctr,aes256-c"},
	} {
		kw, args, err := splitLine(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		var got []string
		if kw != "" {
			got = append([]string{kw}, args...)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{`IdentityFile "unterminated`, "=x"} {
		if _, _, err := splitLine(bad); !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

func TestOptionsPrecedeFile(t *testing.T) {
	home := t.TempDir()
	s := NewSettings()
	for _, o := range []string{"port=2200", "User alice", "IdentityFile ~/first", "stricthostkeychecking=accept-new"} {
		if err := s.ApplyOption(o); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []string{"Host x", "NoSuchOption 1", "Port", "Ciphers a b"} {
		if err := s.ApplyOption(bad); !errors.Is(err, ErrSyntax) {
			t.Errorf("ApplyOption(%q) = %v", bad, err)
		}
	}
	if err := s.ApplyOption("ForwardAgent yes"); err != nil {
		t.Errorf("ignored keyword refused: %v", err)
	}
	cfg := `
# global
Port 1
Host other
  User bob
  Port 3
Host *.example.com !bad.example.com
  User carol
  IdentityFile %d/.ssh/id_%h
  HostName real-%h
Match host real-www.example.com
  ConnectTimeout 7
Match originalhost www.example.com user alice
  ServerAliveInterval 9
Match exec "true"
  BatchMode yes
Match all
  IdentityFile ~/last
  LogLevel DEBUG
`
	p := Params{Host: "www.example.com", LocalUser: "me", Home: home}
	if err := s.Parse(strings.NewReader(cfg), "cfg", p); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Port": "2200", "USER": "alice", "hostname": "real-%h", "connecttimeout": "7",
		"serveraliveinterval": "9", "batchmode": "", "loglevel": "DEBUG",
		"StrictHostKeyChecking": "accept-new",
	}
	for k, v := range want {
		if got := s.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if got := s.IdentityFiles(); !reflect.DeepEqual(got, []string{"~/first", "%d/.ssh/id_%h", "~/last"}) {
		t.Errorf("IdentityFiles = %q", got)
	}
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "cfg line 15") {
		t.Errorf("Warnings = %q", s.Warnings)
	}

	s2 := NewSettings()
	if err := s2.Parse(strings.NewReader(cfg), "cfg", Params{Host: "bad.example.com"}); err != nil {
		t.Fatal(err)
	}
	if s2.Get("user") != "" || s2.Get("port") != "1" {
		t.Errorf("negated host matched: user=%q port=%q", s2.Get("user"), s2.Get("port"))
	}
}

func TestBadConfig(t *testing.T) {
	for _, cfg := range []string{
		"Bogus 1\n",
		"Host x\n  Bogus 1\n", // unknown keywords fail even in inactive blocks
		"Port\n",
		"Host\n",
		"Port " + strings.Repeat("9", maxConfigLine+1) + "\n",
	} {
		if err := NewSettings().Parse(strings.NewReader(cfg), "c", Params{Host: "h"}); !errors.Is(err, ErrSyntax) {
			t.Errorf("%.40q: err = %v", cfg, err)
		}
	}
	s := NewSettings()
	if err := s.Parse(strings.NewReader("IgnoreUnknown Foo*,bar\nFooThing 1\nbar 2\nPort 5\n"), "c", Params{Host: "h"}); err != nil || s.Get("port") != "5" {
		t.Errorf("IgnoreUnknown: %v", err)
	}
}

func TestInclude(t *testing.T) {
	home := t.TempDir()
	sshDir := filepath.Join(home, ".ssh")
	if err := os.MkdirAll(filepath.Join(sshDir, "conf.d"), 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(sshDir, "conf.d", "a.conf"), "Host target\n  Port 4242\nHost *\n  User inc\n")
	write(filepath.Join(sshDir, "conf.d", "b.conf"), "ConnectTimeout 3\n")
	write(filepath.Join(sshDir, "skipped"), "LogLevel QUIET\n")
	write(filepath.Join(sshDir, "loop"), "Include loop\n")
	main := filepath.Join(home, "config")
	write(main, "Host target\n  Include conf.d/*.conf\nHost nomatch\n  Include skipped\nHost *\n  ServerAliveCountMax 2\n")

	s := NewSettings()
	if err := s.Load(main, Params{Host: "target", Home: home}); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"port": "4242", "user": "inc", "connecttimeout": "3", "loglevel": "", "serveralivecountmax": "2"} {
		if got := s.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	err := NewSettings().Load(filepath.Join(sshDir, "loop"), Params{Host: "x", Home: home})
	if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), "too deeply") {
		t.Errorf("include loop: %v", err)
	}
}

func TestExpandPath(t *testing.T) {
	tok := Tokens{Host: "h.example", OriginalHost: "h", Port: "2222", RemoteUser: "r", LocalUser: "l", Home: "/home/l"}
	for in, want := range map[string]string{
		"~/.ssh/id_%h":      "/home/l/.ssh/id_h.example",
		"~":                 "/home/l",
		"%d/%u/%r@%n:%p%%x": "/home/l/l/r@h:2222%x",
		"/plain":            "/plain",
		"~other/x":          "~other/x",
	} {
		got, err := ExpandPath(in, tok)
		if err != nil || got != want {
			t.Errorf("ExpandPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"%", "%z"} {
		if _, err := ExpandPath(bad, tok); !errors.Is(err, ErrSyntax) {
			t.Errorf("ExpandPath(%q): err = %v", bad, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("Host *\n  Port 22\nMatch host x,!y user z\n  User=u\nInclude none\n", "x")
	f.Add(`IdentityFile "a b" 'c'`+"\nHost a* !b?\n", "ab")
	f.Fuzz(func(t *testing.T, cfg, host string) {
		s := NewSettings()
		noFiles := func(string) ([]string, error) { return nil, nil }
		_ = s.parse(strings.NewReader(cfg), "fuzz", Params{Host: host}, 0, noFiles, true)
		for _, id := range s.IdentityFiles() {
			_, _ = ExpandPath(id, Tokens{Host: host})
		}
	})
}
