package sshconfig

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ssh2go/ssh2/internal/wildcard"
)

// MaxIncludeDepth bounds nested Include directives, as OpenSSH does.
const MaxIncludeDepth = 16

// maxConfigLine bounds one configuration line; longer lines are an error.
const maxConfigLine = 16 << 10

// ErrSyntax is wrapped by every error about the content of a
// configuration line or option value (ssh_config and sshd_config).
var ErrSyntax = errors.New("syntax error")

// Params are the facts Host and Match blocks are evaluated against.
type Params struct {
	// Host is the destination as given on the command line (an alias
	// that HostName may replace).
	Host string
	// User is the remote user given on the command line, if any.
	User string
	// LocalUser is the name of the local user.
	LocalUser string
	// Home is the local user's home directory, for "~" and relative
	// Include paths (which are resolved in Home/.ssh).
	Home string
}

// Settings are the options obtained from -o arguments and configuration
// files. For most keywords the first value obtained is kept;
// IdentityFile and CertificateFile accumulate. Keywords are
// case-insensitive.
type Settings struct {
	values map[string][]string
	// Warnings lists what was ignored: unsupported Match criteria, for
	// example, as "file:line: message".
	Warnings []string
}

// NewSettings returns empty settings.
func NewSettings() *Settings { return &Settings{values: map[string][]string{}} }

// Get returns the first argument of keyword's value, or "" if unset.
func (s *Settings) Get(keyword string) string {
	if v := s.values[strings.ToLower(keyword)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Args returns every argument of keyword's value (UserKnownHostsFile may
// list several files), or nil if unset.
func (s *Settings) Args(keyword string) []string { return s.values[strings.ToLower(keyword)] }

// Has reports whether keyword has a value.
func (s *Settings) Has(keyword string) bool {
	_, ok := s.values[strings.ToLower(keyword)]
	return ok
}

// IdentityFiles returns the IdentityFile values in the order obtained,
// unexpanded.
func (s *Settings) IdentityFiles() []string { return s.values["identityfile"] }

// AddIdentityFile appends an identity file, as ssh's -i does.
func (s *Settings) AddIdentityFile(path string) {
	s.values["identityfile"] = append(s.values["identityfile"], path)
}

// CertificateFiles returns the CertificateFile values in the order
// obtained, unexpanded.
func (s *Settings) CertificateFiles() []string { return s.values["certificatefile"] }

// ApplyOption applies one -o argument, "Keyword=Value" or "Keyword Value".
// Host, Match and Include are not allowed there.
func (s *Settings) ApplyOption(opt string) error {
	kw, args, err := splitLine(opt)
	if err != nil {
		return err
	}
	if kw == "" {
		return fmt.Errorf("%w: empty option", ErrSyntax)
	}
	switch kw {
	case "host", "match", "include":
		return fmt.Errorf("%w: %s is not allowed in -o", ErrSyntax, kw)
	}
	return s.set(kw, args)
}

// set records one directive, keeping the first value.
func (s *Settings) set(kw string, args []string) error {
	if _, ok := supported[kw]; !ok {
		if ignored[kw] {
			return nil
		}
		return fmt.Errorf("%w: bad configuration option: %s", ErrSyntax, kw)
	}
	if len(args) == 0 {
		return fmt.Errorf("%w: %s: missing argument", ErrSyntax, kw)
	}
	if !supported[kw] && len(args) > 1 {
		return fmt.Errorf("%w: %s: garbage at end of line", ErrSyntax, kw)
	}
	if kw == "identityfile" || kw == "certificatefile" {
		s.values[kw] = append(s.values[kw], args[0])
		return nil
	}
	if _, done := s.values[kw]; !done {
		s.values[kw] = args
	}
	return nil
}

// supported maps the keywords this package keeps to whether their value
// may have several arguments.
var supported = map[string]bool{
	"hostname": false, "port": false, "user": false, "identityfile": false,
	"stricthostkeychecking": false, "userknownhostsfile": true, "globalknownhostsfile": true,
	"batchmode": false, "loglevel": false, "kexalgorithms": false, "ciphers": false,
	"macs": false, "hostkeyalgorithms": false, "pubkeyacceptedalgorithms": false,
	"pubkeyacceptedkeytypes": false, "preferredauthentications": false,
	"passwordauthentication": false, "kbdinteractiveauthentication": false,
	"pubkeyauthentication": false, "connecttimeout": false, "rekeylimit": true,
	"serveraliveinterval": false, "serveralivecountmax": false, "hashknownhosts": false,
	"numberofpasswordprompts": false, "requesttty": false, "identitiesonly": false,
	"certificatefile": false, "identityagent": false,
	"sendenv": true, "setenv": true, "ignoreunknown": true,
}

// ignored lists OpenSSH client keywords that are accepted and not used.
var ignored = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range strings.Fields(`addkeystoagent addressfamily canonicaldomains
		canonicalizefallbacklocal canonicalizehostname canonicalizemaxdots
		canonicalizepermittedcnames casignaturealgorithms checkhostip
		clearallforwardings compression connectionattempts controlmaster controlpath
		controlpersist dynamicforward enableescapecommandline enablesshkeysign
		escapechar exitonforwardfailure fingerprinthash forkafterauthentication
		forwardagent forwardx11 forwardx11timeout forwardx11trusted gatewayports
		gssapiauthentication gssapidelegatecredentials hostbasedacceptedalgorithms
		hostbasedauthentication hostbasedkeytypes hostkeyalias ipqos
		kbdinteractivedevices knownhostscommand localcommand localforward logverbose
		nohostauthenticationforlocalhost permitlocalcommand permitremoteopen
		pkcs11provider proxycommand proxyjump proxyusefdpass remotecommand
		remoteforward revokedhostkeys securitykeyprovider sessiontype
		streamlocalbindmask streamlocalbindunlink stdinnull tcpkeepalive tunnel
		tunneldevice updatehostkeys usekeychain verifyhostkeydns visualhostkey
		xauthlocation challengeresponseauthentication skeyauthentication
		obscurekeystroketiming requiredrsasize enableescapecommandline tag
		channeltimeout`) {
		m[k] = true
	}
	return m
}()

// Load reads an ssh_config file for p's destination, adding values to s
// that are not set yet. A missing file is an error here; callers that
// read the default files check for fs.ErrNotExist.
func (s *Settings) Load(path string, p Params) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return s.parse(f, path, p, 0, nil, true)
}

// Parse reads ssh_config text from r (named name in errors), like Load.
// Include directives read files from the local file system.
func (s *Settings) Parse(r io.Reader, name string, p Params) error {
	return s.parse(r, name, p, 0, nil, true)
}

// parse applies one file. glob expands Include patterns (nil: the file
// system). active says whether the including line was in a matching
// block.
func (s *Settings) parse(r io.Reader, name string, p Params, depth int, glob func(string) ([]string, error), active bool) error {
	if depth > MaxIncludeDepth {
		return fmt.Errorf("%w: %s: Include nested too deeply", ErrSyntax, name)
	}
	if glob == nil {
		glob = filepath.Glob
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxConfigLine)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		where := fmt.Sprintf("%s line %d", name, lineNo)
		kw, args, err := splitLine(sc.Text())
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		switch kw {
		case "":
			continue
		case "host":
			if len(args) == 0 {
				return fmt.Errorf("%s: %w: Host without patterns", where, ErrSyntax)
			}
			active = matchHostPatterns(args, p.Host)
		case "match":
			active, err = s.evalMatch(args, p)
			if err != nil {
				s.Warnings = append(s.Warnings, where+": "+err.Error()+"; block skipped")
				active = false
			}
		case "include":
			if !active {
				continue
			}
			if len(args) == 0 {
				return fmt.Errorf("%s: %w: Include without a file", where, ErrSyntax)
			}
			for _, pat := range args {
				pat = expandTilde(pat, p.Home)
				if !filepath.IsAbs(pat) {
					pat = filepath.Join(p.Home, ".ssh", pat)
				}
				files, err := glob(pat)
				if err != nil {
					return fmt.Errorf("%s: Include %q: %w", where, pat, err)
				}
				for _, fn := range files {
					if err := s.include(fn, p, depth+1, glob); err != nil {
						return err
					}
				}
			}
		default:
			if !active {
				// Still reject unknown keywords in inactive blocks, as
				// OpenSSH does.
				if _, ok := supported[kw]; !ok && !ignored[kw] && !s.ignoredUnknown(kw) {
					return fmt.Errorf("%s: %w: bad configuration option: %s", where, ErrSyntax, kw)
				}
				continue
			}
			if err := s.set(kw, args); err != nil {
				if s.ignoredUnknown(kw) {
					continue
				}
				return fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%s line %d: %w: line too long", name, lineNo+1, ErrSyntax)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func (s *Settings) include(fn string, p Params, depth int, glob func(string) ([]string, error)) error {
	f, err := os.Open(fn)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil
	}
	// An included file starts in the including block's state: its lines
	// before any Host or Match apply only if that block matched, which
	// is guaranteed here since inactive Includes are not read.
	return s.parse(f, fn, p, depth, glob, true)
}

// ignoredUnknown reports whether IgnoreUnknown lists kw.
func (s *Settings) ignoredUnknown(kw string) bool {
	for _, a := range s.values["ignoreunknown"] {
		for _, pat := range strings.Split(a, ",") {
			if wildcard.Match(strings.ToLower(pat), kw) {
				return true
			}
		}
	}
	return false
}

// evalMatch evaluates a Match line's criteria (all must hold).
func (s *Settings) evalMatch(args []string, p Params) (bool, error) {
	if len(args) == 0 {
		return false, fmt.Errorf("match without criteria")
	}
	host := p.Host
	if hn := s.Get("hostname"); hn != "" {
		host = strings.ReplaceAll(hn, "%h", p.Host)
	}
	user := p.User
	if user == "" {
		user = s.Get("user")
	}
	if user == "" {
		user = p.LocalUser
	}
	result := true
	for i := 0; i < len(args); i++ {
		crit := strings.ToLower(args[i])
		neg := strings.HasPrefix(crit, "!")
		crit = strings.TrimPrefix(crit, "!")
		if crit == "all" {
			if len(args) != 1 {
				return false, fmt.Errorf("match all must stand alone")
			}
			if neg {
				result = false
			}
			continue
		}
		var subject string
		switch crit {
		case "host":
			subject = host
		case "originalhost":
			subject = p.Host
		case "user":
			subject = user
		case "localuser":
			subject = p.LocalUser
		default:
			return false, fmt.Errorf("unsupported Match criterion %q", crit)
		}
		if i+1 >= len(args) {
			return false, fmt.Errorf("match %s needs an argument", crit)
		}
		i++
		ok := matchPatternList(strings.Split(args[i], ","), subject)
		if ok == neg {
			result = false
		}
	}
	return result, nil
}

// matchHostPatterns applies a Host line: some pattern must match and no
// negated one may.
func matchHostPatterns(patterns []string, host string) bool {
	return matchPatternList(patterns, host)
}

func matchPatternList(patterns []string, s string) bool {
	s = strings.ToLower(s)
	matched := false
	for _, p := range patterns {
		p = strings.ToLower(p)
		if neg, ok := strings.CutPrefix(p, "!"); ok {
			if wildcard.Match(neg, s) {
				return false
			}
		} else if wildcard.Match(p, s) {
			matched = true
		}
	}
	return matched
}

// splitLine splits a configuration line into its lower-cased keyword and
// arguments. "Keyword=Value", "Keyword = Value" and "Keyword Value" are
// equivalent; arguments may be quoted with " or ' (with \ escaping the
// quote or a backslash inside); an unquoted # starts a comment.
func splitLine(line string) (string, []string, error) {
	line = strings.TrimLeft(line, " \t\r\n")
	if line == "" || line[0] == '#' {
		return "", nil, nil
	}
	end := strings.IndexAny(line, " \t\r\n=")
	if end < 0 {
		end = len(line)
	}
	kw := strings.ToLower(line[:end])
	rest := strings.TrimLeft(line[end:], " \t\r\n")
	rest = strings.TrimPrefix(rest, "=")
	args, err := splitArgs(rest)
	if err != nil {
		return "", nil, err
	}
	if kw == "" {
		return "", nil, fmt.Errorf("%w: missing keyword", ErrSyntax)
	}
	return kw, args, nil
}

func splitArgs(s string) ([]string, error) {
	var args []string
	i := 0
	for {
		for i < len(s) && strings.IndexByte(" \t\r\n", s[i]) >= 0 {
			i++
		}
		if i >= len(s) || s[i] == '#' {
			return args, nil
		}
		var b strings.Builder
		for i < len(s) && strings.IndexByte(" \t\r\n", s[i]) < 0 {
			c := s[i]
			if c != '"' && c != '\'' {
				b.WriteByte(c)
				i++
				continue
			}
			q := c
			i++
			closed := false
			for i < len(s) {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == q || s[i+1] == '\\') {
					b.WriteByte(s[i+1])
					i += 2
					continue
				}
				if s[i] == q {
					closed = true
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, fmt.Errorf("%w: unterminated quote", ErrSyntax)
			}
		}
		args = append(args, b.String())
	}
}

// Tokens are the values of the % escapes ExpandPath knows.
type Tokens struct {
	Host         string // %h: the host name after HostName
	OriginalHost string // %n: the host as given
	Port         string // %p
	RemoteUser   string // %r
	LocalUser    string // %u
	Home         string // %d, and ~
}

// ExpandPath expands a leading "~" (or "~/") to t.Home and the tokens %h,
// %n, %p, %r, %u, %d and %%, as ssh does for IdentityFile and
// UserKnownHostsFile. An unknown token is an error.
func ExpandPath(s string, t Tokens) (string, error) {
	s = expandTilde(s, t.Home)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("%w: %q ends with %%", ErrSyntax, s)
		}
		i++
		switch s[i] {
		case '%':
			b.WriteByte('%')
		case 'h':
			b.WriteString(t.Host)
		case 'n':
			b.WriteString(t.OriginalHost)
		case 'p':
			b.WriteString(t.Port)
		case 'r':
			b.WriteString(t.RemoteUser)
		case 'u':
			b.WriteString(t.LocalUser)
		case 'd':
			b.WriteString(t.Home)
		default:
			return "", fmt.Errorf("%w: unknown token %%%c in %q", ErrSyntax, s[i], s)
		}
	}
	return b.String(), nil
}

func expandTilde(s, home string) string {
	if s == "~" {
		return home
	}
	if strings.HasPrefix(s, "~/") {
		return filepath.Join(home, s[2:])
	}
	return s
}
