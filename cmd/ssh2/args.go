package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/ssh2go/ssh2/internal/sshconfig"
)

// cmdline is what the command line says, before configuration files.
type cmdline struct {
	settings   *sshconfig.Settings // -o, -l, -i, user@ in order given
	port       int                 // -p, or the ssh:// URL's port; 0 if none
	host       string
	configFile string // -F; "" means the default files
	tty        int    // count of -t; -1 for -T
	verbose    int
	quiet      bool
	noCommand  bool // -N
	nullStdin  bool // -n
	version    bool
	command    []string
}

// parseArgs reads ssh's command line. Options may follow the destination
// up to the first non-option argument, which starts the command; "--"
// ends the options.
func parseArgs(args []string) (*cmdline, error) {
	cl := &cmdline{settings: sshconfig.NewSettings()}
	terminated := false
	for len(args) > 0 {
		a := args[0]
		if terminated || a == "-" || !strings.HasPrefix(a, "-") {
			if cl.host != "" {
				cl.command = args
				break
			}
			if err := cl.destination(a); err != nil {
				return nil, err
			}
			args = args[1:]
			continue
		}
		args = args[1:]
		if a == "--" {
			terminated = true
			continue
		}
		for i := 1; i < len(a); i++ {
			c := a[i]
			if strings.IndexByte("plioFEBbcDeJLmOQRSWw", c) >= 0 {
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
				break
			}
			switch c {
			case 't':
				if cl.tty >= 0 {
					cl.tty++
				}
			case 'T':
				cl.tty = -1
			case 'v':
				cl.verbose++
			case 'q':
				cl.quiet = true
			case 'N':
				cl.noCommand = true
			case 'n':
				cl.nullStdin = true
			case 'V':
				cl.version = true
			case '4', '6', 'A', 'a', 'C', 'f', 'G', 'g', 'K', 'k', 'M', 's', 'X', 'x', 'Y', 'y':
				return nil, fmt.Errorf("option -%c is not supported", c)
			default:
				return nil, fmt.Errorf("unknown option -- %c", c)
			}
		}
	}
	if cl.version {
		return cl, nil
	}
	if cl.host == "" {
		return nil, fmt.Errorf("no destination given")
	}
	return cl, nil
}

func (cl *cmdline) flagWithValue(c byte, val string) error {
	switch c {
	case 'p':
		p, err := strconv.Atoi(val)
		if err != nil || p <= 0 || p > 65535 {
			return fmt.Errorf("bad port '%s'", val)
		}
		cl.port = p
	case 'l':
		return cl.settings.ApplyOption("User " + quote(val))
	case 'i':
		cl.settings.AddIdentityFile(val)
	case 'o':
		if err := cl.settings.ApplyOption(val); err != nil {
			return fmt.Errorf("-o %s: %w", val, err)
		}
	case 'F':
		cl.configFile = val
	default:
		return fmt.Errorf("option -%c is not supported", c)
	}
	return nil
}

// destination parses [user@]host or ssh://[user@]host[:port].
func (cl *cmdline) destination(d string) error {
	if strings.HasPrefix(d, "ssh://") {
		u, err := url.Parse(d)
		if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return fmt.Errorf("invalid URI %q", d)
		}
		if u.User != nil && u.User.Username() != "" {
			if err := cl.settings.ApplyOption("User " + quote(u.User.Username())); err != nil {
				return err
			}
		}
		if p := u.Port(); p != "" && cl.port == 0 {
			n, err := strconv.Atoi(p)
			if err != nil || n <= 0 || n > 65535 {
				return fmt.Errorf("bad port in %q", d)
			}
			cl.port = n
		}
		cl.host = u.Hostname()
		return nil
	}
	if i := strings.LastIndexByte(d, '@'); i >= 0 {
		if i == 0 {
			return fmt.Errorf("invalid destination %q", d)
		}
		if err := cl.settings.ApplyOption("User " + quote(d[:i])); err != nil {
			return err
		}
		d = d[i+1:]
	}
	if d == "" || strings.ContainsAny(d, " \t\r\n'\"\\") {
		return fmt.Errorf("invalid hostname %q", d)
	}
	cl.host = d
	return nil
}

// quote makes val one argument for ApplyOption.
func quote(val string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(val) + `"`
}
