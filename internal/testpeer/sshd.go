package testpeer

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// sshdDirs are where distributions install sshd outside PATH.
var sshdDirs = []string{"/usr/sbin", "/usr/local/sbin", "/sbin"}

// SSHDOptions configures StartSSHD. The zero value starts a server that
// accepts publickey (no keys authorized yet), password and
// keyboard-interactive authentication.
type SSHDOptions struct {
	// HostKeyTypes selects the host keys, by algorithm name (see
	// HostKeyTypes, plus "ssh-dss"). Empty means all of HostKeyTypes.
	HostKeyTypes []string

	// AuthorizedKeys are the initial lines of the authorized keys file,
	// options included ("restrict,command=\"x\" ssh-ed25519 AAAA...").
	AuthorizedKeys []string

	// Config holds extra sshd_config lines, such as "KexAlgorithms
	// curve25519-sha256", "Ciphers aes128-ctr" or "RekeyLimit 1M". They
	// are written before the harness defaults and a default whose keyword
	// appears here is left out, so these lines override it (sshd keeps
	// the first value of a keyword). Lines from the first "Match" on are
	// written at the end. HostKey lines add to the generated host keys.
	// Do not set ListenAddress, Port or PidFile.
	Config []string
}

// SSHD is a running OpenSSH server started by StartSSHD. It is stopped,
// together with every session process it forked, when the test ends.
type SSHD struct {
	// Addr is "127.0.0.1:<port>", ready for net.Dial.
	Addr string
	// Port is the TCP port the server listens on.
	Port int
	// User is the account the tests run as; it may log in with publickey
	// once its key is authorized.
	User string
	// Dir is the server's private directory (config, keys, log).
	Dir string
	// ConfigPath is the generated sshd_config.
	ConfigPath string
	// AuthorizedKeysPath is the authorized keys file the server reads,
	// for every user, on each authentication attempt.
	AuthorizedKeysPath string
	// LogPath is the server's log file (LogLevel DEBUG3 by default).
	LogPath string
	// HostKeyFiles maps a host key algorithm name ("ssh-ed25519",
	// "ecdsa-sha2-nistp256", "ssh-rsa", ...) to its private key file.
	HostKeyFiles map[string]string
	// HostKeys maps the same names to the public key as "type base64".
	HostKeys map[string]string

	srv    *server
	mu     sync.Mutex // serialises AuthorizeKey
	keys   []string
	marker string // environment entry every session gets (server.marker)
}

// sessionMarker returns an environment entry unique to one server.
func sessionMarker(t testing.TB) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("testpeer: %v", err)
	}
	return "SSH2_TESTPEER_SESSION=" + hex.EncodeToString(b[:])
}

// StartSSHD starts OpenSSH sshd in the foreground on 127.0.0.1 with a
// private configuration and host keys in t.TempDir(), waits until it
// listens, and stops it when the test ends. If the test fails, the
// server log is printed.
//
// Running as root, sshd uses PAM (password and keyboard-interactive for
// local accounts such as TestUser need it on Debian) and creates /run/sshd,
// its privilege-separation directory, if missing. Otherwise PAM is off and
// only the current user can log in.
func StartSSHD(t testing.TB, opts SSHDOptions) *SSHD {
	t.Helper()
	bin := Require(t, "sshd", sshdDirs...)
	root := os.Geteuid() == 0
	if root {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatalf("testpeer: privilege-separation directory: %v", err)
		}
	}

	dir := t.TempDir()
	akDir := t.TempDir()
	s := &SSHD{
		User:               currentUser(t),
		Dir:                dir,
		ConfigPath:         filepath.Join(dir, "sshd_config"),
		AuthorizedKeysPath: filepath.Join(akDir, "authorized_keys"),
		LogPath:            filepath.Join(dir, "sshd.log"),
		HostKeyFiles:       map[string]string{},
		HostKeys:           map[string]string{},
		keys:               append([]string(nil), opts.AuthorizedKeys...),
		marker:             sessionMarker(t),
	}
	writeFile(t, s.AuthorizedKeysPath, lines(s.keys), 0o644)
	if root {
		// sshd reads the file with the privileges of the user logging in,
		// who must be able to reach it (StrictModes is off).
		for _, d := range []string{akDir, filepath.Dir(akDir)} {
			if err := os.Chmod(d, 0o711); err != nil {
				t.Fatalf("testpeer: %v", err)
			}
		}
	}

	types := opts.HostKeyTypes
	if len(types) == 0 {
		types = HostKeyTypes
	}
	for _, kt := range types {
		k := hostKeyPair(t, kt)
		p := filepath.Join(dir, "host_"+strings.ReplaceAll(kt, "-", "_"))
		writeFile(t, p, k.priv, 0o600)
		s.HostKeyFiles[kt] = p
		s.HostKeys[kt] = k.pub
	}

	for attempt := 0; ; attempt++ {
		s.Port = freePort(t)
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port))
		writeFile(t, s.ConfigPath, s.config(opts, types, root), 0o644)
		err := s.start(bin)
		if err == nil {
			break
		}
		if err != errAddrInUse || attempt == 4 {
			t.Fatalf("testpeer: sshd: %v\n%s", err, readTail(s.LogPath))
		}
	}
	t.Cleanup(s.srv.stop)
	s.srv.dumpLogOnFailure(t)
	return s
}

// start runs sshd on s.Port and waits until it listens.
func (s *SSHD) start(bin string) error {
	// Truncate the log of a failed previous attempt.
	writeFileErr := os.WriteFile(s.LogPath, nil, 0o644)
	if writeFileErr != nil {
		return writeFileErr
	}
	cmd := exec.Command(bin, "-D", "-e", "-f", s.ConfigPath)
	srv, err := startServer("sshd", cmd, s.LogPath)
	if err != nil {
		return err
	}
	srv.marker = s.marker
	want := fmt.Sprintf("Server listening on 127.0.0.1 port %d.", s.Port)
	err = srv.waitReady(func() bool {
		b, _ := os.ReadFile(s.LogPath)
		return strings.Contains(string(b), want)
	})
	if err != nil {
		srv.stop()
		if strings.Contains(srv.log(), "Address already in use") {
			return errAddrInUse
		}
		return err
	}
	s.srv = srv
	return nil
}

// config renders sshd_config: the caller's lines, then the defaults they
// did not override, then the caller's Match blocks.
func (s *SSHD) config(opts SSHDOptions, types []string, root bool) []byte {
	var head, tail []string
	set := map[string]bool{}
	for i, l := range opts.Config {
		kw := strings.ToLower(firstField(l))
		if kw == "match" {
			tail = opts.Config[i:]
			break
		}
		head = append(head, l)
		if kw != "" && kw != "hostkey" {
			set[kw] = true
		}
	}
	usePAM := "no"
	if root {
		usePAM = "yes"
	}
	defaults := []string{
		"AuthorizedKeysFile " + s.AuthorizedKeysPath,
		"PidFile none",
		"UsePAM " + usePAM,
		"PubkeyAuthentication yes",
		"PasswordAuthentication yes",
		"KbdInteractiveAuthentication yes",
		"PermitEmptyPasswords no",
		"StrictModes no",
		"PermitRootLogin yes",
		"Subsystem sftp internal-sftp",
		"LogLevel DEBUG3",
		"PrintMotd no",
		"PrintLastLog no",
		"UseDNS no",
		"X11Forwarding no",
		"AllowTcpForwarding yes",
		"AllowStreamLocalForwarding yes",
		"AllowAgentForwarding yes",
		"PermitTunnel no",
		"AcceptEnv LANG LC_* SSH2TEST_*",
		"MaxStartups 100:30:200",
		"MaxSessions 64",
		"LoginGraceTime 60",
		// Marks every session process so that stop finds it even after
		// it has been reparented (see server.marker).
		"SetEnv " + s.marker,
	}
	out := []string{
		"# Generated by internal/testpeer for one test.",
		"ListenAddress " + s.Addr,
	}
	out = append(out, head...)
	for _, kt := range types {
		out = append(out, "HostKey "+s.HostKeyFiles[kt])
	}
	for _, d := range defaults {
		if !set[strings.ToLower(firstField(d))] {
			out = append(out, d)
		}
	}
	out = append(out, tail...)
	return lines(out)
}

func firstField(l string) string {
	f := strings.Fields(l)
	if len(f) == 0 || strings.HasPrefix(f[0], "#") {
		return ""
	}
	// sshd_config also accepts "Keyword=value".
	kw, _, _ := strings.Cut(f[0], "=")
	return kw
}

// AuthorizeKey appends an authorized_keys line (options allowed); the
// server reads the file on every authentication attempt.
func (s *SSHD) AuthorizeKey(t testing.TB, line string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append(s.keys, line)
	writeFile(t, s.AuthorizedKeysPath, lines(s.keys), 0o644)
}

// PublicHostKeys returns the server's public host keys ("type base64"),
// for DBClientOptions.HostKeys and PlinkOptions.HostKeys.
func (s *SSHD) PublicHostKeys() []string { return orderedKeys(s.HostKeys) }

// KnownHosts returns known_hosts lines ("[127.0.0.1]:port type base64")
// for every host key of the server, for ClientOptions.KnownHosts.
func (s *SSHD) KnownHosts() []string {
	var out []string
	for _, pub := range s.PublicHostKeys() {
		out = append(out, fmt.Sprintf("[127.0.0.1]:%d %s", s.Port, pub))
	}
	return out
}

// Log returns the server's log so far (at most its last 64 KiB).
func (s *SSHD) Log() string { return readTail(s.LogPath) }

// Stop kills the server and its session processes now, for tests of a
// peer that disappears; the end of the test does it otherwise. Call it
// from the test's goroutine only.
func (s *SSHD) Stop() { s.srv.stop() }
