package main

import (
	"context"
	"io"
	"os"

	"github.com/ssh2go/ssh2/internal/sshcli"
)

// output is how ssh2 reports connection problems: the terminal may be
// in raw mode, so lines end in CR LF.
var output = sshcli.Output{Prefix: "ssh2", Newline: "\r\n", Trace: true}

// connectAndRun connects, authenticates and runs the session, returning
// the exit status.
func connectAndRun(o *options, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx := context.Background()
	client, log := sshcli.Connect(ctx, o.Options, output, stderr)
	if client == nil {
		return exitFailure
	}
	defer client.Close()
	return runSession(ctx, o, client, log, stdin, stdout, stderr)
}

// isTerminal reports whether f is a terminal.
func isTerminal(f any) (int, bool) {
	osf, ok := f.(*os.File)
	if !ok {
		return -1, false
	}
	fd := int(osf.Fd())
	return fd, termIsTerminal(fd)
}
