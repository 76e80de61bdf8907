//go:build linux

package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"
)

// TestProgressOnTerminal checks that a transfer draws a progress bar when
// stdout is a terminal outside batch mode (the other tests check that it
// does not otherwise).
func TestProgressOnTerminal(t *testing.T) {
	h := startSSHD(t)
	remote, local := t.TempDir(), t.TempDir()
	data := randBytes(4<<20, 9)
	os.WriteFile(filepath.Join(local, "up.bin"), data, 0o600)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	// Commands on stdin, not -b: like sftp, batch mode implies -q and
	// draws no progress.
	cmd := h.command(t, local, ":"+remote)
	i := slices.Index(cmd.Args, "-b")
	cmd.Args = slices.Delete(cmd.Args, i, i+2)
	cmd.Stdin = strings.NewReader("put up.bin\n")
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = tty, &errb
	if err := cmd.Start(); err != nil {
		tty.Close()
		t.Fatal(err)
	}
	tty.Close()
	var out bytes.Buffer
	_, rerr := io.Copy(&out, ptmx)
	if rerr != nil && !errors.Is(rerr, syscall.EIO) {
		t.Fatal(rerr)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errb.String())
	}
	mustEqualFile(t, filepath.Join(remote, "up.bin"), data)
	s := out.String()
	if !strings.Contains(s, "\rup.bin") || !strings.Contains(s, "100%") {
		t.Fatalf("no progress bar on the terminal:\n%q", s)
	}
}
