package main

import (
	"fmt"
	"strings"

	"github.com/ssh2go/ssh2/internal/sshcli"
)

// options are the resolved settings of one connection: the shared ones
// and those of ssh2's session.
type options struct {
	*sshcli.Options
	tty       int // -1 never, 0 auto, 1 yes, 2 force
	noCommand bool
	nullStdin bool
	command   string
	sendEnv   []string
}

func resolve(cl *cmdline) (*options, error) {
	so, err := sshcli.Resolve(sshcli.CommandLine{
		Settings: cl.settings, Host: cl.host, Port: cl.port,
		ConfigFile: cl.configFile, Verbose: cl.verbose, Quiet: cl.quiet,
	})
	if err != nil {
		return nil, err
	}
	o := &options{Options: so, noCommand: cl.noCommand, nullStdin: cl.nullStdin}
	s := cl.settings
	o.tty = cl.tty
	if o.tty > 2 {
		o.tty = 2
	}
	if o.tty == 0 {
		v := s.Get("requesttty")
		if v == "" {
			v = "auto"
		}
		switch v := strings.ToLower(v); v {
		case "auto":
		case "no":
			o.tty = -1
		case "yes":
			o.tty = 1
		case "force":
			o.tty = 2
		default:
			return nil, fmt.Errorf("unsupported RequestTTY %q", v)
		}
	}
	o.command = strings.Join(cl.command, " ")
	o.sendEnv = s.Args("sendenv")
	return o, nil
}
