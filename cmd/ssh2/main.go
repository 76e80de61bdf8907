// Command ssh2 is an SSH client whose command line is a compatible subset
// of OpenSSH's ssh:
//
//	ssh2 [-p port] [-l user] [-i identity]... [-F configfile] [-o Option=value]...
//	     [-t|-tt|-T] [-v] [-q] [-N] [-n] [user@]host [command...]
//
// It reads ~/.ssh/config (or the -F file; "-F none" reads none) and
// /etc/ssh/ssh_config, verifies and records host keys in known_hosts,
// authenticates with keys, passwords and keyboard-interactive prompts
// (on the terminal or through SSH_ASKPASS), runs the command or a shell,
// and exits with the remote command's exit status, or 255 when the
// connection or authentication fails or no exit status was received
// (for example when the remote command was killed by a signal).
package main

import (
	"fmt"
	"io"
	"os"
)

// exitFailure is ssh's status for its own errors.
const exitFailure = 255

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cl, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "ssh2: %v\n", err)
		fmt.Fprint(stderr, usage)
		return exitFailure
	}
	if cl.version {
		fmt.Fprintln(stderr, "ssh2 (github.com/ssh2go/ssh2)")
		return 0
	}
	opts, err := resolve(cl)
	if err != nil {
		fmt.Fprintf(stderr, "ssh2: %v\n", err)
		return exitFailure
	}
	return connectAndRun(opts, stdin, stdout, stderr)
}

const usage = `usage: ssh2 [-NnqTtVv] [-F configfile] [-i identity_file] [-l login_name]
            [-o option] [-p port] [user@]host [command ...]
`
