package main

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/ssh2go/ssh2/keys"
)

// Default extensions of user certificates, as ssh-keygen grants them.
var defaultUserExtensions = []string{
	"permit-X11-forwarding", "permit-agent-forwarding", "permit-port-forwarding", "permit-pty", "permit-user-rc",
}

// timeNow is replaceable by tests.
var timeNow = time.Now

// signCerts implements -s: certify each public key file argument.
func (c *cmd) signCerts() error {
	id, ok := c.opts['I']
	if !ok {
		return fatalf("Must specify key id (-I) when certifying")
	}
	if len(c.args) == 0 {
		return fatalf("Too few arguments.")
	}
	var from, to uint64 = 0, keys.CertTimeInfinity
	if v, ok := c.opts['V']; ok {
		var err error
		if from, to, err = parseValidity(v, timeNow()); err != nil {
			return err
		}
	}
	var serial uint64
	if z, ok := c.opts['z']; ok {
		n, err := strconv.ParseUint(z, 10, 64)
		if err != nil {
			return fatalf("Invalid serial number \"%s\"", z)
		}
		serial = n
	}
	certType := uint32(keys.UserCert)
	if c.flags['h'] {
		certType = keys.HostCert
	}
	crit, ext := map[string]string{}, map[string]string{}
	if certType == keys.UserCert {
		for _, e := range defaultUserExtensions {
			ext[e] = ""
		}
	}
	for _, o := range c.multi['O'] {
		if err := applyCertOption(o, crit, ext); err != nil {
			return err
		}
	}
	var principals []string
	if n, ok := c.opts['n']; ok {
		principals = strings.Split(n, ",")
	}
	ca, _, err := c.loadSigner(c.opts['s'], 'P', "Enter passphrase: ")
	if err != nil {
		return err
	}
	for _, path := range c.args {
		data, err := readKeyFile(path)
		if err != nil {
			return fatalf("load pubkey %q: %v", path, err)
		}
		pub, comment, _, _, err := keys.ParseAuthorizedKey(data)
		if err != nil {
			return fatalf("load pubkey %q: invalid format", path)
		}
		cert := &keys.Certificate{
			Key: pub, Serial: serial, CertType: certType, KeyID: id, ValidPrincipals: principals,
			ValidAfter: from, ValidBefore: to, CriticalOptions: crit, Extensions: ext,
		}
		if err := keys.SignCertificate(ca, cert); err != nil {
			return fatalf("Couldn't certify key %s: %v", path, err)
		}
		out := strings.TrimSuffix(path, ".pub") + "-cert.pub"
		line := strings.TrimSuffix(string(keys.MarshalAuthorizedKey(cert)), "\n")
		if comment != "" {
			line += " " + comment
		}
		if err := writeFile(out, []byte(line+"\n"), 0o644); err != nil {
			return err
		}
		if !c.flags['q'] {
			kind := "user"
			if certType == keys.HostCert {
				kind = "host"
			}
			forP := ""
			if len(principals) > 0 {
				forP = " for " + strings.Join(principals, ",")
			}
			fmt.Fprintf(c.stderr, "Signed %s key %s: id %q serial %d%s valid %s\r\n", kind, out, id, serial, forP, formatValidity(from, to))
		}
	}
	return nil
}

// (ssh-keygen logs through OpenSSH's log.c, which ends lines with CR LF.)

// applyCertOption applies one -O option to the option maps.
func applyCertOption(o string, crit, ext map[string]string) error {
	name, val, hasVal := strings.Cut(o, "=")
	lname := strings.ToLower(name)
	switch {
	case lname == "clear" && !hasVal:
		clear(crit)
		clear(ext)
	case strings.HasPrefix(lname, "no-") && !hasVal:
		for k := range ext {
			if strings.EqualFold(k, "permit-"+lname[3:]) {
				delete(ext, k)
			}
		}
		if lname == "no-touch-required" {
			ext["no-touch-required"] = ""
		}
	case strings.HasPrefix(lname, "permit-") && !hasVal:
		for _, e := range defaultUserExtensions {
			if strings.EqualFold(e, lname) {
				ext[e] = ""
				return nil
			}
		}
		return fatalf("Unsupported certificate option \"%s\"", o)
	case lname == "force-command" && hasVal:
		crit["force-command"] = val
	case lname == "source-address" && hasVal:
		for _, a := range strings.Split(val, ",") {
			if _, err := netip.ParsePrefix(a); err != nil {
				if _, err := netip.ParseAddr(a); err != nil {
					return fatalf("Invalid source-address list")
				}
			}
		}
		crit["source-address"] = val
	case lname == "verify-required" && !hasVal:
		crit["verify-required"] = ""
	case strings.HasPrefix(lname, "extension:"):
		ext[name[len("extension:"):]] = val
	case strings.HasPrefix(lname, "critical:"):
		crit[name[len("critical:"):]] = val
	default:
		return fatalf("Unsupported certificate option \"%s\"", o)
	}
	return nil
}

// parseValidity parses a -V interval as ssh-keygen does: "+time" (from
// one minute ago, rounded down to the minute, to now+time) or
// "from:to", each a relative [+-]time, an absolute YYYYMMDD[HHMM[SS]]
// (local time, or UTC with a trailing Z), "always" (from) or "forever"
// (to).
func parseValidity(spec string, now time.Time) (from, to uint64, err error) {
	t := now.Unix()
	if strings.HasPrefix(spec, "+") && !strings.Contains(spec, ":") {
		secs, ok := convtime(spec[1:])
		if !ok {
			return 0, 0, fatalf("Invalid relative certificate life %s", spec)
		}
		return uint64((t - 59) / 60 * 60), uint64(t + secs), nil
	}
	fs, ts, ok := strings.Cut(spec, ":")
	if !ok || fs == "" || ts == "" {
		return 0, 0, fatalf("Invalid certificate life specification %s", spec)
	}
	if fs == "always" {
		from = 0
	} else if from, ok = parseTimeSpec(fs, t); !ok {
		return 0, 0, fatalf("Invalid from time \"%s\"", fs)
	}
	if ts == "forever" {
		to = keys.CertTimeInfinity
	} else if to, ok = parseTimeSpec(ts, t); !ok {
		return 0, 0, fatalf("Invalid to time \"%s\"", ts)
	}
	if to <= from {
		return 0, 0, fatalf("Empty certificate validity interval")
	}
	return from, to, nil
}

func parseTimeSpec(s string, now int64) (uint64, bool) {
	if s[0] == '+' || s[0] == '-' {
		secs, ok := convtime(s[1:])
		if !ok {
			return 0, false
		}
		if s[0] == '-' {
			secs = -secs
		}
		if now+secs < 0 {
			return 0, true
		}
		return uint64(now + secs), true
	}
	loc := time.Local
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		s, loc = s[:len(s)-1], time.UTC
	}
	var layout string
	switch len(s) {
	case 8:
		layout = "20060102"
	case 12:
		layout = "200601021504"
	case 14:
		layout = "20060102150405"
	default:
		return 0, false
	}
	tm, err := time.ParseInLocation(layout, s, loc)
	if err != nil || tm.Unix() < 0 {
		return 0, false
	}
	return uint64(tm.Unix()), true
}

// convtime parses an OpenSSH time interval: numbers each optionally
// followed by s, m, h, d or w (either case); a bare number is seconds.
func convtime(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var total int64
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil {
			return 0, false
		}
		mult := int64(1)
		if i < len(s) {
			switch s[i] {
			case 's', 'S':
			case 'm', 'M':
				mult = 60
			case 'h', 'H':
				mult = 3600
			case 'd', 'D':
				mult = 86400
			case 'w', 'W':
				mult = 7 * 86400
			default:
				return 0, false
			}
			i++
		}
		if n > math.MaxInt64/mult || total > math.MaxInt64-n*mult {
			return 0, false
		}
		total += n * mult
		s = s[i:]
	}
	return total, true
}

// formatValidity renders a validity window as ssh-keygen does.
func formatValidity(from, to uint64) string {
	f := func(v uint64) string {
		if v > math.MaxInt64 {
			v = math.MaxInt64
		}
		return time.Unix(int64(v), 0).Local().Format("2006-01-02T15:04:05")
	}
	switch {
	case from == 0 && to == keys.CertTimeInfinity:
		return "forever"
	case from == 0:
		return "before " + f(to)
	case to == keys.CertTimeInfinity:
		return "after " + f(from)
	}
	return "from " + f(from) + " to " + f(to)
}
