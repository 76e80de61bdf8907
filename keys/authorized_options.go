package keys

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/ssh2go/ssh2/internal/wildcard"
)

// ErrUnknownKeyOption is wrapped by ParseAuthorizedKeyOptions when an
// authorized_keys option is not one sshd(8) knows, or is a flag written
// with a value (or a valued option written as a flag). sshd refuses the
// whole line then, and so should a server using this package.
var ErrUnknownKeyOption = errors.New("keys: unknown authorized_keys option")

// Limits sshd(8) puts on repeated authorized_keys options.
const (
	// MaxKeyOptionEnvironment bounds the environment= options of a line.
	MaxKeyOptionEnvironment = 1024
	// MaxKeyOptionPermits bounds the permitopen= and the permitlisten=
	// options of a line, each.
	MaxKeyOptionPermits = 4096
)

// TunnelAny is AuthorizedKeyOptions.Tunnel for tunnel="any".
const TunnelAny = 0x7fffffff

// maxTunnel is the largest tun device number sshd accepts.
const maxTunnel = 0x7ffffffd

// AuthorizedKeyOptions is the typed view of the options of one
// authorized_keys line (sshd(8), "AUTHORIZED_KEYS FILE FORMAT"), as
// ParseAuthorizedKeyOptions builds it. The zero value is a line without
// options.
//
// The flags are stored as sshd applies them, in order: restrict clears
// every permission the No* fields name, and a later pty, port-forwarding,
// agent-forwarding, X11-forwarding or user-rc grants that one back.
type AuthorizedKeyOptions struct {
	// Restrict is set when the line carries restrict.
	Restrict bool
	// NoAgentForwarding, NoPortForwarding, NoPTY, NoUserRC and
	// NoX11Forwarding deny one feature each (no-agent-forwarding, ...,
	// or restrict without the matching grant after it).
	NoAgentForwarding bool
	NoPortForwarding  bool
	NoPTY             bool
	NoUserRC          bool
	NoX11Forwarding   bool

	// CertAuthority (cert-authority) marks the key as a certificate
	// authority trusted to sign user certificates; it never
	// authenticates as a plain key.
	CertAuthority bool
	// Principals (principals="a,b") are the certificate principals
	// accepted for a cert-authority line instead of the user name; nil
	// when the option is absent.
	Principals []string

	// Command is the forced command (command="..."), valid when
	// HasCommand is set; it may be empty, which still overrides what
	// the client asks to run.
	Command    string
	HasCommand bool

	// Environment holds the environment="NAME=value" options, first
	// one of a name winning, as sshd keeps them. sshd only applies
	// them with PermitUserEnvironment.
	Environment []string

	// ExpiryTime (expiry-time="YYYYMMDD[HHMM[SS]][Z]") is when the key
	// stops being accepted; zero when absent. Several options keep the
	// earliest.
	ExpiryTime time.Time

	// From (from="pattern-list") is the list of client patterns, each
	// as written: a host name or address with wildcards '*' and '?', or
	// an address/length CIDR block, optionally negated with '!'; nil
	// when absent. See AllowsFrom.
	From []string

	// PermitListen (permitlisten=) and PermitOpen (permitopen=) limit
	// remote and local port forwarding to the listed addresses.
	PermitListen []PermitHostPort
	PermitOpen   []PermitHostPort

	// Tunnel is the tun device forced by tunnel="n" (TunnelAny for
	// "any"), valid when HasTunnel is set.
	Tunnel    int
	HasTunnel bool

	// NoTouchRequired (no-touch-required) accepts FIDO signatures made
	// without user presence; VerifyRequired (verify-required) demands
	// FIDO signatures with user verification (a PIN or biometric).
	NoTouchRequired bool
	VerifyRequired  bool
}

// PermitHostPort is one permitopen= or permitlisten= address.
type PermitHostPort struct {
	// Host is the host name or address, without IPv6 brackets; "*"
	// stands for any host.
	Host string
	// Port is the port, or 0 for "*" (any port).
	Port int
}

// String returns p as written in an authorized_keys file: "host:port",
// "[v6addr]:port", with "*" for any port.
func (p PermitHostPort) String() string {
	port := "*"
	if p.Port != 0 {
		port = strconv.Itoa(p.Port)
	}
	if strings.Contains(p.Host, ":") {
		return "[" + p.Host + "]:" + port
	}
	return p.Host + ":" + port
}

// ParseAuthorizedKeyOptions interprets the options of one authorized_keys
// line, as ParseAuthorizedKey returns them, the way sshd(8) does: option
// names are case-insensitive, flags other than restrict and
// cert-authority may be negated with "no-", and inside a quoted value
// only \" is an escape (a backslash before any other byte is kept).
//
// An option sshd does not know wraps ErrUnknownKeyOption; a malformed
// value (an empty or repeated command=, from= or principals=, a bad time,
// address, port, tunnel or environment name, too many repetitions) wraps
// ErrMalformed. In both cases sshd refuses the line.
func ParseAuthorizedKeyOptions(options []string) (*AuthorizedKeyOptions, error) {
	o := &AuthorizedKeyOptions{}
	hasFrom := false
	for _, opt := range options {
		name, value, hasValue, err := splitKeyOption(opt)
		if err != nil {
			return nil, err
		}
		name = strings.ToLower(name)
		if !hasValue {
			if !o.setFlag(name) {
				return nil, fmt.Errorf("%w: %q", ErrUnknownKeyOption, name)
			}
			continue
		}
		switch name {
		case "command":
			if o.HasCommand {
				return nil, malformed("authorized key option: multiple command=")
			}
			o.Command, o.HasCommand = value, true
		case "principals":
			if o.Principals != nil {
				return nil, malformed("authorized key option: multiple principals=")
			}
			if o.Principals, err = parsePrincipals(value); err != nil {
				return nil, err
			}
		case "from":
			if hasFrom {
				return nil, malformed("authorized key option: multiple from=")
			}
			if o.From, err = parseFrom(value); err != nil {
				return nil, err
			}
			hasFrom = true
		case "expiry-time":
			t, err := ParseExpiryTime(value)
			if err != nil {
				return nil, err
			}
			if o.ExpiryTime.IsZero() || t.Before(o.ExpiryTime) {
				o.ExpiryTime = t
			}
		case "environment":
			if err := o.addEnvironment(value); err != nil {
				return nil, err
			}
		case "permitopen", "permitlisten":
			list := &o.PermitOpen
			if name == "permitlisten" {
				list = &o.PermitListen
			}
			if len(*list) >= MaxKeyOptionPermits {
				return nil, malformed("authorized key option: too many " + name + "=")
			}
			p, err := parsePermit(value, name == "permitlisten")
			if err != nil {
				return nil, err
			}
			*list = append(*list, p)
		case "tunnel":
			if o.Tunnel, err = parseTunnel(value); err != nil {
				return nil, err
			}
			o.HasTunnel = true
		default:
			return nil, fmt.Errorf("%w: %q", ErrUnknownKeyOption, name)
		}
	}
	return o, nil
}

// setFlag applies a value-less option and reports whether it is one.
func (o *AuthorizedKeyOptions) setFlag(name string) bool {
	switch name {
	case "restrict":
		o.Restrict = true
		o.NoAgentForwarding, o.NoPortForwarding, o.NoPTY, o.NoUserRC, o.NoX11Forwarding = true, true, true, true, true
		return true
	case "cert-authority":
		o.CertAuthority = true
		return true
	}
	flag, negated := strings.CutPrefix(name, "no-")
	switch flag {
	case "agent-forwarding":
		o.NoAgentForwarding = negated
	case "port-forwarding":
		o.NoPortForwarding = negated
	case "pty":
		o.NoPTY = negated
	case "user-rc":
		o.NoUserRC = negated
	case "x11-forwarding":
		o.NoX11Forwarding = negated
	case "touch-required":
		o.NoTouchRequired = negated
	case "verify-required":
		o.VerifyRequired = !negated
	default:
		return false
	}
	return true
}

// splitKeyOption splits one option as ParseAuthorizedKey returns it into
// its name and, for name="value", the value unquoted as sshd's
// opt_dequote does: only \" is an escape.
func splitKeyOption(opt string) (name, value string, hasValue bool, err error) {
	i := 0
	for i < len(opt) && isOptionNameByte(opt[i]) {
		i++
	}
	if i == 0 {
		return "", "", false, malformed("authorized key option name")
	}
	name = opt[:i]
	if i == len(opt) {
		return name, "", false, nil
	}
	q := opt[i:]
	if len(q) < 3 || q[0] != '=' || q[1] != '"' || q[len(q)-1] != '"' {
		return "", "", false, malformed("authorized key option value of " + strconv.Quote(name))
	}
	q = q[2 : len(q)-1]
	var b strings.Builder
	for j := 0; j < len(q); j++ {
		c := q[j]
		switch {
		case c == '\\' && j+1 == len(q):
			// sshd reads \" here as an escaped quote: the value would
			// not end where it seems to.
			return "", "", false, malformed("authorized key option value of " + strconv.Quote(name))
		case c == '\\' && q[j+1] == '"':
			j++
			c = '"'
		case c == '"', c == 0:
			return "", "", false, malformed("authorized key option value of " + strconv.Quote(name))
		}
		b.WriteByte(c)
	}
	return name, b.String(), true, nil
}

func parsePrincipals(value string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(value, ",") {
		if p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, malformed("authorized key option: principals= lists no principal")
	}
	return out, nil
}

// addEnvironment records environment="NAME=value"; NAME must be letters,
// digits and '_'. A name already set keeps its first value.
func (o *AuthorizedKeyOptions) addEnvironment(value string) error {
	if len(o.Environment) >= MaxKeyOptionEnvironment {
		return malformed("authorized key option: too many environment=")
	}
	name, _, ok := strings.Cut(value, "=")
	if !ok || !validEnvName(name) {
		return malformed("authorized key option: environment= needs NAME=value")
	}
	for _, kv := range o.Environment {
		if strings.HasPrefix(kv, name+"=") {
			return nil
		}
	}
	o.Environment = append(o.Environment, value)
	return nil
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// parsePermit parses a permitopen= or permitlisten= value, "host:port"
// (or "host/port", "[v6addr]:port", port "*"); for permitlisten a bare
// port means any host.
func parsePermit(value string, listen bool) (PermitHostPort, error) {
	bad := func(what string) (PermitHostPort, error) {
		return PermitHostPort{}, malformed("authorized key option: permit address " + strconv.Quote(value) + ": " + what)
	}
	if listen && !strings.Contains(value, ":") {
		value = "*:" + value
	}
	var host, port string
	if strings.HasPrefix(value, "[") {
		end := strings.IndexByte(value, ']')
		if end < 0 || end+1 == len(value) || (value[end+1] != ':' && value[end+1] != '/') {
			return bad("bad host")
		}
		host, port = value[1:end], value[end+2:]
	} else {
		i := strings.IndexAny(value, ":/")
		if i < 0 {
			return bad("no port")
		}
		host, port = value[:i], value[i+1:]
	}
	if host == "" || len(host) >= 1025 {
		return bad("bad host")
	}
	if port == "*" {
		return PermitHostPort{Host: host}, nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || port[0] == '+' || port[0] == '-' {
		return bad("bad port")
	}
	return PermitHostPort{Host: host, Port: n}, nil
}

func parseTunnel(value string) (int, error) {
	if strings.EqualFold(value, "any") {
		return TunnelAny, nil
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < 0 || n > maxTunnel || value[0] == '+' || value[0] == '-' {
		return 0, malformed("authorized key option: bad tunnel device " + strconv.Quote(value))
	}
	return n, nil
}

// ParseExpiryTime parses an expiry-time= value as sshd does:
// YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, in local time unless it ends
// in "Z" or "UTC" (either case). Times before 1970 are refused.
func ParseExpiryTime(s string) (time.Time, error) {
	loc := time.Local
	digits := s
	if len(s) > 1 && (s[len(s)-1] == 'Z' || s[len(s)-1] == 'z') {
		loc, digits = time.UTC, s[:len(s)-1]
	} else if len(s) > 3 && strings.EqualFold(s[len(s)-3:], "UTC") {
		loc, digits = time.UTC, s[:len(s)-3]
	}
	bad := malformed("authorized key option: bad expiry-time " + strconv.Quote(s))
	if len(digits) != 8 && len(digits) != 12 && len(digits) != 14 {
		return time.Time{}, bad
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return time.Time{}, bad
		}
	}
	n := func(i int) int { return int(digits[i]-'0')*10 + int(digits[i+1]-'0') }
	year, month, day, hour, minute, sec := n(0)*100+n(2), n(4), n(6), 0, 0, 0
	if len(digits) >= 12 {
		hour, minute = n(8), n(10)
	}
	if len(digits) == 14 {
		sec = n(12)
	}
	// strptime's ranges; a day past the month's end rolls over, as
	// mktime makes it.
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, bad
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc)
	if t.Unix() <= 0 {
		return time.Time{}, bad
	}
	return t, nil
}

// Expired reports whether the key is past its expiry-time at now, as
// sshd compares them: to the second.
func (o *AuthorizedKeyOptions) Expired(now time.Time) bool {
	return !o.ExpiryTime.IsZero() && now.Unix() > o.ExpiryTime.Unix()
}

// parseFrom splits a from= pattern list and refuses what sshd refuses
// when it matches one: an empty pattern, or a CIDR block whose length
// does not fit the address or leaves host bits set (10.1.2.3/8).
func parseFrom(value string) ([]string, error) {
	patterns := strings.Split(value, ",")
	for _, p := range patterns {
		p = strings.TrimPrefix(p, "!")
		if p == "" {
			return nil, malformed("authorized key option: empty from= pattern")
		}
		if _, _, _, err := parseCIDR(p); err != nil {
			return nil, err
		}
	}
	return patterns, nil
}

// parseCIDR reads p as sshd's addr_pton_cidr does: an address with an
// optional /length. ok is false when p is not an address (it is then a
// wildcard pattern); err is set for an address with an impossible
// length or host bits outside it. An IPv6 zone is returned apart.
func parseCIDR(p string) (prefix netip.Prefix, zone string, ok bool, err error) {
	if len(p) >= 64 {
		return netip.Prefix{}, "", false, nil
	}
	addrPart, lenPart, hasLen := strings.Cut(p, "/")
	bits := -1
	if hasLen {
		if lenPart == "" || len(lenPart) > 3 || strings.Trim(lenPart, "0123456789") != "" {
			return netip.Prefix{}, "", false, nil
		}
		if bits, _ = strconv.Atoi(lenPart); bits > 128 {
			return netip.Prefix{}, "", false, nil
		}
	}
	a, perr := netip.ParseAddr(addrPart)
	if perr != nil {
		return netip.Prefix{}, "", false, nil
	}
	zone, a = a.Zone(), a.WithZone("")
	if bits < 0 {
		bits = a.BitLen()
	}
	bad := malformed("authorized key option: from= address " + strconv.Quote(p) + " does not match its mask length")
	if bits > a.BitLen() {
		return netip.Prefix{}, "", false, bad
	}
	prefix = netip.PrefixFrom(a, bits)
	if prefix.Masked().Addr() != a {
		return netip.Prefix{}, "", false, bad
	}
	return prefix, zone, true, nil
}

// AllowsFrom reports whether a client at addr, whose host name is
// hostname, may use the key: always when there is no from= option;
// otherwise as sshd's match_host_and_ip decides. The address must match
// a pattern (a CIDR block, or a wildcard pattern applied to the address
// written out) or the host name must match a wildcard pattern, and
// neither may match a negated pattern. An empty hostname stands for the
// address itself, as with sshd's default UseDNS=no; an invalid addr, or
// a pattern list that sshd would find malformed, allows nothing.
func (o *AuthorizedKeyOptions) AllowsFrom(addr netip.Addr, hostname string) bool {
	if o.From == nil {
		return true
	}
	if !addr.IsValid() {
		return false
	}
	addr = addr.Unmap()
	ip := addr.String()
	mip := matchAddrList(addr, ip, o.From)
	if mip < 0 {
		return false
	}
	if hostname == "" {
		hostname = ip
	}
	mhost := matchHostList(strings.ToLower(hostname), o.From)
	return mhost == 1 || (mhost == 0 && mip == 1)
}

// matchAddrList is sshd's addr_match_list: 1 for a match, 0 for none,
// -1 when a negated pattern matches, -2 for a malformed list.
func matchAddrList(addr netip.Addr, ip string, patterns []string) int {
	ret := 0
	for _, p := range patterns {
		p, neg := strings.CutPrefix(p, "!")
		if p == "" {
			return -2
		}
		prefix, zone, isCIDR, err := parseCIDR(p)
		if err != nil {
			return -2
		}
		var found bool
		if isCIDR {
			found = zone == addr.Zone() && prefix.Contains(addr.WithZone(""))
		} else {
			found = wildcard.Match(p, ip)
		}
		if found {
			if neg {
				return -1
			}
			ret = 1
		}
	}
	return ret
}

// matchHostList is sshd's match_pattern_list on a lower-case host name:
// 1 for a match, 0 for none, -1 when a negated pattern matches.
// Patterns are compared in lower case; one of 1023 bytes or more ends
// the search without a match, as in sshd.
func matchHostList(host string, patterns []string) int {
	ret := 0
	for _, p := range patterns {
		p, neg := strings.CutPrefix(p, "!")
		if len(p) >= 1023 {
			return 0
		}
		if wildcard.Match(strings.ToLower(p), host) {
			if neg {
				return -1
			}
			ret = 1
		}
	}
	return ret
}
