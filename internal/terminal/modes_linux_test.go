package terminal

import (
	"testing"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/ssh2go/ssh2/internal/wire"
)

func TestModes(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	fd := int(tty.Fd())
	tio, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	tio.Cc[unix.VERASE] = 8
	tio.Lflag &^= unix.ECHO
	tio.Lflag |= unix.ICANON
	tio.Cflag = tio.Cflag&^(unix.CSIZE|unix.CBAUD) | unix.CS8 | unix.B9600
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, tio); err != nil {
		t.Fatal(err)
	}
	m, err := Modes(fd)
	if err != nil {
		t.Fatal(err)
	}
	for op, want := range map[wire.TerminalMode]uint32{
		wire.TermVERASE: 8, wire.TermECHO: 0, wire.TermICANON: 1, wire.TermCS8: 1, wire.TermCS7: 0,
		wire.TermISPEED: 9600, wire.TermOSPEED: 9600,
	} {
		if m[op] != want {
			t.Errorf("%v = %d, want %d", op, m[op], want)
		}
	}
	if _, err := Modes(int(ptmx.Fd()) + 1000); err == nil {
		t.Error("Modes of a bad descriptor succeeded")
	}
}
