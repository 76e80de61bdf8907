package agent

import (
	"bytes"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/keys"
)

// serveKeyring serves a keyring on a fresh socket made by Listen.
func serveKeyring(t *testing.T, a Agent) string {
	t.Helper()
	l, sock, err := Listen()
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(sock)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode: %v, %v", fi.Mode(), err)
	}
	if di, _ := os.Stat(filepath.Dir(sock)); di.Mode().Perm() != 0o700 {
		t.Fatalf("socket directory mode %v", di.Mode())
	}
	done := make(chan error, 1)
	go func() { done <- Serve(l, a) }()
	t.Cleanup(func() {
		l.Close()
		if err := <-done; !errors.Is(err, net.ErrClosed) {
			t.Errorf("Serve = %v", err)
		}
	})
	return sock
}

// sshAdd runs ssh-add against sock. With a passphrase, it is answered
// to every prompt through an SSH_ASKPASS script.
func sshAdd(t *testing.T, sock, passphrase string, args ...string) (string, error) {
	t.Helper()
	bin := testpeer.Require(t, "ssh-add")
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock, "DISPLAY=")
	if passphrase != "" {
		script := filepath.Join(t.TempDir(), "askpass")
		body := "#!/bin/sh\nprintf '%s\\n' '" + passphrase + "'\n"
		if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
			t.Fatal(err)
		}
		cmd.Env = append(cmd.Env, "SSH_ASKPASS="+script, "SSH_ASKPASS_REQUIRE=force")
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func dialSock(t *testing.T, sock string) *Client {
	t.Helper()
	c, err := DialAddr(t.Context(), sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

var keygenTypes = []struct {
	name string
	bits int
}{{"ed25519", 0}, {"ecdsa", 256}, {"ecdsa", 521}, {"rsa", 2048}}

func TestOpenSSHAgentListSign(t *testing.T) {
	sock := testpeer.StartSSHAgent(t)
	c := dialSock(t, sock)
	want := map[string]keys.PublicKey{}
	for _, kt := range keygenTypes {
		priv, line := testpeer.GenerateKey(t, kt.name, kt.bits)
		if out, err := sshAdd(t, sock, "", priv); err != nil {
			t.Fatalf("ssh-add: %v\n%s", err, out)
		}
		pub, _, _, _, err := keys.ParseAuthorizedKey([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		want[string(pub.Marshal())] = pub
	}
	ids, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(want) {
		t.Fatalf("List: %d identities, want %d", len(ids), len(want))
	}
	data := []byte("sign me, ssh-agent")
	for _, id := range ids {
		pub, ok := want[string(id.Blob)]
		if !ok {
			t.Fatalf("unexpected identity %s", id.PublicKey.Type())
		}
		if !strings.HasPrefix(id.Comment, "testpeer-") {
			t.Errorf("comment %q", id.Comment)
		}
		flagSets := map[SignFlags]string{0: pub.Type()}
		if pub.Type() == keys.TypeRSA {
			flagSets = map[SignFlags]string{SignatureFlagRSASHA256: keys.SigRSASHA256, SignatureFlagRSASHA512: keys.SigRSASHA512}
		}
		for f, algo := range flagSets {
			sig, err := c.Sign(id.PublicKey, data, f)
			if err != nil {
				t.Fatalf("Sign %s: %v", algo, err)
			}
			if got := signatureAlgorithm(sig); got != algo {
				t.Errorf("algorithm %s, want %s", got, algo)
			}
			if err := pub.Verify(data, sig); err != nil {
				t.Errorf("verify %s: %v", algo, err)
			}
			if err := pub.Verify([]byte("other data"), sig); err == nil {
				t.Errorf("%s signature verifies over other data", algo)
			}
		}
	}
	signers, err := c.Signers()
	if err != nil || len(signers) != len(want) {
		t.Fatalf("Signers: %d, %v", len(signers), err)
	}
	for _, s := range signers {
		algo := s.Algorithms()[0]
		sig, err := s.Sign(rand.Reader, algo, data)
		if err != nil {
			t.Fatalf("signer %s: %v", algo, err)
		}
		if err := s.PublicKey().Verify(data, sig); err != nil {
			t.Errorf("signer %s: %v", algo, err)
		}
	}
}

func TestOpenSSHAgentAddRemoveLock(t *testing.T) {
	sock := testpeer.StartSSHAgent(t)
	c := dialSock(t, sock)
	var added []keys.Signer
	for _, typ := range []string{keys.TypeED25519, keys.TypeECDSA384, keys.TypeRSA} {
		bits := map[string]int{keys.TypeECDSA384: 384, keys.TypeRSA: 2048}[typ]
		s, err := keys.Generate(typ, bits, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Add(AddedKey{PrivateKey: s, Comment: "ours-" + typ, LifetimeSecs: 3600}); err != nil {
			t.Fatalf("Add %s: %v", typ, err)
		}
		added = append(added, s)
	}
	out, err := sshAdd(t, sock, "", "-l")
	if err != nil {
		t.Fatalf("ssh-add -l: %v\n%s", err, out)
	}
	for _, s := range added {
		fp := keys.FingerprintSHA256(s.PublicKey())
		if !strings.Contains(out, fp+" ours-"+s.PublicKey().Type()) {
			t.Errorf("ssh-add -l lacks %s:\n%s", fp, out)
		}
	}
	// ssh-add -L prints exactly our public keys.
	outL, err := sshAdd(t, sock, "", "-L")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range added {
		line := strings.TrimSpace(string(keys.MarshalAuthorizedKey(s.PublicKey())))
		if !strings.Contains(outL, line+" ours-"+s.PublicKey().Type()+"\n") {
			t.Errorf("ssh-add -L lacks %q:\n%s", line, outL)
		}
	}

	if err := c.Remove(added[0].PublicKey()); err != nil {
		t.Fatal(err)
	}
	out, _ = sshAdd(t, sock, "", "-l")
	if strings.Contains(out, keys.FingerprintSHA256(added[0].PublicKey())) || !strings.Contains(out, keys.FingerprintSHA256(added[1].PublicKey())) {
		t.Fatalf("after Remove, ssh-add -l:\n%s", out)
	}

	if err := c.Lock([]byte("lockpw")); err != nil {
		t.Fatal(err)
	}
	if ids, err := c.List(); err != nil || len(ids) != 0 {
		t.Fatalf("locked List: %d, %v", len(ids), err)
	}
	if _, err := c.Sign(added[1].PublicKey(), []byte("x"), 0); !errors.Is(err, ErrAgentFailure) {
		t.Fatalf("locked Sign = %v", err)
	}
	if err := c.Unlock([]byte("wrong")); !errors.Is(err, ErrAgentFailure) {
		t.Fatalf("wrong Unlock = %v", err)
	}
	if err := c.Unlock([]byte("lockpw")); err != nil {
		t.Fatal(err)
	}
	if ids, _ := c.List(); len(ids) != 2 {
		t.Fatalf("unlocked List: %d", len(ids))
	}
	if err := c.RemoveAll(); err != nil {
		t.Fatal(err)
	}
	if out, _ := sshAdd(t, sock, "", "-l"); !strings.Contains(out, "no identities") {
		t.Fatalf("after RemoveAll: %s", out)
	}
}

func TestOpenSSHAgentExtensions(t *testing.T) {
	sock := testpeer.StartSSHAgent(t)
	c := dialSock(t, sock)
	// OpenSSH 9.2 does not implement "query"; newer ones may.
	if _, err := c.Query(); err != nil && !errors.Is(err, ErrExtensionUnsupported) {
		t.Fatalf("Query = %v", err)
	}
	host, _ := keys.GenerateEd25519(rand.Reader)
	sid := bytes.Repeat([]byte{7}, 32)
	sig, _ := host.Sign(rand.Reader, keys.SigED25519, sid)
	if err := c.SessionBind(host.PublicKey().Marshal(), sid, sig, false); err != nil {
		t.Fatalf("session-bind: %v", err)
	}
	c2 := dialSock(t, sock)
	if err := c2.SessionBind(host.PublicKey().Marshal(), sid, append([]byte(nil), sig[:len(sig)-1]...), false); err == nil {
		t.Fatal("session-bind with a corrupt signature accepted")
	}
}

func TestKeyringWithSSHAdd(t *testing.T) {
	sock := serveKeyring(t, NewKeyring())
	type pair struct{ priv, line string }
	var ps []pair
	for _, kt := range keygenTypes {
		priv, line := testpeer.GenerateKey(t, kt.name, kt.bits)
		if out, err := sshAdd(t, sock, "", priv); err != nil || !strings.Contains(out, "Identity added") {
			t.Fatalf("ssh-add %s: %v\n%s", kt.name, err, out)
		}
		ps = append(ps, pair{priv, line})
	}
	out, err := sshAdd(t, sock, "", "-L")
	if err != nil {
		t.Fatalf("ssh-add -L: %v\n%s", err, out)
	}
	var want strings.Builder
	for _, p := range ps {
		want.WriteString(p.line + "\n")
	}
	if out != want.String() {
		t.Fatalf("ssh-add -L:\n%s\nwant:\n%s", out, want.String())
	}
	out, err = sshAdd(t, sock, "", "-l")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		pub, _, _, _, _ := keys.ParseAuthorizedKey([]byte(p.line))
		if !strings.Contains(out, keys.FingerprintSHA256(pub)) {
			t.Errorf("ssh-add -l lacks %s:\n%s", keys.FingerprintSHA256(pub), out)
		}
	}
	// ssh-add -T signs and verifies with each key (exercises sign flags).
	for _, p := range ps {
		if out, err := sshAdd(t, sock, "", "-T", p.priv+".pub"); err != nil {
			t.Fatalf("ssh-add -T %s: %v\n%s", p.priv, err, out)
		}
	}
	if out, err := sshAdd(t, sock, "", "-d", ps[0].priv); err != nil {
		t.Fatalf("ssh-add -d: %v\n%s", err, out)
	}
	out, _ = sshAdd(t, sock, "", "-L")
	if strings.Contains(out, ps[0].line) || !strings.Contains(out, ps[1].line) {
		t.Fatalf("after ssh-add -d:\n%s", out)
	}

	if out, err := sshAdd(t, sock, "pw-123", "-x"); err != nil {
		t.Fatalf("ssh-add -x: %v\n%s", err, out)
	}
	if out, _ := sshAdd(t, sock, "", "-l"); !strings.Contains(out, "no identities") {
		t.Fatalf("locked ssh-add -l:\n%s", out)
	}
	if out, err := sshAdd(t, sock, "wrong", "-X"); err == nil {
		t.Fatalf("ssh-add -X with wrong passphrase succeeded:\n%s", out)
	}
	if out, err := sshAdd(t, sock, "pw-123", "-X"); err != nil {
		t.Fatalf("ssh-add -X: %v\n%s", err, out)
	}
	if out, _ := sshAdd(t, sock, "", "-L"); !strings.Contains(out, ps[1].line) {
		t.Fatalf("unlocked ssh-add -L:\n%s", out)
	}
	// A lifetime (-t) is accepted; confirm (-c) is refused without a
	// confirm callback.
	if out, err := sshAdd(t, sock, "", "-t", "600", ps[0].priv); err != nil {
		t.Fatalf("ssh-add -t: %v\n%s", err, out)
	}
	if out, err := sshAdd(t, sock, "", "-c", ps[0].priv); err == nil {
		t.Fatalf("ssh-add -c accepted:\n%s", out)
	}
	if out, err := sshAdd(t, sock, "", "-D"); err != nil {
		t.Fatalf("ssh-add -D: %v\n%s", err, out)
	}
	if out, _ := sshAdd(t, sock, "", "-l"); !strings.Contains(out, "no identities") {
		t.Fatalf("after ssh-add -D:\n%s", out)
	}
}

func TestKeyringSSHLogin(t *testing.T) {
	srv := testpeer.StartSSHD(t, testpeer.SSHDOptions{})
	for _, kt := range []struct {
		name string
		bits int
	}{{"ed25519", 0}, {"rsa", 2048}} {
		t.Run(kt.name, func(t *testing.T) {
			rec := &recordingAgent{Agent: NewKeyring()}
			sock := serveKeyring(t, rec)
			priv, line := testpeer.GenerateKey(t, kt.name, kt.bits)
			srv.AuthorizeKey(t, line)
			if out, err := sshAdd(t, sock, "", priv); err != nil {
				t.Fatalf("ssh-add: %v\n%s", err, out)
			}
			cmd := testpeer.SSHClientCommand(t, testpeer.ClientOptions{
				Port:       srv.Port,
				User:       srv.User,
				KnownHosts: srv.KnownHosts(),
				Options:    []string{"IdentityAgent=" + sock, "IdentitiesOnly=no", "PreferredAuthentications=publickey"},
				Command:    []string{"echo", "agent-login-" + kt.name},
			})
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("ssh: %v\n%s", err, stderr.String())
			}
			if got := stdout.String(); got != "agent-login-"+kt.name+"\n" {
				t.Fatalf("ssh output %q", got)
			}
			// ssh binds the agent connection to the session and then
			// signs the user-auth request through the agent.
			if rec.binds.Load() == 0 || rec.signs.Load() == 0 {
				t.Fatalf("agent saw %d session-binds, %d signatures", rec.binds.Load(), rec.signs.Load())
			}
		})
	}
}

// recordingAgent counts the session-bind and sign requests it passes on.
type recordingAgent struct {
	Agent
	binds, signs atomic.Int32
}

func (r *recordingAgent) Extension(name string, contents []byte) ([]byte, error) {
	reply, err := r.Agent.Extension(name, contents)
	if name == ExtensionSessionBind && err == nil {
		r.binds.Add(1)
	}
	return reply, err
}

func (r *recordingAgent) Sign(key keys.PublicKey, data []byte, flags SignFlags) ([]byte, error) {
	sig, err := r.Agent.Sign(key, data, flags)
	if err == nil {
		r.signs.Add(1)
	}
	return sig, err
}

// TestServeConcurrentConns checks that Serve handles several clients at once.
func TestServeConcurrentConns(t *testing.T) {
	sock := serveKeyring(t, NewKeyring())
	k, _ := keys.GenerateEd25519(rand.Reader)
	if err := dialSock(t, sock).Add(AddedKey{PrivateKey: k}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		c := dialSock(t, sock)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids, err := c.List()
			if err != nil || len(ids) != 1 {
				t.Errorf("List: %d, %v", len(ids), err)
			}
		}()
	}
	wg.Wait()
}
