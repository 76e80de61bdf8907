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

// hostKeyChecker applies StrictHostKeyChecking to the known_hosts files
// through a knownhosts.Checker, and prints what ssh prints.
type hostKeyChecker struct {
	o      *Options
	db     *knownhosts.DB
	kh     *knownhosts.Checker
	name   string // normalized known_hosts name of the host
	stderr io.Writer
	ask    *terminal.Prompter
	// changed is set when the key did not match but StrictHostKeyChecking
	// =no let the connection go on; password authentication is then off.
	changed bool
}

func newHostKeyChecker(o *Options, stderr io.Writer, ask *terminal.Prompter) (*hostKeyChecker, error) {
	mode, err := knownhosts.ParseStrictMode(o.StrictHostKeyChecking)
	if err != nil {
		return nil, err
	}
	db, err := knownhosts.Load(o.KnownHostsFiles...)
	if err != nil {
		return nil, err
	}
	h := &hostKeyChecker{
		o: o, db: db, stderr: stderr, ask: ask,
		name: knownhosts.JoinHostPort(o.HostName, o.Port),
	}
	h.kh = &knownhosts.Checker{DB: db, Mode: mode, Hash: o.HashKnownHosts, Confirm: h.confirm}
	if o.UserKnownHostsFiles > 0 {
		h.kh.File = o.KnownHostsFiles[0]
	}
	return h, nil
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
	v, err := h.kh.Check(h.name, key)
	if err == nil {
		switch {
		case v.Changed != nil:
			h.changedKey(v.Changed)
			h.changed = true
		case v.AppendErr != nil:
			fmt.Fprintf(h.stderr, "Failed to add the host to the list of known hosts (%s): %v\r\n", h.kh.File, v.AppendErr)
		case v.Recorded:
			h.info("Warning: Permanently added '%s' (%s) to the list of known hosts.", h.name, keyTypeName(key))
		}
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
	if len(ke.Want) > 0 {
		h.changedKey(ke)
		fmt.Fprintf(h.stderr, "Host key for %s has changed and you have requested strict checking.\r\n", h.name)
		return errHostKeyVerification
	}
	if h.o.StrictHostKeyChecking == "yes" {
		fmt.Fprintf(h.stderr, "No %s host key is known for %s and you have requested strict checking.\r\n", keyTypeName(key), h.name)
	}
	// Under ask, confirm has said why.
	return errHostKeyVerification
}

// confirm asks whether to trust the key of an unknown host, as
// StrictHostKeyChecking=ask does; the answer may be the fingerprint.
func (h *hostKeyChecker) confirm(host string, key keys.PublicKey) (bool, error) {
	if h.o.BatchMode {
		fmt.Fprintf(h.stderr, "No %s host key is known for %s and BatchMode is on.\r\n", keyTypeName(key), host)
		return false, nil
	}
	fp := keys.FingerprintSHA256(key)
	prompt := fmt.Sprintf("The authenticity of host '%s' can't be established.\n%s key fingerprint is %s.\n"+
		"This key is not known by any other names.\n"+
		"Are you sure you want to continue connecting (yes/no/[fingerprint])? ", host, keyTypeName(key), fp)
	for try := 0; try < 5; try++ {
		ans, err := h.ask.Confirm(prompt)
		if err != nil {
			return false, nil
		}
		ans = strings.TrimSpace(ans)
		if strings.EqualFold(ans, "yes") || ans == fp {
			return true, nil
		}
		if strings.EqualFold(ans, "no") || ans == "" {
			return false, nil
		}
		prompt = "Please type 'yes', 'no' or the fingerprint: "
	}
	return false, nil
}

// changedKey prints ssh's warning about a key that differs from the
// known ones. Only StrictHostKeyChecking=no goes on after it, with
// password authentication off, as OpenSSH does.
func (h *hostKeyChecker) changedKey(ke *knownhosts.KeyError) {
	var b strings.Builder
	b.WriteString("@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n" +
		"@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n" +
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n" +
		"IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\r\n" +
		"The host may be impersonated (a man-in-the-middle attack), or its key may have been replaced.\r\n")
	fmt.Fprintf(&b, "The %s key sent by the remote host has fingerprint\r\n%s.\r\n", keyTypeName(ke.Key), ke.Fingerprint)
	fmt.Fprintf(&b, "Check with the host's administrator, then correct %s.\r\n", ke.Want[0].Filename)
	for _, w := range ke.Want {
		fmt.Fprintf(&b, "Offending %s key in %s:%d\r\n", keyTypeName(w.Key), w.Filename, w.Line)
	}
	if h.o.StrictHostKeyChecking == "no" {
		b.WriteString("Password and keyboard-interactive authentication are disabled to avoid man-in-the-middle attacks.\r\n")
	}
	io.WriteString(h.stderr, b.String())
}
