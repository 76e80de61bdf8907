// Command ssh2-sftp is an SFTP client whose command line is a compatible
// subset of OpenSSH's sftp:
//
//	ssh2-sftp [-q] [-v] [-P port] [-i identity] [-F config] [-o Option=value]...
//	          [-b batchfile] [user@]host[:path]
//
// It connects as cmd/ssh2 does (ssh_config, known_hosts, keys, passwords),
// opens the "sftp" subsystem and runs commands read from the batch file,
// or from standard input: get, put (-r, -p), ls [-l] [-a] [-1], cd, lcd,
// pwd, lpwd, lmkdir, mkdir, rmdir, rm, rename, ln [-s], chmod, df [-h],
// version, help and exit/quit/bye. Commands not read from a terminal are
// echoed as "sftp> command". In batch mode (-b) the first failing command
// ends the run with exit status 1 unless it is prefixed with "-", and, as
// with sftp, -b implies -q: no banner, per-file messages or progress. A
// destination path names the starting remote directory, or a file that is
// fetched to the local directory. Transfers show a progress bar when
// standard output is a terminal. Standard output matches sftp's for the
// same commands (tests compare the two).
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/ssh2go/ssh2/internal/sshcli"
	"github.com/ssh2go/ssh2/sftp"
	"golang.org/x/term"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: ssh2-sftp [-qv] [-b batchfile] [-F ssh_config] [-i identity_file]
          [-o ssh_option] [-P port] destination
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cl, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "ssh2-sftp: %v\n", err)
		fmt.Fprint(stderr, usage)
		return 1
	}
	o, err := sshcli.Resolve(sshcli.CommandLine{
		Settings: cl.settings, Host: cl.host, Port: cl.port,
		ConfigFile: cl.configFile, Verbose: cl.verbose, Quiet: cl.quiet,
	})
	if err != nil {
		fmt.Fprintf(stderr, "ssh2-sftp: %v\n", err)
		return 1
	}
	var in io.Reader = stdin
	batch := cl.batchFile != ""
	if batch && cl.batchFile != "-" {
		f, err := os.Open(cl.batchFile)
		if err != nil {
			fmt.Fprintf(stderr, "ssh2-sftp: %v\n", err)
			return 1
		}
		defer f.Close()
		in = f
	}

	ctx := context.Background()
	sc, _ := sshcli.Connect(ctx, o, sshcli.Output{Prefix: "ssh2-sftp", Newline: "\n"}, stderr)
	if sc == nil {
		return 255
	}
	defer sc.Close()
	c, err := sftp.NewSSHClient(ctx, sc)
	if err != nil {
		fmt.Fprintf(stderr, "ssh2-sftp: Connection closed: %v\n", err)
		return 255
	}
	defer c.Close()

	// As with sftp, -b implies -q: no banner, progress or per-file messages.
	quiet := cl.quiet || batch
	sh := &shell{c: c, ctx: ctx, stdout: stdout, stderr: stderr, batch: batch, quiet: quiet, width: terminalWidth(stdin)}
	sh.progress = isTerminalWriter(stdout) && !quiet
	if !quiet {
		fmt.Fprintf(stderr, "Connected to %s.\n", o.Host) // on stderr, as sftp prints it
	}
	if sh.cwd, err = c.RealPath(ctx, "."); err != nil {
		fmt.Fprintf(stderr, "Need cwd: %v\n", err)
		return 1
	}
	if cl.path != "" {
		if st := sh.startPath(cl.path); st >= 0 {
			return st
		}
	}
	interactive := !batch && isTerminalReader(stdin)
	return sh.loop(bufio.NewReader(in), interactive)
}

// startPath handles the destination's path: a directory becomes the
// remote working directory, a file is fetched and the run ends. It
// returns -1 to go on to the commands, or the exit status.
func (sh *shell) startPath(p string) int {
	abs := sh.abs(p)
	fi, err := sh.c.Stat(sh.ctx, abs)
	if err == nil && fi.IsDir() {
		sh.cwd = abs
		return -1
	}
	if !sh.quiet {
		fmt.Fprintf(sh.stdout, "Fetching %s to %s\n", abs, path.Base(abs))
	}
	if err := sh.cmdGet([]string{"get", abs}); err != nil {
		sh.report(err)
		return 1
	}
	return 0
}

func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// terminalWidth is the width ls fills: stdin's terminal's, as OpenSSH's
// sftp asks, or 80.
func terminalWidth(r io.Reader) int {
	if f, ok := r.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return 80
}

func isTerminalReader(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
