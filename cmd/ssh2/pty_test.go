//go:build linux

package main

import (
	"bufio"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/creack/pty"
	"github.com/ssh2go/ssh2/internal/testpeer"
)

// TestLocalTerminal runs ssh2 on a local pseudo-terminal, as a user would:
// with the default RequestTTY=auto a shell gets a PTY of the local size,
// the local terminal is put in raw mode, and a size change (SIGWINCH)
// reaches the remote side.
func TestLocalTerminal(t *testing.T) {
	p := startPeer(t, testpeer.SSHDOptions{})
	p.trustHost(t)
	cmd := p.command(t, "127.0.0.1")
	cmd.Env = append(cmd.Env, "TERM=dumb")
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 33, Cols: 111}); err != nil {
		t.Fatal(err)
	}
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	tio.Cc[unix.VERASE] = 8 // ^H rather than the usual ^?
	if err := unix.IoctlSetTermios(int(tty.Fd()), unix.TCSETS, tio); err != nil {
		t.Fatal(err)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	defer ptmx.Close()
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(ptmx)
		for sc.Scan() {
			lines <- strings.TrimRight(sc.Text(), "\r")
		}
	}()
	// next returns the first output line holding marker that is not the
	// echo of a typed command.
	next := func(marker string) string {
		t.Helper()
		for l := range lines {
			if strings.Contains(l, marker) && !strings.Contains(l, "echo") {
				return l
			}
		}
		t.Fatalf("output ended before %q", marker)
		return ""
	}
	// The remote shell echoes what we type through its own PTY; the
	// local terminal, in raw mode, adds no echo of its own. Markers are
	// split in the typed text so the echo never matches them.
	send := func(s string) {
		if _, err := ptmx.Write([]byte(s + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	send(`PS1=; echo "size""1 $(stty size)"`)
	if l := next("size1 "); !strings.HasSuffix(l, "size1 33 111") {
		t.Fatalf("initial size: %q", l)
	}
	// The local terminal's modes are sent with the PTY request: the
	// erase character set here shows up on the remote side.
	send(`echo "erase""1 $(stty -a | tr ';' '\n' | grep -c 'erase = ^H')"`)
	if l := next("erase1 "); !strings.HasSuffix(l, "erase1 1") {
		t.Fatalf("remote erase character: %q", l)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 132}); err != nil {
		t.Fatal(err)
	}
	// The window change travels asynchronously: the remote shell polls
	// its size for up to ten seconds.
	send(`i=0; while [ "$(stty size)" != "40 132" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; echo "size""2 $(stty size)"`)
	if l := next("size2 "); !strings.HasSuffix(l, "size2 40 132") {
		t.Fatalf("size after change: %q", l)
	}
	send("exit 7")
	for range lines {
	}
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 7 {
		t.Fatalf("exit code %d (%v)", code, err)
	}
}
