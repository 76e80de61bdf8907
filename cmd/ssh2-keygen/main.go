// Command ssh2-keygen is a compatible subset of OpenSSH's ssh-keygen,
// built on package keys. The flags it shares with ssh-keygen keep their
// meaning, output and exit status:
//
//	ssh2-keygen [-q] [-a rounds] [-b bits] [-C comment] [-f file] [-N passphrase] [-t type]
//	ssh2-keygen -l [-v] [-E sha256|md5] [-P passphrase] -f file
//	ssh2-keygen -y [-P passphrase] -f file
//	ssh2-keygen -p [-a rounds] [-f file] [-P old] [-N new]
//	ssh2-keygen -i [-m RFC4716|PKCS8|PEM] -f file
//	ssh2-keygen -e [-m RFC4716|PKCS8|PEM|PPK] [-P passphrase] [-N passphrase] -f file
//	ssh2-keygen -s ca_key -I id [-h] [-n principals] [-V validity] [-z serial] [-O option] file ...
//	ssh2-keygen -Y sign -f key -n namespace [-O hashalg=sha256|sha512] [file ...]
//	ssh2-keygen -Y verify -f allowed_signers -I identity -n namespace -s sigfile < file
//
// "-e -m PPK" (write a PuTTY key file to standard output) is an extension,
// as is -P with -l, which decrypts encrypted PEM and PKCS #8 files (they
// carry no public key in clear) to print their fingerprint.
// Every key file format package keys reads (OpenSSH, PEM, PKCS #8, PuTTY
// PPK, RFC 4716, PKIX) is accepted by -l and -y. Errors exit with status
// 255, as ssh-keygen's do.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// exitFailure is ssh-keygen's status for fatal errors.
const exitFailure = 255

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// cmd holds the parsed command line and the standard streams.
type cmd struct {
	flags  map[byte]bool
	opts   map[byte]string
	multi  map[byte][]string // repeatable options (-O)
	args   []string
	stdin  *bufio.Reader
	stdinF io.Reader
	stdout io.Writer
	stderr io.Writer
}

// fatalError carries a message ssh-keygen would print before exiting
// with status 255 (or code).
type fatalError struct {
	msg  string
	code int
}

func (e *fatalError) Error() string { return e.msg }

func fatalf(format string, a ...any) error {
	return &fatalError{msg: fmt.Sprintf(format, a...), code: exitFailure}
}

// Options taking an argument, and flags, in getopt terms.
const (
	argOpts  = "abCEfImNnOPsVtYz"
	flagOpts = "ehilLpqvy"
)

const usage = `usage: ssh2-keygen [-q] [-a rounds] [-b bits] [-C comment] [-f output_keyfile]
                   [-N new_passphrase] [-t ecdsa | ed25519 | rsa]
       ssh2-keygen -l [-v] [-E fingerprint_hash] [-P passphrase] [-f input_keyfile]
       ssh2-keygen -y [-P passphrase] [-f input_keyfile]
       ssh2-keygen -p [-a rounds] [-f keyfile] [-N new_passphrase] [-P old_passphrase]
       ssh2-keygen -i [-m key_format] [-f input_keyfile]
       ssh2-keygen -e [-m key_format] [-f input_keyfile]
       ssh2-keygen -s ca_key -I certificate_identity [-h] [-n principals]
                   [-O option] [-V validity_interval] [-z serial_number] file ...
       ssh2-keygen -Y sign -f key_file -n namespace file ...
       ssh2-keygen -Y verify -f allowed_signers_file -I signer_identity
                   -n namespace -s signature_file
`

// parseArgs splits args getopt-style: clustered flags ("-lv"), option
// arguments attached ("-fFILE") or separate, "--" ending options.
func parseArgs(args []string) (*cmd, error) {
	c := &cmd{flags: map[byte]bool{}, opts: map[byte]string{}, multi: map[byte][]string{}}
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		for j := 1; j < len(a); j++ {
			o := a[j]
			switch {
			case strings.IndexByte(flagOpts, o) >= 0:
				c.flags[o] = true
			case strings.IndexByte(argOpts, o) >= 0:
				var v string
				if j+1 < len(a) {
					v = a[j+1:]
				} else if i+1 < len(args) {
					i++
					v = args[i]
				} else {
					return nil, fmt.Errorf("option requires an argument -- %c", o)
				}
				c.opts[o] = v
				c.multi[o] = append(c.multi[o], v)
				j = len(a)
			default:
				return nil, fmt.Errorf("unknown option -- %c", o)
			}
		}
	}
	c.args = args[i:]
	return c, nil
}

func (c *cmd) has(o byte) bool { _, ok := c.opts[o]; return ok }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "ssh2-keygen: %v\n%s", err, usage)
		return 1
	}
	c.stdinF, c.stdin, c.stdout, c.stderr = stdin, bufio.NewReader(stdin), stdout, stderr
	err = c.dispatch()
	if err == nil {
		return 0
	}
	if fe, ok := err.(*fatalError); ok {
		if fe.msg != "" {
			fmt.Fprintln(stderr, fe.msg)
		}
		return fe.code
	}
	fmt.Fprintln(stderr, err)
	return exitFailure
}

func (c *cmd) dispatch() error {
	switch {
	case c.has('Y'):
		return c.sshsig()
	case c.has('s'):
		return c.signCerts()
	case c.flags['l']:
		return c.fingerprint()
	case c.flags['y']:
		return c.printPublic()
	case c.flags['p']:
		return c.changePassphrase()
	case c.flags['i']:
		return c.importKey()
	case c.flags['e']:
		return c.exportKey()
	case c.flags['L']:
		return fatalf("ssh2-keygen: -L is not supported; use ssh-keygen -L")
	}
	return c.generate()
}
