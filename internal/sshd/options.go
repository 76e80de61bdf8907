package sshd

import (
	"fmt"
	"log/slog"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/auth"
	"github.com/ssh2go/ssh2/internal/sshconfig"
	"github.com/ssh2go/ssh2/internal/transport"
	"github.com/ssh2go/ssh2/internal/transport/cipher"
	"github.com/ssh2go/ssh2/internal/transport/kex"
	"github.com/ssh2go/ssh2/keys"
)

// ErrSyntax is wrapped by every error about a malformed option value.
var ErrSyntax = sshconfig.ErrSyntax

// DefaultAcceptEnv are the env request names accepted without
// configuration, as in Debian's sshd_config ("AcceptEnv LANG LC_*").
var DefaultAcceptEnv = []string{"LANG", "LC_*"}

// Options are the sshd_config settings ssh2d takes with -o. Algorithm
// lists left nil mean the library's server defaults. The zero value is
// not ready: start from NewOptions.
type Options struct {
	// KexAlgorithms, Ciphers, MACs, HostKeyAlgorithms and
	// PubkeyAcceptedAlgorithms are the algorithm preferences, most
	// preferred first; nil keeps the library's server defaults.
	KexAlgorithms            []string
	Ciphers                  []string
	MACs                     []string
	HostKeyAlgorithms        []string
	PubkeyAcceptedAlgorithms []string

	// RekeyLimit is the data limit (0: the library default) and
	// RekeyInterval the time limit (0: none) of RekeyLimit.
	RekeyLimit    uint64
	RekeyInterval time.Duration
	// MaxAuthTries bounds failed authentication attempts.
	MaxAuthTries int
	// LoginGraceTime bounds handshake and authentication; 0 means no
	// limit, as in OpenSSH.
	LoginGraceTime time.Duration
	// AcceptEnv are the patterns of env request names accepted.
	AcceptEnv []string
	// Banner is a file whose contents are sent before authentication;
	// "" sends none.
	Banner string
	// PubkeyAuthentication, PasswordAuthentication and
	// KbdInteractiveAuthentication switch methods off when false
	// (password methods also need a -password entry).
	PubkeyAuthentication         bool
	PasswordAuthentication       bool
	KbdInteractiveAuthentication bool
	// LogLevel is the level of the server's log.
	LogLevel slog.Level
	// Subsystem maps subsystem names to commands run through the
	// user's shell, as sshd_config's Subsystem does.
	Subsystem map[string]string
	// TrustedUserCAKeys is a file of CA keys trusted to sign user
	// certificates; "" trusts none.
	TrustedUserCAKeys string
	// HostCertificates are host certificate files, each presented with
	// the host key it certifies.
	HostCertificates []string
}

// NewOptions returns OpenSSH's defaults.
func NewOptions() *Options {
	return &Options{
		MaxAuthTries:                 6,
		LoginGraceTime:               ssh2.DefaultLoginGraceTime,
		AcceptEnv:                    slices.Clone(DefaultAcceptEnv),
		PubkeyAuthentication:         true,
		PasswordAuthentication:       true,
		KbdInteractiveAuthentication: true,
		LogLevel:                     slog.LevelInfo,
		Subsystem:                    map[string]string{},
	}
}

// Keywords lists the sshd_config keywords Set understands.
func Keywords() []string {
	k := make([]string, 0, len(setters))
	for _, s := range setters {
		k = append(k, s.name)
	}
	slices.Sort(k)
	return k
}

type setter struct {
	name string
	set  func(o *Options, v string) error
}

var setters = map[string]setter{}

func init() {
	for _, s := range []setter{
		{"KexAlgorithms", func(o *Options, v string) error {
			return algoList(&o.KexAlgorithms, v, transport.DefaultKexAlgorithms(false), append(kex.Supported(), kex.Insecure()...))
		}},
		{"Ciphers", func(o *Options, v string) error {
			return algoList(&o.Ciphers, v, cipher.DefaultCiphers(), append(cipher.SupportedCiphers(), cipher.InsecureCiphers()...))
		}},
		{"MACs", func(o *Options, v string) error {
			return algoList(&o.MACs, v, transport.DefaultMACs(false), append(cipher.SupportedMACs(), cipher.InsecureMACs()...))
		}},
		{"HostKeyAlgorithms", func(o *Options, v string) error {
			return algoList(&o.HostKeyAlgorithms, v, transport.DefaultHostKeyAlgorithms, append(slices.Clone(transport.DefaultHostKeyAlgorithms), keys.SigRSASHA1))
		}},
		{"PubkeyAcceptedAlgorithms", func(o *Options, v string) error {
			return algoList(&o.PubkeyAcceptedAlgorithms, v, auth.DefaultPublicKeyAlgorithms, append(slices.Clone(transport.DefaultPubkeyAlgorithms), keys.SigRSASHA1, keys.TypeDSA))
		}},
		{"RekeyLimit", (*Options).setRekeyLimit},
		{"MaxAuthTries", func(o *Options, v string) error {
			var n int
			if _, err := fmt.Sscan(v, &n); err != nil || n < 1 || n > 1000 || fmt.Sprint(n) != v {
				return fmt.Errorf("%w: MaxAuthTries wants a number from 1 to 1000, got %q", ErrSyntax, v)
			}
			o.MaxAuthTries = n
			return nil
		}},
		{"LoginGraceTime", func(o *Options, v string) error {
			d, err := sshconfig.ParseTime(v)
			if err == nil {
				o.LoginGraceTime = d
			}
			return err
		}},
		{"AcceptEnv", func(o *Options, v string) error {
			for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' }) {
				if strings.ContainsRune(f, '=') {
					return fmt.Errorf("%w: AcceptEnv pattern %q contains '='", ErrSyntax, f)
				}
				o.AcceptEnv = append(o.AcceptEnv, f)
			}
			return nil
		}},
		{"Banner", func(o *Options, v string) error {
			if strings.EqualFold(v, "none") {
				o.Banner = ""
				return nil
			}
			if _, err := os.Stat(v); err != nil {
				return fmt.Errorf("banner file: %w", err)
			}
			o.Banner = v
			return nil
		}},
		{"PubkeyAuthentication", boolOpt(func(o *Options) *bool { return &o.PubkeyAuthentication })},
		{"PasswordAuthentication", boolOpt(func(o *Options) *bool { return &o.PasswordAuthentication })},
		{"KbdInteractiveAuthentication", boolOpt(func(o *Options) *bool { return &o.KbdInteractiveAuthentication })},
		{"LogLevel", (*Options).setLogLevel},
		{"TrustedUserCAKeys", func(o *Options, v string) error {
			if strings.EqualFold(v, "none") {
				v = ""
			}
			o.TrustedUserCAKeys = v
			return nil
		}},
		{"HostCertificate", func(o *Options, v string) error {
			o.HostCertificates = append(o.HostCertificates, v)
			return nil
		}},
		{"Subsystem", func(o *Options, v string) error {
			name, cmd, _ := strings.Cut(v, " ")
			cmd = strings.TrimSpace(cmd)
			if name == "" || cmd == "" {
				return fmt.Errorf("%w: Subsystem wants NAME COMMAND, got %q", ErrSyntax, v)
			}
			if o.Subsystem == nil {
				o.Subsystem = map[string]string{}
			}
			o.Subsystem[name] = cmd
			return nil
		}},
	} {
		setters[strings.ToLower(s.name)] = s
	}
}

func boolOpt(field func(*Options) *bool) func(*Options, string) error {
	return func(o *Options, v string) error {
		b, err := sshconfig.ParseBool(v)
		if err == nil {
			*field(o) = b
		}
		return err
	}
}

// algoList applies an OpenSSH list value to the current list (the
// defaults until set), so that repeated -o settings build on each other.
func algoList(field *[]string, value string, defaults, supported []string) error {
	cur := *field
	if cur == nil {
		cur = defaults
	}
	l, err := sshconfig.AlgorithmList(value, cur, supported)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	*field = l
	return nil
}

// Set applies one -o argument, "Keyword=Value" or "Keyword Value", with
// the keyword matched case-insensitively. Unknown keywords are errors.
func (o *Options) Set(arg string) error {
	arg = strings.TrimSpace(arg)
	i := strings.IndexAny(arg, "= \t")
	if i <= 0 {
		return fmt.Errorf("%w: option %q: want Keyword=Value", ErrSyntax, arg)
	}
	key := arg[:i]
	val := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(arg[i:]), "="))
	s, ok := setters[strings.ToLower(key)]
	if !ok {
		return fmt.Errorf("unsupported option %q (supported: %s)", key, strings.Join(Keywords(), ", "))
	}
	if val == "" {
		return fmt.Errorf("%w: option %s: missing value", ErrSyntax, s.name)
	}
	if err := s.set(o, val); err != nil {
		return fmt.Errorf("option %s: %w", s.name, err)
	}
	return nil
}

// setRekeyLimit parses "SIZE [TIME]", where SIZE may be "default" and
// TIME may be "none".
func (o *Options) setRekeyLimit(v string) error {
	f := strings.Fields(v)
	if len(f) == 0 || len(f) > 2 {
		return fmt.Errorf("%w: RekeyLimit wants SIZE [TIME], got %q", ErrSyntax, v)
	}
	var size uint64
	if f[0] != "default" {
		n, err := sshconfig.ParseSize(f[0])
		if err != nil {
			return err
		}
		if n < 16 {
			return fmt.Errorf("%w: RekeyLimit %q is too small", ErrSyntax, f[0])
		}
		size = n
	}
	var every time.Duration
	if len(f) == 2 && f[1] != "none" {
		d, err := sshconfig.ParseTime(f[1])
		if err != nil {
			return err
		}
		every = d
	}
	o.RekeyLimit, o.RekeyInterval = size, every
	return nil
}

func (o *Options) setLogLevel(v string) error {
	switch strings.ToUpper(v) {
	case "QUIET", "FATAL", "ERROR":
		o.LogLevel = slog.LevelError
	case "INFO":
		o.LogLevel = slog.LevelInfo
	case "VERBOSE":
		o.LogLevel = slog.LevelInfo - 1
	case "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3":
		o.LogLevel = slog.LevelDebug
	default:
		return fmt.Errorf("%w: unknown LogLevel %q", ErrSyntax, v)
	}
	return nil
}

// AcceptsEnv reports whether an env request for name is accepted.
func (o *Options) AcceptsEnv(name string) bool {
	for _, p := range o.AcceptEnv {
		if sshconfig.MatchPattern(name, p) {
			return true
		}
	}
	return false
}

// Apply copies the transport and authentication limits to cfg. The
// authentication callbacks are the caller's (see Authenticator).
func (o *Options) Apply(cfg *ssh2.ServerConfig) {
	cfg.KexAlgorithms = o.KexAlgorithms
	cfg.Ciphers = o.Ciphers
	cfg.MACs = o.MACs
	cfg.HostKeyAlgorithms = o.HostKeyAlgorithms
	cfg.PublicKeyAlgorithms = o.PubkeyAcceptedAlgorithms
	cfg.RekeyLimit = o.RekeyLimit
	cfg.RekeyInterval = o.RekeyInterval
	cfg.MaxAuthTries = o.MaxAuthTries
	cfg.LoginGraceTime = o.LoginGraceTime
	if o.LoginGraceTime == 0 {
		cfg.LoginGraceTime = math.MaxInt64 // OpenSSH: 0 is no limit
	}
}
