package ssh2

import (
	"context"
	"encoding/binary"
	"io"
	"strings"
	"sync"
	"testing"
)

// TestSessionRequestCallback checks the per-request style: the callback
// sees every session request before the default handling, and what it
// refuses is neither applied nor answered with success.
func TestSessionRequestCallback(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	cfg := passwordConfig()
	srv := &Server{
		Config: cfg,
		SessionRequestCallback: func(_ *Session, r *SessionRequest) bool {
			mu.Lock()
			seen = append(seen, r.Type)
			mu.Unlock()
			switch r.Type {
			case "env":
				return requestString(r.Payload) != "SECRET"
			case "exec":
				return requestString(r.Payload) != "forbidden"
			case "pty-req":
				return false
			}
			return true
		},
		Handler: func(s *Session) {
			env := s.Environ()
			_, pty := s.Pty()
			s.Write([]byte(s.Command() + " " + strings.Join(env, ",") + " pty=" + map[bool]string{true: "yes", false: "no"}[pty]))
			s.Exit(0)
		},
	}
	c := mustDial(t, testServer(t, srv))
	ctx := context.Background()

	ch, err := c.Exec(ctx, "hello", &ExecOptions{Env: map[string]string{"LANG": "C", "SECRET": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(ch)
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	if err := ch.Wait(); err != nil {
		t.Fatal(err)
	}
	if out != "hello LANG=C pty=no" {
		t.Fatalf("handler saw %q; want only the accepted variable", out)
	}

	if ch, err := c.Exec(ctx, "forbidden", nil); err == nil {
		ch.Close()
		t.Fatal("an exec the callback refused started")
	}
	if ch, err := c.Exec(ctx, "tty", &ExecOptions{Pty: &PtyOptions{Term: "xterm", Columns: 80, Rows: 24}}); err == nil {
		ch.Close()
		t.Fatal("a refused PTY request succeeded")
	}

	mu.Lock()
	defer mu.Unlock()
	if got, want := strings.Join(seen, " "), "env env exec exec pty-req"; got != want {
		t.Fatalf("callback saw %q, want %q", got, want)
	}
}

// requestString returns the first SSH string of a request payload (the
// variable name of "env", the command of "exec"), or "" if there is none.
func requestString(p []byte) string {
	if len(p) < 4 {
		return ""
	}
	n := binary.BigEndian.Uint32(p)
	if uint64(n) > uint64(len(p)-4) {
		return ""
	}
	return string(p[4 : 4+n])
}
