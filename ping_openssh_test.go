package ssh2_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/keys"
)

// opensshAnswersPing reports whether an OpenSSH identification string
// names a release that announces ping@openssh.com (OpenSSH 9.5 and later,
// servers only: the client sends no such EXT_INFO).
func opensshAnswersPing(t *testing.T, version string) bool {
	t.Helper()
	m := regexp.MustCompile(`OpenSSH_(\d+)\.(\d+)`).FindStringSubmatch(version)
	if m == nil {
		t.Fatalf("not an OpenSSH version: %q", version)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return major > 9 || major == 9 && minor >= 5
}

// TestPingSSHD pings OpenSSH's sshd. Debian 12's OpenSSH 9.2 predates the
// ping extension, so it announces none and Ping must refuse at once
// rather than send a message sshd would answer with UNIMPLEMENTED (and
// leave Ping waiting); a newer sshd must answer.
func TestPingSSHD(t *testing.T) {
	d, cfg := sshdClient(t)
	c := dialSSHD(t, d, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := c.Ping(ctx)
	if opensshAnswersPing(t, c.ServerVersion()) {
		if err != nil {
			t.Fatalf("Ping to %s: %v", c.ServerVersion(), err)
		}
	} else if !errors.Is(err, ssh2.ErrPingUnsupported) {
		t.Fatalf("Ping to %s = %v, want ErrPingUnsupported", c.ServerVersion(), err)
	}
	if out := output(t, c, "echo alive"); out != "alive\n" {
		t.Fatalf("after Ping: %q", out)
	}
}

// TestPingFromServerToSSH has our server ping OpenSSH's ssh, which never
// announces ping@openssh.com: Ping must refuse without sending anything
// and the session go on.
func TestPingFromServerToSSH(t *testing.T) {
	priv, pub := testpeer.GenerateKey(t, "ed25519", 0)
	userKey, _, _, _, err := keys.ParseAuthorizedKey([]byte(pub))
	if err != nil {
		t.Fatal(err)
	}
	hostKey, err := keys.Generate("ed25519", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := &ssh2.Server{
		Config: &ssh2.ServerConfig{
			HostKeys: []ssh2.Signer{hostKey},
			PublicKeyCallback: func(_ context.Context, r *ssh2.PublicKeyRequest) ssh2.Decision {
				if keys.Equal(r.Key, userKey) {
					return ssh2.Accept()
				}
				return ssh2.Reject()
			},
		},
		Handler: func(s *ssh2.Session) {
			ctx, cancel := context.WithTimeout(s.Context(), 20*time.Second)
			defer cancel()
			err := s.Conn().Ping(ctx)
			fmt.Fprintf(s, "client %s; ping: %v\n", s.Conn().ClientVersion(), err)
		},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	port := ln.Addr().(*net.TCPAddr).Port
	known := fmt.Sprintf("[127.0.0.1]:%d %s", port, strings.TrimSpace(string(keys.MarshalAuthorizedKey(hostKey.PublicKey()))))

	out, errOut, code := runSSH(t, testpeer.ClientOptions{Port: port, IdentityFile: priv, KnownHosts: []string{known},
		Command: []string{"ping"}}, nil)
	if code != 0 {
		t.Fatalf("ssh: exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	if want := "ping: " + ssh2.ErrPingUnsupported.Error() + "\n"; !strings.HasSuffix(string(out), want) {
		t.Fatalf("server reported %q, want it to end in %q", out, want)
	}
}
