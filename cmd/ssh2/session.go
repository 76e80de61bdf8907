package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/terminal"
	"github.com/ssh2go/ssh2/internal/wildcard"
	"golang.org/x/term"
)

func termIsTerminal(fd int) bool { return term.IsTerminal(fd) }

// runSession runs the command or shell on the connection and returns
// ssh's exit status for it.
func runSession(ctx context.Context, o *options, client *ssh2.Client, log *slog.Logger, stdin io.Reader, stdout, stderr io.Writer) int {
	if o.noCommand {
		// As ssh -N: a connection that ends by failure (lost, keepalive
		// timeout, disconnected by the server) exits 255.
		err := client.Wait()
		log.Debug("connection ended", "err", err)
		if err != nil {
			fmt.Fprintf(stderr, "ssh2: %s\r\n", errorText(err))
			return exitFailure
		}
		return 0
	}
	if o.nullStdin {
		stdin = strings.NewReader("")
	}
	inFd, inTTY := isTerminal(stdin)
	wantTTY := o.tty == 2 || o.tty == 1 || (o.tty == 0 && o.command == "")
	if wantTTY && !inTTY && o.tty != 2 {
		if o.ShowsInfo() {
			fmt.Fprint(stderr, "Pseudo-terminal will not be allocated because stdin is not a terminal.\r\n")
		}
		wantTTY = false
	}

	ch, err := client.NewSession(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "ssh2: opening session: %v\r\n", err)
		return exitFailure
	}
	defer ch.Close()
	for _, kv := range envToSend(o.sendEnv) {
		k, v, _ := strings.Cut(kv, "=")
		if err := ch.Setenv(ctx, k, v); err != nil {
			log.Debug("environment variable refused", "name", k, "err", err)
		}
	}
	if wantTTY {
		p := &ssh2.PtyOptions{Term: os.Getenv("TERM")}
		if inTTY {
			if w, h, err := term.GetSize(inFd); err == nil {
				p.Columns, p.Rows = uint32(w), uint32(h)
			}
			if m, err := terminal.Modes(inFd); err == nil {
				p.Modes = m
			}
		}
		if err := ch.RequestPty(ctx, p); err != nil {
			fmt.Fprintf(stderr, "PTY allocation request failed on channel 0\r\n")
			wantTTY = false
		}
	}
	if o.command == "" {
		err = ch.Shell(ctx)
	} else {
		log.Debug("sending command", "command", o.command)
		err = ch.Start(ctx, o.command)
	}
	if err != nil {
		what := "exec"
		if o.command == "" {
			what = "shell"
		}
		fmt.Fprintf(stderr, "%s request failed on channel 0\r\n", what)
		return exitFailure
	}

	if wantTTY && inTTY {
		old, err := term.MakeRaw(inFd)
		if err == nil {
			defer term.Restore(inFd, old)
		}
		stop := watchWindowSize(inFd, ch)
		defer stop()
	}

	go func() {
		_, err := io.Copy(ch, stdin)
		if err != nil {
			log.Debug("stdin copy ended", "err", err)
		}
		ch.CloseWrite()
	}()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		io.Copy(stderr, ch.Stderr())
	}()
	if _, err := io.Copy(stdout, ch); err != nil {
		log.Debug("stdout copy ended", "err", err)
	}
	wg.Wait()
	err = ch.Wait()
	if wantTTY && o.ShowsInfo() {
		defer fmt.Fprintf(stderr, "Connection to %s closed.\r\n", o.HostName)
	}
	return exitStatus(err, log, stderr)
}

// exitStatus maps the session's end to ssh's exit status: the remote
// status, or 255 when there was none (a signal, or a lost connection).
func exitStatus(err error, log *slog.Logger, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *ssh2.ExitError
	if errors.As(err, &ee) {
		if ee.Signal == "" {
			return ee.Status
		}
		log.Debug("remote command killed by signal", "signal", ee.Signal, "core", ee.CoreDumped, "msg", ee.Message)
		return exitFailure
	}
	if errors.Is(err, ssh2.ErrExitMissing) {
		return exitFailure
	}
	fmt.Fprintf(stderr, "ssh2: %s\r\n", errorText(err))
	return exitFailure
}

// errorText is err's message without the library's own "ssh2: " prefix,
// which the command adds itself.
func errorText(err error) string {
	return strings.TrimPrefix(err.Error(), "ssh2: ")
}

// envToSend returns the local variables matching SendEnv patterns.
func envToSend(patterns []string) []string {
	if len(patterns) == 0 {
		return nil
	}
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		match := false
		for _, p := range patterns {
			if neg, ok := strings.CutPrefix(p, "-"); ok {
				if wildcard.Match(neg, name) {
					match = false
				}
			} else if wildcard.Match(p, name) {
				match = true
			}
		}
		if match {
			out = append(out, kv)
		}
	}
	return out
}
