package sshcli

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/terminal"
	"github.com/ssh2go/ssh2/keys"
	"github.com/ssh2go/ssh2/knownhosts"
)

// errHostKeyVerification is returned by the host key callback after the
// reason has been printed; the connection fails with status 255.
var errHostKeyVerification = errors.New("host key verification failed")

// hostKeyChecker applies StrictHostKeyChecking to the known_hosts files.
type hostKeyChecker struct {
	o      *Options
	db     *knownhosts.DB
	name   string // normalized known_hosts name of the host
	stderr io.Writer
	ask    *terminal.Prompter
	// changed is set when the key did not match but StrictHostKeyChecking
	// =no let the connection go on; password authentication is then off.
	changed bool
}

func newHostKeyChecker(o *Options, stderr io.Writer, ask *terminal.Prompter) (*hostKeyChecker, error) {
	db, err := knownhosts.Load(o.KnownHostsFiles...)
	if err != nil {
		return nil, err
	}
	return &hostKeyChecker{
		o: o, db: db, stderr: stderr, ask: ask,
		name: knownhosts.JoinHostPort(o.HostName, o.Port),
	}, nil
}

// keyTypeName is how ssh names key types in messages ("ED25519").
func keyTypeName(k keys.PublicKey) string {
	switch t := k.Type(); {
	case t == keys.TypeED25519:
		return "ED25519"
	case strings.HasPrefix(t, "ecdsa-"):
		return "ECDSA"
	case t == keys.TypeRSA:
		return "RSA"
	case t == keys.TypeDSA:
		return "DSA"
	default:
		return strings.ToUpper(t)
	}
}

func (h *hostKeyChecker) info(format string, args ...any) {
	if h.o.ShowsInfo() {
		fmt.Fprintf(h.stderr, format+"\r\n", args...)
	}
}

// check is the ssh2.HostKeyCallback.
func (h *hostKeyChecker) check(_ string, _ net.Addr, key ssh2.PublicKey) error {
	err := h.db.Check(h.name, key)
	if err == nil {
		return nil
	}
	var re *knownhosts.RevokedError
	if errors.As(err, &re) {
		fmt.Fprintf(h.stderr, "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n"+
			"@       WARNING: REVOKED HOST KEY DETECTED!               @\r\n"+
			"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n"+
			"The %s host key for %s is marked as revoked (%s:%d).\r\n"+
			"This could mean that a stolen key is being used to impersonate this host.\r\n",
			keyTypeName(key), h.name, re.Revoked.Filename, re.Revoked.Line)
		return errHostKeyVerification
	}
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) {
		return err
	}
	fp := keys.FingerprintSHA256(key)
	if len(ke.Want) > 0 {
		return h.changedKey(key, fp, ke)
	}
	switch h.o.StrictHostKeyChecking {
	case "yes":
		fmt.Fprintf(h.stderr, "No %s host key is known for %s and you have requested strict checking.\r\n", keyTypeName(key), h.name)
		return errHostKeyVerification
	case "ask":
		if h.o.BatchMode {
			fmt.Fprintf(h.stderr, "No %s host key is known for %s and BatchMode is on.\r\n", keyTypeName(key), h.name)
			return errHostKeyVerification
		}
		prompt := fmt.Sprintf("The authenticity of host '%s' can't be established.\n%s key fingerprint is %s.\n"+
			"This key is not known by any other names.\n"+
			"Are you sure you want to continue connecting (yes/no/[fingerprint])? ", h.name, keyTypeName(key), fp)
		for try := 0; ; try++ {
			if try == 5 {
				return errHostKeyVerification
			}
			ans, err := h.ask.Confirm(prompt)
			if err != nil {
				return errHostKeyVerification
			}
			ans = strings.TrimSpace(ans)
			if strings.EqualFold(ans, "yes") || ans == fp {
				break
			}
			if strings.EqualFold(ans, "no") || ans == "" {
				return errHostKeyVerification
			}
			prompt = "Please type 'yes', 'no' or the fingerprint: "
		}
	}
	// accept-new, no, or confirmed: remember the key.
	if h.o.UserKnownHostsFiles == 0 {
		return nil
	}
	file := h.o.KnownHostsFiles[0]
	if err := knownhosts.Append(file, []string{h.name}, key, h.o.HashKnownHosts); err != nil {
		fmt.Fprintf(h.stderr, "Failed to add the host to the list of known hosts (%s): %v\r\n", file, err)
		return nil
	}
	h.info("Warning: Permanently added '%s' (%s) to the list of known hosts.", h.name, keyTypeName(key))
	return nil
}

// changedKey reports a key that differs from the known ones. Only
// StrictHostKeyChecking=no goes on, with password authentication off,
// as OpenSSH does.
func (h *hostKeyChecker) changedKey(key keys.PublicKey, fp string, ke *knownhosts.KeyError) error {
	var b strings.Builder
	b.WriteString("@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n" +
		"@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n" +
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n" +
		"IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\r\n" +
		"The host may be impersonated (a man-in-the-middle attack), or its key may have been replaced.\r\n")
	fmt.Fprintf(&b, "The %s key sent by the remote host has fingerprint\r\n%s.\r\n", keyTypeName(key), fp)
	fmt.Fprintf(&b, "Check with the host's administrator, then correct %s.\r\n", ke.Want[0].Filename)
	for _, w := range ke.Want {
		fmt.Fprintf(&b, "Offending %s key in %s:%d\r\n", keyTypeName(w.Key), w.Filename, w.Line)
	}
	if h.o.StrictHostKeyChecking == "no" {
		b.WriteString("Password and keyboard-interactive authentication are disabled to avoid man-in-the-middle attacks.\r\n")
		io.WriteString(h.stderr, b.String())
		h.changed = true
		return nil
	}
	fmt.Fprintf(&b, "Host key for %s has changed and you have requested strict checking.\r\n", h.name)
	io.WriteString(h.stderr, b.String())
	return errHostKeyVerification
}
