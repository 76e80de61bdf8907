package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ssh2go/ssh2/internal/sshconfig"
)

// cmdline is what the command line says, before configuration files.
type cmdline struct {
	settings   *sshconfig.Settings // -o, -i, user@ in order given
	port       int                 // -P; 0 if none
	host       string
	path       string // :path of the destination, "" if none
	configFile string // -F; "" means the default files
	batchFile  string // -b; "-" is stdin
	verbose    int
	quiet      bool
}

// parseArgs reads sftp's command line:
//
//	[-P port] [-i identity] [-F config] [-o option]... [-b batchfile] [-q] [-v] destination
func parseArgs(args []string) (*cmdline, error) {
	cl := &cmdline{settings: sshconfig.NewSettings()}
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			args = args[1:]
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			break
		}
		args = args[1:]
	flags:
		for i := 1; i < len(a); i++ {
			c := a[i]
			switch c {
			case 'P', 'i', 'F', 'o', 'b':
				val := a[i+1:]
				if val == "" {
					if len(args) == 0 {
						return nil, fmt.Errorf("option requires an argument -- %c", c)
					}
					val, args = args[0], args[1:]
				}
				if err := cl.flagWithValue(c, val); err != nil {
					return nil, err
				}
				break flags
			case 'v':
				cl.verbose++
			case 'q':
				cl.quiet = true
			case '4', '6', 'A', 'a', 'B', 'C', 'c', 'D', 'f', 'J', 'l', 'N', 'p', 'R', 'r', 'S', 's', 'X':
				return nil, fmt.Errorf("option -%c is not supported", c)
			default:
				return nil, fmt.Errorf("unknown option -- %c", c)
			}
		}
	}
	if len(args) != 1 {
		return nil, fmt.Errorf("expected exactly one destination")
	}
	if err := cl.destination(args[0]); err != nil {
		return nil, err
	}
	if cl.batchFile != "" {
		// As OpenSSH's sftp: batch mode never prompts.
		if err := cl.settings.ApplyOption("BatchMode yes"); err != nil {
			return nil, err
		}
	}
	return cl, nil
}

func (cl *cmdline) flagWithValue(c byte, val string) error {
	switch c {
	case 'P':
		p, err := strconv.Atoi(val)
		if err != nil || p <= 0 || p > 65535 {
			return fmt.Errorf("bad port '%s'", val)
		}
		cl.port = p
	case 'i':
		cl.settings.AddIdentityFile(val)
	case 'o':
		if err := cl.settings.ApplyOption(val); err != nil {
			return fmt.Errorf("-o %s: %w", val, err)
		}
	case 'F':
		cl.configFile = val
	case 'b':
		cl.batchFile = val
	}
	return nil
}

// destination parses [user@]host[:path]; an IPv6 host is written in
// brackets ([::1]:path).
func (cl *cmdline) destination(d string) error {
	if i := strings.LastIndexByte(d, '@'); i >= 0 {
		if i == 0 {
			return fmt.Errorf("invalid destination %q", d)
		}
		if err := cl.settings.ApplyOption("User " + quote(d[:i])); err != nil {
			return err
		}
		d = d[i+1:]
	}
	host := d
	if strings.HasPrefix(d, "[") {
		end := strings.IndexByte(d, ']')
		if end < 0 {
			return fmt.Errorf("invalid destination %q", d)
		}
		host, d = d[1:end], d[end+1:]
		if d != "" {
			if d[0] != ':' {
				return fmt.Errorf("invalid destination %q", d)
			}
			cl.path = d[1:]
		}
	} else if i := strings.IndexByte(d, ':'); i >= 0 {
		host, cl.path = d[:i], d[i+1:]
	}
	if host == "" || strings.ContainsAny(host, " \t\r\n'\"\\") {
		return fmt.Errorf("invalid hostname %q", host)
	}
	cl.host = host
	return nil
}

// quote makes val one argument for ApplyOption.
func quote(val string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(val) + `"`
}
