package sshcli

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ssh2go/ssh2/internal/sshconfig"
)

// Options are the resolved settings of one connection: the command
// line, then the configuration files, then the defaults.
type Options struct {
	Host                         string // as given on the command line
	HostName                     string // to connect to (HostName)
	Port                         int
	User                         string
	LocalUser                    string
	Home                         string
	Identities                   []string // expanded paths of the identity files
	ExplicitIdentities           bool     // identities named by -i or IdentityFile
	CertificateFiles             []string // expanded paths of CertificateFile values
	IdentitiesOnly               bool     // use only the identity and certificate files, even from the agent
	IdentityAgent                string   // agent socket path; "" for none
	StrictHostKeyChecking        string   // yes, no, accept-new, ask
	KnownHostsFiles              []string // user files (expanded), then global ones
	UserKnownHostsFiles          int      // how many of KnownHostsFiles are user files; the first is written to
	HashKnownHosts               bool
	BatchMode                    bool
	LogLevel                     slog.Level
	Quiet                        bool
	KexAlgorithms                string // raw algorithm list values, "" for defaults
	Ciphers                      string
	MACs                         string
	HostKeyAlgorithms            string
	PubkeyAlgorithms             string
	PreferredAuthentications     []string
	PasswordAuthentication       bool
	KbdInteractiveAuthentication bool
	PubkeyAuthentication         bool
	PasswordPrompts              int
	ConnectTimeout               time.Duration
	RekeyBytes                   uint64
	RekeyInterval                time.Duration
	ServerAliveInterval          time.Duration
	ServerAliveCountMax          int
	Warnings                     []string // from reading the configuration
}

// CommandLine is what Resolve needs from a command's arguments.
type CommandLine struct {
	// Settings holds the -o, -l, -i and user@ values in the order given;
	// Resolve loads the configuration files into it, so a command can
	// read its own keywords from it afterwards.
	Settings   *sshconfig.Settings
	Host       string
	Port       int    // from the command line; 0 if none
	ConfigFile string // -F; "" means the default files, "none" none
	Verbose    int    // count of -v
	Quiet      bool   // -q
}

// ShowsInfo reports whether informational messages and warnings are
// printed: not with -q, nor with a LogLevel above INFO.
func (o *Options) ShowsInfo() bool {
	return !o.Quiet && o.LogLevel <= logLevels["info"]
}

// logLevels maps OpenSSH's LogLevel names to slog levels: INFO and above
// print warnings, DEBUG* print debug lines.
var logLevels = map[string]slog.Level{
	"quiet": slog.LevelError + 4, "fatal": slog.LevelError + 2, "error": slog.LevelError,
	"info": slog.LevelInfo, "verbose": slog.LevelInfo - 1,
	"debug": slog.LevelDebug, "debug1": slog.LevelDebug, "debug2": slog.LevelDebug - 1, "debug3": slog.LevelDebug - 2,
}

// Resolve reads the configuration files named by cl (or the default ones)
// into cl.Settings and works out the connection's options from them.
func Resolve(cl CommandLine) (*Options, error) {
	o := &Options{Host: cl.Host, Quiet: cl.Quiet}
	s := cl.Settings
	if u, err := user.Current(); err == nil {
		o.LocalUser = u.Username
	}
	o.Home = os.Getenv("HOME")
	if o.Home == "" {
		o.Home, _ = os.UserHomeDir()
	}
	params := sshconfig.Params{Host: cl.Host, User: s.Get("user"), LocalUser: o.LocalUser, Home: o.Home}
	switch cl.ConfigFile {
	case "none":
	case "":
		for _, f := range []string{filepath.Join(o.Home, ".ssh", "config"), "/etc/ssh/ssh_config"} {
			if err := s.Load(f, params); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
	default:
		if err := s.Load(cl.ConfigFile, params); err != nil {
			return nil, fmt.Errorf("can't open user config file %s: %w", cl.ConfigFile, err)
		}
	}
	if cl.Verbose > 0 {
		o.LogLevel = slog.LevelDebug - slog.Level(cl.Verbose-1)
	} else if cl.Quiet {
		o.LogLevel = logLevels["quiet"]
	} else if v := s.Get("loglevel"); v != "" {
		l, ok := logLevels[strings.ToLower(v)]
		if !ok {
			return nil, fmt.Errorf("unsupported LogLevel %q", v)
		}
		o.LogLevel = l
	}

	o.HostName = cl.Host
	if hn := s.Get("hostname"); hn != "" {
		o.HostName = strings.ReplaceAll(hn, "%h", cl.Host)
	}
	o.Port = 22
	if cl.Port != 0 {
		o.Port = cl.Port
	} else if p := s.Get("port"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return nil, fmt.Errorf("bad port %q", p)
		}
		o.Port = n
	}
	o.User = s.Get("user")
	if o.User == "" {
		o.User = o.LocalUser
	}
	var err error
	tok := sshconfig.Tokens{Host: o.HostName, OriginalHost: cl.Host, Port: strconv.Itoa(o.Port),
		RemoteUser: o.User, LocalUser: o.LocalUser, Home: o.Home}

	ids := s.IdentityFiles()
	o.ExplicitIdentities = len(ids) > 0
	if !o.ExplicitIdentities {
		ids = []string{"~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa"}
	}
	for _, id := range ids {
		if strings.EqualFold(id, "none") {
			continue
		}
		p, err := sshconfig.ExpandPath(id, tok)
		if err != nil {
			return nil, err
		}
		o.Identities = append(o.Identities, p)
	}
	for _, c := range s.CertificateFiles() {
		if strings.EqualFold(c, "none") {
			continue
		}
		p, err := sshconfig.ExpandPath(c, tok)
		if err != nil {
			return nil, err
		}
		o.CertificateFiles = append(o.CertificateFiles, p)
	}
	if o.IdentityAgent, err = identityAgent(s.Get("identityagent"), tok); err != nil {
		return nil, err
	}
	khs := s.Args("userknownhostsfile")
	if khs == nil {
		khs = []string{"~/.ssh/known_hosts", "~/.ssh/known_hosts2"}
	}
	for _, k := range khs {
		if strings.EqualFold(k, "none") {
			continue
		}
		p, err := sshconfig.ExpandPath(k, tok)
		if err != nil {
			return nil, err
		}
		o.KnownHostsFiles = append(o.KnownHostsFiles, p)
	}
	o.UserKnownHostsFiles = len(o.KnownHostsFiles)
	if g := s.Args("globalknownhostsfile"); g != nil {
		for _, k := range g {
			if !strings.EqualFold(k, "none") {
				o.KnownHostsFiles = append(o.KnownHostsFiles, k)
			}
		}
	} else {
		o.KnownHostsFiles = append(o.KnownHostsFiles, "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2")
	}

	get := func(kw, def string) string {
		if v := s.Get(kw); v != "" {
			return v
		}
		return def
	}
	if o.BatchMode, err = yesNo("BatchMode", get("batchmode", "no")); err != nil {
		return nil, err
	}
	if o.HashKnownHosts, err = yesNo("HashKnownHosts", get("hashknownhosts", "no")); err != nil {
		return nil, err
	}
	if o.PasswordAuthentication, err = yesNo("PasswordAuthentication", get("passwordauthentication", "yes")); err != nil {
		return nil, err
	}
	if o.KbdInteractiveAuthentication, err = yesNo("KbdInteractiveAuthentication", get("kbdinteractiveauthentication", "yes")); err != nil {
		return nil, err
	}
	if o.IdentitiesOnly, err = yesNo("IdentitiesOnly", get("identitiesonly", "no")); err != nil {
		return nil, err
	}
	if o.PubkeyAuthentication, err = yesNo("PubkeyAuthentication", get("pubkeyauthentication", "yes")); err != nil {
		return nil, err
	}
	switch v := strings.ToLower(get("stricthostkeychecking", "ask")); v {
	case "yes", "no", "ask", "accept-new":
		o.StrictHostKeyChecking = v
	case "off":
		o.StrictHostKeyChecking = "no"
	default:
		return nil, fmt.Errorf("unsupported StrictHostKeyChecking %q", v)
	}
	o.KexAlgorithms, o.Ciphers, o.MACs = s.Get("kexalgorithms"), s.Get("ciphers"), s.Get("macs")
	o.HostKeyAlgorithms = s.Get("hostkeyalgorithms")
	o.PubkeyAlgorithms = get("pubkeyacceptedalgorithms", s.Get("pubkeyacceptedkeytypes"))
	o.PreferredAuthentications = strings.Split(get("preferredauthentications", "publickey,keyboard-interactive,password"), ",")
	if o.PasswordPrompts, err = nonNegInt("NumberOfPasswordPrompts", get("numberofpasswordprompts", "3")); err != nil {
		return nil, err
	}
	if v := s.Get("connecttimeout"); v != "" && !strings.EqualFold(v, "none") {
		n, err := nonNegInt("ConnectTimeout", v)
		if err != nil {
			return nil, err
		}
		o.ConnectTimeout = time.Duration(n) * time.Second
	}
	if v := s.Args("rekeylimit"); v != nil {
		if o.RekeyBytes, o.RekeyInterval, err = parseRekeyLimit(v); err != nil {
			return nil, err
		}
	}
	if v := s.Get("serveraliveinterval"); v != "" {
		d, err := sshconfig.ParseTime(v)
		if err != nil {
			return nil, fmt.Errorf("ServerAliveInterval: %w", err)
		}
		o.ServerAliveInterval = d
	}
	if o.ServerAliveCountMax, err = nonNegInt("ServerAliveCountMax", get("serveralivecountmax", "3")); err != nil {
		return nil, err
	}
	o.Warnings = s.Warnings
	return o, nil
}

// identityAgent resolves IdentityAgent as ssh does: unset or
// "SSH_AUTH_SOCK" means that environment variable, "none" no agent,
// "$NAME" another environment variable, anything else a path with ~ and
// % tokens expanded.
func identityAgent(v string, tok sshconfig.Tokens) (string, error) {
	switch {
	case v == "" || v == "SSH_AUTH_SOCK":
		return os.Getenv("SSH_AUTH_SOCK"), nil
	case strings.EqualFold(v, "none"):
		return "", nil
	case strings.HasPrefix(v, "$"):
		return os.Getenv(v[1:]), nil
	}
	return sshconfig.ExpandPath(v, tok)
}

func yesNo(kw, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "yes", "true":
		return true, nil
	case "no", "false":
		return false, nil
	}
	return false, fmt.Errorf("%s: bad yes/no value %q", kw, v)
}

func nonNegInt(kw, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s: bad number %q", kw, v)
	}
	return n, nil
}

// parseRekeyLimit reads "size [time]" where size is bytes with an
// optional K, M, G or T suffix or "default", and time is as in
// sshd_config (TIME FORMATS) or "none".
func parseRekeyLimit(args []string) (uint64, time.Duration, error) {
	var bytes uint64
	if !strings.EqualFold(args[0], "default") {
		n, err := sshconfig.ParseSize(args[0])
		if err != nil || n > math.MaxUint32 {
			return 0, 0, fmt.Errorf("RekeyLimit: bad size %q", args[0])
		}
		if n < 16 {
			return 0, 0, fmt.Errorf("RekeyLimit: size %q too small", args[0])
		}
		bytes = n
	}
	var d time.Duration
	if len(args) > 1 && !strings.EqualFold(args[1], "none") {
		var err error
		if d, err = sshconfig.ParseTime(args[1]); err != nil {
			return 0, 0, fmt.Errorf("RekeyLimit: %w", err)
		}
	}
	if len(args) > 2 {
		return 0, 0, fmt.Errorf("RekeyLimit: too many arguments")
	}
	return bytes, d, nil
}
