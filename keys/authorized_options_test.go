package keys

import (
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

// parseOpts parses the options of an authorized_keys line made of opts
// and a fresh key, so the options go through ParseAuthorizedKey's
// splitting first, as they do in a file.
func parseOpts(t *testing.T, opts string) (*AuthorizedKeyOptions, error) {
	t.Helper()
	s, err := GenerateEd25519(nil)
	if err != nil {
		t.Fatal(err)
	}
	line := opts + " " + string(MarshalAuthorizedKey(s.PublicKey()))
	_, _, options, _, err := ParseAuthorizedKey([]byte(line))
	if err != nil {
		t.Fatalf("ParseAuthorizedKey(%q): %v", opts, err)
	}
	return ParseAuthorizedKeyOptions(options)
}

func TestAuthorizedKeyOptionsNone(t *testing.T) {
	o, err := ParseAuthorizedKeyOptions(nil)
	if err != nil || !reflect.DeepEqual(o, &AuthorizedKeyOptions{}) {
		t.Fatalf("no options: %+v, %v", o, err)
	}
	if !o.AllowsFrom(netip.Addr{}, "") || o.Expired(time.Now()) {
		t.Error("a line without options restricts")
	}
}

func TestAuthorizedKeyOptionsFlags(t *testing.T) {
	all := func(v bool) AuthorizedKeyOptions {
		return AuthorizedKeyOptions{NoAgentForwarding: v, NoPortForwarding: v, NoPTY: v, NoUserRC: v, NoX11Forwarding: v}
	}
	restricted := all(true)
	restricted.Restrict = true
	cases := []struct {
		opts string
		want AuthorizedKeyOptions
	}{
		{"no-agent-forwarding", AuthorizedKeyOptions{NoAgentForwarding: true}},
		{"no-port-forwarding", AuthorizedKeyOptions{NoPortForwarding: true}},
		{"no-pty", AuthorizedKeyOptions{NoPTY: true}},
		{"no-user-rc", AuthorizedKeyOptions{NoUserRC: true}},
		{"no-X11-forwarding", AuthorizedKeyOptions{NoX11Forwarding: true}},
		{"NO-PTY,No-User-Rc", AuthorizedKeyOptions{NoPTY: true, NoUserRC: true}},
		{"agent-forwarding,port-forwarding,pty,user-rc,X11-forwarding", all(false)},
		{"no-pty,pty", AuthorizedKeyOptions{}},
		{"pty,no-pty", AuthorizedKeyOptions{NoPTY: true}},
		{"restrict", restricted},
		{"RESTRICT", restricted},
		{"restrict,pty", func() AuthorizedKeyOptions { o := restricted; o.NoPTY = false; return o }()},
		{"restrict,agent-forwarding,port-forwarding,pty,user-rc,x11-forwarding",
			func() AuthorizedKeyOptions { o := all(false); o.Restrict = true; return o }()},
		// restrict applies where it stands: it overrides an earlier grant.
		{"pty,restrict", restricted},
		{"cert-authority", AuthorizedKeyOptions{CertAuthority: true}},
		{"no-touch-required", AuthorizedKeyOptions{NoTouchRequired: true}},
		{"no-touch-required,touch-required", AuthorizedKeyOptions{}},
		{"verify-required", AuthorizedKeyOptions{VerifyRequired: true}},
		{"verify-required,no-verify-required", AuthorizedKeyOptions{}},
	}
	for _, c := range cases {
		o, err := parseOpts(t, c.opts)
		if err != nil {
			t.Errorf("%s: %v", c.opts, err)
			continue
		}
		if !reflect.DeepEqual(*o, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.opts, *o, c.want)
		}
	}
}

func TestAuthorizedKeyOptionsUnknown(t *testing.T) {
	for _, opts := range []string{
		"no-such-option",
		"no-restrict",       // restrict cannot be negated
		"no-cert-authority", // nor can cert-authority
		"no-command",
		`pty="yes"`, // a flag with a value
		`restrict="1"`,
		`frobnicate="x"`,
		"command", // a valued option without its value
		"from",
		"ptyx",
	} {
		_, err := parseOpts(t, opts)
		if !errors.Is(err, ErrUnknownKeyOption) {
			t.Errorf("%s: err = %v, want ErrUnknownKeyOption", opts, err)
		}
	}
	// Options built by hand, not by ParseAuthorizedKey.
	for _, opt := range []string{"", "=x", `command=x`, `command="`, `command="x`, `command="a"b"`, `command="a\"`, "command=\"a\x00\""} {
		if _, err := ParseAuthorizedKeyOptions([]string{opt}); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: err = %v, want ErrMalformed", opt, err)
		}
	}
}

func TestAuthorizedKeyOptionsCommand(t *testing.T) {
	cases := map[string]string{
		`command="echo hi"`:                 "echo hi",
		`Command="echo \"quoted\""`:         `echo "quoted"`,
		`command="printf 'a\\n' \\ x"`:      `printf 'a\\n' \\ x`, // only \" is an escape
		`command="a,b c",no-pty`:            "a,b c",
		`no-pty,command="x=1; echo $x",pty`: "x=1; echo $x",
		`command="trailing backslash\\\" "`: `trailing backslash\\" `,
	}
	for opts, want := range cases {
		o, err := parseOpts(t, opts)
		if err != nil || !o.HasCommand || o.Command != want {
			t.Errorf("%s: %+v, %v; want command %q", opts, o, err, want)
		}
	}
	o, err := parseOpts(t, `command=""`)
	if err != nil || !o.HasCommand || o.Command != "" {
		t.Errorf(`command="": %+v, %v`, o, err)
	}
	if _, err := parseOpts(t, `command="a",command="b"`); !errors.Is(err, ErrMalformed) {
		t.Errorf("two commands: %v", err)
	}
}

func TestAuthorizedKeyOptionsEnvironment(t *testing.T) {
	o, err := parseOpts(t, `environment="A=1",environment="B_2=x y=z",environment="A=2",environment="EMPTY="`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"A=1", "B_2=x y=z", "EMPTY="}; !reflect.DeepEqual(o.Environment, want) {
		t.Errorf("Environment = %q, want %q", o.Environment, want)
	}
	for _, bad := range []string{`environment="NOEQUALS"`, `environment="=x"`, `environment="A-B=1"`, `environment="A B=1"`} {
		if _, err := parseOpts(t, bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	var many []string
	for i := 0; i <= MaxKeyOptionEnvironment; i++ {
		many = append(many, fmt.Sprintf(`environment="V%d=x"`, i))
	}
	if _, err := ParseAuthorizedKeyOptions(many[:MaxKeyOptionEnvironment]); err != nil {
		t.Errorf("%d environment options: %v", MaxKeyOptionEnvironment, err)
	}
	if _, err := ParseAuthorizedKeyOptions(many); !errors.Is(err, ErrMalformed) {
		t.Errorf("too many environment options: %v", err)
	}
}

func TestParseExpiryTime(t *testing.T) {
	local := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.Local)
	}
	utc := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	good := map[string]time.Time{
		"20300102":          local(2030, 1, 2, 0, 0, 0),
		"203001021504":      local(2030, 1, 2, 15, 4, 0),
		"20300102150405":    local(2030, 1, 2, 15, 4, 5),
		"20300102Z":         utc(2030, 1, 2, 0, 0, 0),
		"203001021504z":     utc(2030, 1, 2, 15, 4, 0),
		"20300102150405Z":   utc(2030, 1, 2, 15, 4, 5),
		"20300102UTC":       utc(2030, 1, 2, 0, 0, 0),
		"20300102150405utc": utc(2030, 1, 2, 15, 4, 5),
		"20300231":          local(2030, 3, 3, 0, 0, 0), // rolls over, as mktime does
		"19700102Z":         utc(1970, 1, 2, 0, 0, 0),
	}
	for s, want := range good {
		got, err := ParseExpiryTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseExpiryTime(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{
		"", "Z", "UTC", "2030010", "203001021", "2030010215", "203001021504050", "203001021504050Z",
		"2030-1-02", "2030010a", "+0300102", "20301302", "20300002", "20300100", "20300132",
		"203001022400", "203001021260", "20300102120061", "19691231Z", "19700101Z", "00000101Z",
		" 20300102", "20300102 ", "20300102ZZ", "20300102GMT",
	} {
		if got, err := ParseExpiryTime(s); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseExpiryTime(%q) = %v, %v; want ErrMalformed", s, got, err)
		}
	}
}

func TestAuthorizedKeyOptionsExpiry(t *testing.T) {
	o, err := parseOpts(t, `expiry-time="20300101Z",EXPIRY-TIME="20250101Z",expiry-time="20400101Z"`)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if !o.ExpiryTime.Equal(end) {
		t.Errorf("ExpiryTime = %v, want the earliest, %v", o.ExpiryTime, end)
	}
	for _, c := range []struct {
		now  time.Time
		want bool
	}{
		{end.Add(-time.Hour), false},
		{end, false},
		{end.Add(999 * time.Millisecond), false}, // compared to the second, as sshd does
		{end.Add(time.Second), true},
		{end.AddDate(1, 0, 0), true},
	} {
		if got := o.Expired(c.now); got != c.want {
			t.Errorf("Expired(%v) = %v", c.now, got)
		}
	}
	if _, err := parseOpts(t, `expiry-time="2025"`); !errors.Is(err, ErrMalformed) {
		t.Errorf("bad expiry-time: %v", err)
	}
}

func TestAuthorizedKeyOptionsPrincipals(t *testing.T) {
	o, err := parseOpts(t, `cert-authority,principals="alice,bob,,root"`)
	if err != nil || !o.CertAuthority || !reflect.DeepEqual(o.Principals, []string{"alice", "bob", "root"}) {
		t.Errorf("principals: %+v, %v", o, err)
	}
	for _, bad := range []string{`principals=""`, `principals=","`, `principals="a",principals="b"`} {
		if _, err := parseOpts(t, bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestAuthorizedKeyOptionsPermits(t *testing.T) {
	o, err := parseOpts(t, `permitopen="host.example:80",permitopen="10.0.0.1/22",permitopen="[::1]:443",permitopen="*:*",`+
		`permitlisten="8080",permitlisten="localhost:*",permitlisten="[2001:db8::1]/2222",permitlisten="*"`)
	if err != nil {
		t.Fatal(err)
	}
	wantOpen := []PermitHostPort{{"host.example", 80}, {"10.0.0.1", 22}, {"::1", 443}, {"*", 0}}
	wantListen := []PermitHostPort{{"*", 8080}, {"localhost", 0}, {"2001:db8::1", 2222}, {"*", 0}}
	if !reflect.DeepEqual(o.PermitOpen, wantOpen) || !reflect.DeepEqual(o.PermitListen, wantListen) {
		t.Errorf("PermitOpen = %v\nPermitListen = %v", o.PermitOpen, o.PermitListen)
	}
	var strs []string
	for _, p := range append(o.PermitOpen, o.PermitListen...) {
		strs = append(strs, p.String())
	}
	if got := strings.Join(strs, " "); got != "host.example:80 10.0.0.1:22 [::1]:443 *:* *:8080 localhost:* [2001:db8::1]:2222 *:*" {
		t.Errorf("String: %s", got)
	}
	for _, bad := range []string{
		`permitopen="host"`, `permitopen="host:"`, `permitopen=":80"`, `permitopen="host:0"`, `permitopen="host:65536"`,
		`permitopen="host:http"`, `permitopen="host:+80"`, `permitopen="host:-1"`, `permitopen="::1:80"`,
		`permitopen="[::1]"`, `permitopen="[::1]x:80"`, `permitopen="[::1:80"`, `permitopen="a:b:80"`,
		`permitlisten="0"`, `permitlisten="x"`, `permitlisten=""`,
	} {
		if _, err := parseOpts(t, bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	many := make([]string, MaxKeyOptionPermits+1)
	for i := range many {
		many[i] = `permitopen="h:1"`
	}
	if _, err := ParseAuthorizedKeyOptions(many); !errors.Is(err, ErrMalformed) {
		t.Errorf("too many permitopen: %v", err)
	}
}

func TestAuthorizedKeyOptionsTunnel(t *testing.T) {
	for opts, want := range map[string]int{`tunnel="0"`: 0, `tunnel="12"`: 12, `tunnel="ANY"`: TunnelAny, `tunnel="1",tunnel="2"`: 2} {
		o, err := parseOpts(t, opts)
		if err != nil || !o.HasTunnel || o.Tunnel != want {
			t.Errorf("%s: %+v, %v", opts, o, err)
		}
	}
	for _, bad := range []string{`tunnel=""`, `tunnel="-1"`, `tunnel="+1"`, `tunnel="x"`, `tunnel="2147483646"`, `tunnel="99999999999999999999"`} {
		if _, err := parseOpts(t, bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestAuthorizedKeyOptionsFromSyntax(t *testing.T) {
	o, err := parseOpts(t, `from="*.example.com,!bad.example.com,10.0.0.0/8,::1"`)
	if err != nil || !reflect.DeepEqual(o.From, []string{"*.example.com", "!bad.example.com", "10.0.0.0/8", "::1"}) {
		t.Errorf("from: %+v, %v", o, err)
	}
	for _, bad := range []string{
		`from=""`, `from="a,,b"`, `from="a,"`, `from="!"`, `from="a,!"`,
		`from="10.1.2.3/8"`, `from="10.0.0.0/33"`, `from="::1/64"`, `from="a",from="b"`,
	} {
		if _, err := parseOpts(t, bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	// Not addresses, so wildcard patterns: accepted.
	for _, ok := range []string{`from="10.0.0.0/x"`, `from="10.0.0.0/"`, `from="10.0.0.0/129"`, `from="10.0.0.0/+8"`, `from="10.0.0.*"`} {
		if _, err := parseOpts(t, ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func TestAllowsFrom(t *testing.T) {
	cases := []struct {
		from string
		addr string
		host string
		want bool
	}{
		{"127.0.0.1", "127.0.0.1", "", true},
		{"127.0.0.1", "127.0.0.2", "", false},
		{"127.0.0.0/8", "127.1.2.3", "", true},
		{"10.0.0.0/8", "127.0.0.1", "", false},
		{"10.0.0.0/8,127.0.0.1", "127.0.0.1", "", true},
		{"0.0.0.0/0", "192.0.2.1", "", true},
		{"0.0.0.0/0", "::1", "", false}, // families differ
		{"::/0", "::1", "", true},
		{"2001:db8::/32", "2001:db8:1::5", "", true},
		{"2001:db8::/32", "2001:db9::5", "", false},
		{"127.0.0.1", "::ffff:127.0.0.1", "", true}, // mapped addresses are unmapped
		{"127.0.0.*", "127.0.0.9", "", true},
		{"127.0.0.?", "127.0.0.19", "", false},
		{"127.0.0.?", "127.0.0.9", "", true},
		{"*", "198.51.100.7", "", true},
		{"*,!198.51.100.7", "198.51.100.7", "", false},
		{"*,!198.51.100.0/24", "198.51.100.7", "", false},
		{"!198.51.100.0/24,*", "198.51.100.7", "", false},
		{"!198.51.100.0/24", "192.0.2.1", "", false}, // only negative: nothing matched
		{"*.example.com", "192.0.2.1", "host.example.com", true},
		{"*.EXAMPLE.com", "192.0.2.1", "Host.Example.COM", true},
		{"*.example.com", "192.0.2.1", "example.com", false},
		{"*.example.com,!bad.example.com", "192.0.2.1", "bad.example.com", false},
		{"*.example.com", "192.0.2.1", "", false},
		{"192.0.2.1,!*.evil.test", "192.0.2.1", "x.evil.test", false},
		{"*.example.com,!192.0.2.0/24", "192.0.2.1", "host.example.com", false},
		{"*.example.com", "", "host.example.com", false}, // no address: nothing
		{"10.0.0.0/x", "10.0.0.0", "", false},
		{"10.0.0.0/x", "192.0.2.1", "10.0.0.0/x", true}, // a wildcard pattern
		{"fe80::1%eth0", "fe80::1", "", false},
		{strings.Repeat("x", 1023) + ",192.0.2.1", "192.0.2.1", "", true},
	}
	for _, c := range cases {
		o := &AuthorizedKeyOptions{From: strings.Split(c.from, ",")}
		var addr netip.Addr
		if c.addr != "" {
			addr = netip.MustParseAddr(c.addr)
		}
		if got := o.AllowsFrom(addr, c.host); got != c.want {
			t.Errorf("from=%q addr %q host %q: %v, want %v", c.from, c.addr, c.host, got, c.want)
		}
	}
	// Lists sshd finds malformed allow nothing, however they were built.
	for _, from := range []string{"127.0.0.1,", "!,127.0.0.1", "127.0.0.1,127.1.2.3/8"} {
		o := &AuthorizedKeyOptions{From: strings.Split(from, ",")}
		if o.AllowsFrom(netip.MustParseAddr("127.0.0.1"), "") {
			t.Errorf("malformed from=%q allowed", from)
		}
	}
}

func FuzzParseAuthorizedKeyOptions(f *testing.F) {
	const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGl5TpPzQbmKCFWGbeGqY8gSD1PjtdHBjwwLAWYf5vbw"
	for _, opts := range []string{
		`restrict,pty,command="echo \"hi\"",environment="A=1"`,
		`from="*.example.com,!bad.example.com,10.0.0.0/8,::1",expiry-time="20300101Z"`,
		`cert-authority,principals="a,b",permitopen="[::1]:22",permitlisten="8080",tunnel="any"`,
		`no-touch-required,verify-required,no-agent-forwarding,X11-forwarding,no-user-rc`,
		`from="10.1.2.3/8"`, `bogus`, `command="a\\"`,
	} {
		f.Add(opts + " " + key + " comment\n")
	}
	addrs := []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("2001:db8::1"), {}}
	f.Fuzz(func(t *testing.T, line string) {
		_, _, options, _, err := ParseAuthorizedKey([]byte(line))
		if err == nil {
			checkFuzzedOptions(t, options, addrs)
		}
		// Hand-built option lists bypass the line splitter.
		checkFuzzedOptions(t, strings.Split(line, "\n"), addrs)
	})
}

// checkFuzzedOptions parses options and uses the result.
func checkFuzzedOptions(t *testing.T, options []string, addrs []netip.Addr) {
	o, err := ParseAuthorizedKeyOptions(options)
	if err != nil {
		if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnknownKeyOption) {
			t.Fatalf("error wraps no sentinel: %v", err)
		}
		return
	}
	for _, a := range addrs {
		_ = o.AllowsFrom(a, "")
		_ = o.AllowsFrom(a, "host.example.com")
	}
	_ = o.Expired(time.Now())
	for _, p := range o.From {
		if strings.TrimPrefix(p, "!") == "" {
			t.Fatalf("empty from= pattern accepted: %q", o.From)
		}
	}
	if o.Principals != nil && len(o.Principals) == 0 {
		t.Fatal("empty principals accepted")
	}
}
