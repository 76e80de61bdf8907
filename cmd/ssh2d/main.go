// Command ssh2d is a demo SSH server built on github.com/ssh2go/ssh2. It
// runs sessions as the user who starts it, like a personal sshd:
//
//	ssh2d [-listen ADDR] [-hostkey FILE]... [-authorized-keys FILE]
//	      [-password USER:PASS]... [-o Keyword=Value]...
//
// With no flags it listens on 127.0.0.1:2222, keeps an ed25519 host key in
// os.UserConfigDir()/ssh2d/ssh_host_ed25519_key (created on first use),
// and accepts the keys in ~/.ssh/authorized_keys. Exec and shell requests
// run through the user's shell in the home directory with the environment
// sshd gives, on a pseudo-terminal when the client asks for one.
//
// -o takes sshd_config keywords (case-insensitive) with OpenSSH's list
// syntax (+append, -remove, ^prepend): KexAlgorithms, Ciphers, MACs,
// HostKeyAlgorithms, PubkeyAcceptedAlgorithms, RekeyLimit, MaxAuthTries,
// LoginGraceTime, AcceptEnv, Banner, Subsystem, PubkeyAuthentication,
// PasswordAuthentication, KbdInteractiveAuthentication, LogLevel,
// TrustedUserCAKeys (user certificates signed by these CAs may log in)
// and HostCertificate (presented with the host key it certifies).
// SFTP is served by the built-in server, confined to -sftp-root (default:
// the home directory); "Subsystem=sftp internal-sftp [-R]" selects it
// explicitly, as in sshd, and "Subsystem=sftp PROGRAM" runs a program.
//
// The command line is relied on by scripts: keep the flag names.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/sshd"
)

// shutdownGrace bounds how long a SIGINT/SIGTERM waits for open
// connections before closing them.
const shutdownGrace = 5 * time.Second

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// usageError is a command-line mistake: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	fmt.Fprintf(os.Stderr, "ssh2d: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		os.Exit(2)
	}
	os.Exit(1)
}

// config is the parsed command line.
type config struct {
	listen         string
	hostKeys       []string
	authorizedKeys string
	passwords      map[string]string
	options        *sshd.Options
	sftpRoot       string
}

func parseArgs(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("ssh2d", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var hostKeys, passwords, opts listFlag
	c := &config{}
	fs.StringVar(&c.listen, "listen", "127.0.0.1:2222", "listen on `ADDR`")
	fs.Var(&hostKeys, "hostkey", "host key `FILE` (repeatable; created with a new ed25519 key when missing)")
	fs.StringVar(&c.authorizedKeys, "authorized-keys", "", "authorized_keys `FILE` (default ~/.ssh/authorized_keys)")
	fs.Var(&passwords, "password", "accept password and keyboard-interactive logins as `USER:PASS` (repeatable)")
	fs.Var(&opts, "o", "sshd_config `Keyword=Value` (repeatable)")
	fs.StringVar(&c.sftpRoot, "sftp-root", "", "serve the sftp subsystem confined to `DIR` (default: the user's home)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: ssh2d [-listen ADDR] [-hostkey FILE]... [-authorized-keys FILE] [-password USER:PASS]... [-o Keyword=Value]... [-sftp-root DIR]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{err}
	}
	if fs.NArg() > 0 {
		return nil, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	c.hostKeys = hostKeys
	c.passwords = map[string]string{}
	for _, p := range passwords {
		user, pass, ok := strings.Cut(p, ":")
		if !ok || user == "" {
			return nil, usageError{fmt.Errorf("-password wants USER:PASS, got %q", p)}
		}
		c.passwords[user] = pass
	}
	c.options = sshd.NewOptions()
	for _, o := range opts {
		if err := c.options.Set(o); err != nil {
			return nil, usageError{fmt.Errorf("-o %s: %w", o, err)}
		}
	}
	return c, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	c, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: c.options.LogLevel}))
	user, err := sshd.CurrentUser()
	if err != nil {
		return err
	}
	for name := range c.passwords {
		if name != user.Name {
			logger.Warn("-password for a user other than the server's own can never log in", "user", name, "server user", user.Name)
		}
	}

	cfg := &ssh2.ServerConfig{}
	c.options.Apply(cfg)
	if c.options.LogLevel <= slog.LevelDebug {
		cfg.Logger = logger
	}
	if len(c.hostKeys) == 0 {
		p, err := sshd.DefaultHostKeyPath()
		if err != nil {
			return fmt.Errorf("host key: %w", err)
		}
		c.hostKeys = []string{p}
	}
	for _, path := range c.hostKeys {
		s, created, err := sshd.LoadOrCreateHostKey(path)
		if err != nil {
			return err
		}
		if created {
			fmt.Fprintf(stdout, "ssh2d: created host key %s\n", path)
		}
		cfg.HostKeys = append(cfg.HostKeys, s)
		fmt.Fprintf(stdout, "ssh2d: host key %s\n", sshd.FingerprintLine(s.PublicKey(), path))
	}
	for _, path := range c.options.HostCertificates {
		if err := sshd.AttachHostCertificate(path, cfg.HostKeys); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "ssh2d: host certificate %s\n", path)
	}
	if c.authorizedKeys == "" {
		c.authorizedKeys = filepath.Join(user.Home, ".ssh", "authorized_keys")
	}
	authn := &sshd.Authenticator{
		User:           user.Name,
		AuthorizedKeys: &sshd.AuthorizedKeys{Path: c.authorizedKeys},
		Passwords:      c.passwords,
		Logger:         logger,
	}
	if c.options.TrustedUserCAKeys != "" {
		if authn.UserCAs, err = sshd.ReadPublicKeys(c.options.TrustedUserCAKeys); err != nil {
			return fmt.Errorf("TrustedUserCAKeys: %w", err)
		}
	}
	authn.Configure(cfg, c.options)

	srv := &ssh2.Server{Config: cfg}
	h := &sshd.Handler{User: user, Options: c.options, Subsystems: subsystems(user, c.options, c.sftpRoot, logger), Logger: logger}
	h.Install(srv)

	// Catch the signals before announcing the address, so that a
	// supervisor reacting to the announcement cannot kill us unclean.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return err
	}
	// The last line of the start-up output: scripts wait for it and read
	// the port from it.
	fmt.Fprintf(stdout, "ssh2d: listening on %s\n", ln.Addr())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	stop()
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Info("closed connections still open at shutdown", "error", err)
	}
	<-served
	return nil
}
