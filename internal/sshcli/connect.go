package sshcli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/terminal"
	"github.com/ssh2go/ssh2/internal/transport"
)

// Output says how a command prints its own messages about the
// connection.
type Output struct {
	// Prefix names the command before its error messages ("ssh2").
	Prefix string
	// Newline ends each line: "\r\n" where the terminal may be raw,
	// "\n" otherwise.
	Newline string
	// Trace adds debug log lines for connecting, the established
	// connection and successful authentication.
	Trace bool
}

// Connect dials the host, performs the handshake and authenticates as
// the options say, prompting on the terminal when needed. It returns the
// client and the logger built for o.LogLevel, which the command goes on
// using; when it fails it has already reported why on stderr and returns
// a nil client.
func Connect(ctx context.Context, o *Options, out Output, stderr io.Writer) (*ssh2.Client, *slog.Logger) {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: o.LogLevel}))
	ask := &terminal.Prompter{}
	if o.ShowsInfo() {
		for _, w := range o.Warnings {
			fmt.Fprintf(stderr, "%s: %s%s", out.Prefix, w, out.Newline)
		}
	}
	cfg, au, err := clientConfig(o, log, stderr, ask)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v%s", out.Prefix, err, out.Newline)
		return nil, log
	}

	addr := net.JoinHostPort(o.HostName, strconv.Itoa(o.Port))
	if out.Trace {
		log.Debug("connecting", "host", o.HostName, "port", o.Port)
	}
	d := net.Dialer{Timeout: o.ConnectTimeout}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s%s", out.Prefix, dialErrorText(o, err), out.Newline)
		return nil, log
	}
	if out.Trace {
		log.Debug("connection established", "remote", nc.RemoteAddr().String())
	}
	client, err := ssh2.NewClientConn(ctx, nc, addr, cfg)
	au.close()
	if err != nil {
		nc.Close()
		fmt.Fprint(stderr, setupErrorText(o, out, err))
		return nil, log
	}
	if out.Trace {
		log.Debug("authenticated", "user", o.User, "server", client.ServerVersion())
	}
	return client, log
}

// clientConfig turns options into the library's configuration.
func clientConfig(o *Options, log *slog.Logger, stderr io.Writer, ask *terminal.Prompter) (*ssh2.ClientConfig, *authenticator, error) {
	hk, err := newHostKeyChecker(o, stderr, ask)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range hk.db.Skipped {
		log.Debug("known_hosts line skipped", "file", s.Filename, "line", s.Line, "err", s.Err)
	}
	cfg := &ssh2.ClientConfig{
		User:            o.User,
		HostKeyCallback: hk.check,
		// ConnectTimeout also bounds the version and key exchange, as in
		// ssh, so a server that accepts but never speaks cannot hang us.
		HandshakeTimeout:  o.ConnectTimeout,
		KeepaliveInterval: o.ServerAliveInterval,
		// ssh gives up after one silent interval with a count of 0; the
		// library reads 0 as its default, so ask for the nearest.
		KeepaliveCountMax: max(o.ServerAliveCountMax, 1),
	}
	cfg.Logger = log
	cfg.RekeyLimit = o.RekeyBytes
	cfg.RekeyInterval = o.RekeyInterval
	if cfg.KexAlgorithms, err = algorithmList(o.KexAlgorithms, kexLists); err != nil {
		return nil, nil, fmt.Errorf("bad KexAlgorithms: %w", err)
	}
	if cfg.Ciphers, err = algorithmList(o.Ciphers, cipherLists); err != nil {
		return nil, nil, fmt.Errorf("bad Ciphers: %w", err)
	}
	if cfg.MACs, err = algorithmList(o.MACs, macLists); err != nil {
		return nil, nil, fmt.Errorf("bad MACs: %w", err)
	}
	if cfg.PublicKeyAlgorithms, err = algorithmList(o.PubkeyAlgorithms, pubkeyLists); err != nil {
		return nil, nil, fmt.Errorf("bad PubkeyAcceptedAlgorithms: %w", err)
	}
	if o.HostKeyAlgorithms != "" {
		if cfg.HostKeyAlgorithms, err = algorithmList(o.HostKeyAlgorithms, hostKeyLists); err != nil {
			return nil, nil, fmt.Errorf("bad HostKeyAlgorithms: %w", err)
		}
	} else if known := hk.db.HostKeyAlgorithms(hk.name); len(known) > 0 {
		def, _ := hostKeyLists()
		if hk.db.HasCertAuthority(hk.name) {
			// A host certificate is worth asking for only when a CA
			// is trusted for the host.
			def = append(slices.Clone(transport.CertHostKeyAlgorithms), def...)
		}
		cfg.HostKeyAlgorithms = preferKnown(def, known)
	}
	cfg.OnHandshake = func(a ssh2.Algorithms) {
		log.Debug("kex: algorithm: " + a.Kex)
		log.Debug("kex: host key algorithm: " + a.HostKey)
		log.Debug(fmt.Sprintf("kex: server->client cipher: %s MAC: %s", a.CipherServerClient, macName(a.MACServerClient)))
		log.Debug(fmt.Sprintf("kex: client->server cipher: %s MAC: %s", a.CipherClientServer, macName(a.MACClientServer)))
	}
	cfg.BannerCallback = func(msg string) error {
		if o.ShowsInfo() {
			io.WriteString(stderr, msg)
		}
		return nil
	}
	au := &authenticator{o: o, log: log, stderr: stderr, ask: ask, hk: hk}
	cfg.Auth = au.methods()
	return cfg, au, nil
}

func macName(m string) string {
	if m == "" {
		return "<implicit>"
	}
	return m
}

// dialErrorText describes a failed TCP connection as ssh does.
func dialErrorText(o *Options, err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		reason := "Name or service not known"
		if !dnsErr.IsNotFound {
			reason = dnsErr.Err
		}
		return fmt.Sprintf("Could not resolve hostname %s: %s", o.HostName, reason)
	}
	reason := err.Error()
	var errno syscall.Errno
	var ne net.Error
	switch {
	case errors.As(err, &errno):
		reason = capitalize(errno.Error())
	case errors.As(err, &ne) && ne.Timeout():
		reason = "Connection timed out"
	}
	return fmt.Sprintf("connect to host %s port %d: %s", o.HostName, o.Port, reason)
}

// setupErrorText describes a failed handshake or authentication.
func setupErrorText(o *Options, out Output, err error) string {
	nl := out.Newline
	if errors.Is(err, errHostKeyVerification) {
		return "Host key verification failed." + nl
	}
	var ae *ssh2.AuthError
	if errors.As(err, &ae) {
		return fmt.Sprintf("%s@%s: Permission denied (%s).%s", o.User, o.HostName, strings.Join(ae.Remaining, ","), nl)
	}
	var de *ssh2.DisconnectError
	if errors.As(err, &de) && !de.Local {
		return fmt.Sprintf("Received disconnect from %s port %d:%d: %s%sDisconnected from %s port %d%s",
			o.HostName, o.Port, de.Reason, de.Message, nl, o.HostName, o.Port, nl)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("%s: connect to host %s port %d: Connection timed out during handshake%s", out.Prefix, o.HostName, o.Port, nl)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		return fmt.Sprintf("%s: Connection closed by %s port %d%s", out.Prefix, o.HostName, o.Port, nl)
	}
	return fmt.Sprintf("%s: %s port %d: %v%s", out.Prefix, o.HostName, o.Port, err, nl)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
