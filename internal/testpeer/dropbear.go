package testpeer

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// DropbearOptions configures StartDropbear.
type DropbearOptions struct {
	// HostKeyTypes selects the host keys by algorithm name; empty means
	// DropbearHostKeyTypes.
	HostKeyTypes []string
	// Args are extra dropbear flags, e.g. "-s" (no password logins),
	// "-W", "1048576" (receive window) or "-T", "3" (auth tries).
	Args []string
}

// DropbearHostKeyTypes lists the host key types StartDropbear uses by
// default.
var DropbearHostKeyTypes = []string{"ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"}

// Dropbear is a running dropbear server started by StartDropbear.
//
// Dropbear reads authorized keys only from ~user/.ssh/authorized_keys,
// which the tests must not touch, so it is good for password
// authentication (RequireTestAccount) and algorithm negotiation, not for
// publickey logins.
type Dropbear struct {
	// Addr is "127.0.0.1:<port>".
	Addr string
	// Port is the TCP port the server listens on.
	Port int
	// Dir is the server's private directory (keys, pid file, log).
	Dir string
	// LogPath is the server's log file.
	LogPath string
	// HostKeyFiles maps a host key algorithm name to the key file, in
	// dropbear's own format.
	HostKeyFiles map[string]string
	// HostKeys maps the same names to the public key as "type base64".
	HostKeys map[string]string

	srv     *server
	pidPath string
}

// StartDropbear starts dropbear in the foreground on 127.0.0.1 with host
// keys in t.TempDir(), waits until it listens, and stops it (and its
// session processes) when the test ends, printing its log if the test
// failed. Logging in with a password requires root (see
// RequireTestAccount).
func StartDropbear(t testing.TB, opts DropbearOptions) *Dropbear {
	t.Helper()
	bin := Require(t, "dropbear", sshdDirs...)
	conv := Require(t, "dropbearconvert", "/usr/lib/dropbear")
	dir := t.TempDir()
	d := &Dropbear{
		Dir:          dir,
		LogPath:      filepath.Join(dir, "dropbear.log"),
		HostKeyFiles: map[string]string{},
		HostKeys:     map[string]string{},
		pidPath:      filepath.Join(dir, "dropbear.pid"),
	}
	types := opts.HostKeyTypes
	if len(types) == 0 {
		types = DropbearHostKeyTypes
	}
	for _, kt := range types {
		k := hostKeyPair(t, kt)
		base := filepath.Join(dir, "host_"+strings.ReplaceAll(kt, "-", "_"))
		writeFile(t, base+".openssh", k.priv, 0o600)
		toDropbear(t, conv, base+".openssh", base)
		d.HostKeyFiles[kt] = base
		d.HostKeys[kt] = k.pub
	}

	for attempt := 0; ; attempt++ {
		d.Port = freePort(t)
		d.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(d.Port))
		args := []string{"-F", "-E", "-m", "-p", d.Addr, "-P", d.pidPath}
		for _, kt := range types {
			args = append(args, "-r", d.HostKeyFiles[kt])
		}
		args = append(args, opts.Args...)
		err := d.start(bin, args)
		if err == nil {
			break
		}
		if err != errAddrInUse || attempt == 4 {
			t.Fatalf("testpeer: dropbear: %v\n%s", err, readTail(d.LogPath))
		}
	}
	t.Cleanup(d.srv.stop)
	d.srv.dumpLogOnFailure(t)
	return d
}

// start runs dropbear and waits for its pid file, which it writes only
// once it listens.
func (d *Dropbear) start(bin string, args []string) error {
	if err := os.WriteFile(d.LogPath, nil, 0o644); err != nil {
		return err
	}
	srv, err := startServer("dropbear", exec.Command(bin, args...), d.LogPath)
	if err != nil {
		return err
	}
	err = srv.waitReady(func() bool {
		b, err := os.ReadFile(d.pidPath)
		return err == nil && strings.HasSuffix(string(b), "\n")
	})
	if err != nil {
		srv.stop()
		if strings.Contains(srv.log(), "Address already in use") {
			return errAddrInUse
		}
		return err
	}
	d.srv = srv
	return nil
}

// PublicHostKeys returns the server's public host keys ("type base64") in
// DropbearHostKeyTypes order, then any others in HostKeyTypes order.
func (d *Dropbear) PublicHostKeys() []string {
	return orderedKeys(d.HostKeys)
}

// KnownHosts returns OpenSSH known_hosts lines for the server's host keys,
// for SSHClientCommand.
func (d *Dropbear) KnownHosts() []string {
	var out []string
	for _, pub := range d.PublicHostKeys() {
		out = append(out, "[127.0.0.1]:"+strconv.Itoa(d.Port)+" "+pub)
	}
	return out
}

// Log returns the server's log so far (at most its last 64 KiB).
func (d *Dropbear) Log() string { return readTail(d.LogPath) }

// Stop kills the server and its session processes now; the end of the
// test does it otherwise. Call it from the test's goroutine only.
func (d *Dropbear) Stop() { d.srv.stop() }

// orderedKeys lists the values of a host key map in a stable order.
func orderedKeys(m map[string]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range [][]string{DropbearHostKeyTypes, HostKeyTypes, {"ssh-dss"}} {
		for _, kt := range list {
			if pub, ok := m[kt]; ok && !seen[kt] {
				seen[kt] = true
				out = append(out, pub)
			}
		}
	}
	return out
}

// toDropbear converts an OpenSSH private key file to dropbear's format.
func toDropbear(t testing.TB, conv, in, out string) {
	t.Helper()
	if b, err := exec.Command(conv, "openssh", "dropbear", in, out).CombinedOutput(); err != nil {
		t.Fatalf("testpeer: dropbearconvert %s: %v\n%s", in, err, b)
	}
}

// DBClientOptions describes a dropbear dbclient invocation.
type DBClientOptions struct {
	// Port is the server's port on 127.0.0.1. Required.
	Port int
	// User to log in as; empty means the current user.
	User string
	// IdentityFile is an OpenSSH-format private key (e.g. from
	// GenerateKey); it is converted to dropbear's format for -i.
	IdentityFile string
	// Password is given through DROPBEAR_PASSWORD.
	Password string
	// HostKeys are the server's public keys ("type base64"), e.g.
	// SSHD.PublicHostKeys(); with none, any host key is accepted (-y -y).
	HostKeys []string
	// Ciphers and MACs are dbclient's -c and -m lists, if set.
	Ciphers, MACs string
	// Args are extra arguments before the destination ("-N", "-s", ...).
	Args []string
	// Command is the remote command.
	Command []string
}

// DBClientCommand builds, but does not start, a dbclient command with a
// private HOME (for its known_hosts), no agent and no controlling
// terminal, so it never prompts. It is killed when the test ends if it
// still runs.
func DBClientCommand(t testing.TB, opts DBClientOptions) *exec.Cmd {
	t.Helper()
	bin := Require(t, "dbclient")
	if opts.Port == 0 {
		t.Fatal("testpeer: DBClientOptions.Port is required")
	}
	home := t.TempDir()
	if err := os.Mkdir(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatalf("testpeer: %v", err)
	}
	var known []string
	for _, k := range opts.HostKeys {
		// dbclient looks hosts up by name alone, without the port.
		known = append(known, "127.0.0.1 "+k)
	}
	writeFile(t, filepath.Join(home, ".ssh", "known_hosts"), lines(known), 0o600)

	args := []string{"-p", strconv.Itoa(opts.Port)}
	if len(opts.HostKeys) == 0 {
		args = append(args, "-y", "-y")
	}
	if opts.IdentityFile != "" {
		key := filepath.Join(home, "id_dropbear")
		toDropbear(t, Require(t, "dropbearconvert", "/usr/lib/dropbear"), opts.IdentityFile, key)
		args = append(args, "-i", key)
	}
	if opts.Ciphers != "" {
		args = append(args, "-c", opts.Ciphers)
	}
	if opts.MACs != "" {
		args = append(args, "-m", opts.MACs)
	}
	user := opts.User
	if user == "" {
		user = currentUser(t)
	}
	args = append(args, "-l", user)
	args = append(args, opts.Args...)
	args = append(args, "127.0.0.1")
	args = append(args, opts.Command...)

	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = append(cleanEnv(), "HOME="+home)
	if opts.Password != "" {
		cmd.Env = append(cmd.Env, "DROPBEAR_PASSWORD="+opts.Password)
	}
	cmd.Dir = home
	detach(cmd)
	return cmd
}
