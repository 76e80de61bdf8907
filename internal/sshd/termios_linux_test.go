//go:build linux

package sshd

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/ssh2go/ssh2/internal/wire"
)

func TestApplyTermios(t *testing.T) {
	tio := unix.Termios{Lflag: unix.ECHO | unix.ICANON, Oflag: unix.ONLCR}
	applyTermios(&tio, wire.TerminalModes{
		wire.TermECHO: 0, wire.TermISIG: 1, wire.TermICRNL: 1, wire.TermONLCR: 0, wire.TermOPOST: 1,
		wire.TermVINTR: 3, wire.TermVEOF: 255, wire.TermCS8: 1, wire.TermIUTF8: 1,
		wire.TermOSPEED: 38400, 160: 1, // skipped
	})
	if tio.Lflag&unix.ECHO != 0 || tio.Lflag&unix.ICANON == 0 || tio.Lflag&unix.ISIG == 0 {
		t.Errorf("Lflag = %#x", tio.Lflag)
	}
	if tio.Iflag&unix.ICRNL == 0 || tio.Iflag&unix.IUTF8 == 0 {
		t.Errorf("Iflag = %#x", tio.Iflag)
	}
	if tio.Oflag&unix.ONLCR != 0 || tio.Oflag&unix.OPOST == 0 {
		t.Errorf("Oflag = %#x", tio.Oflag)
	}
	if tio.Cflag&unix.CSIZE != unix.CS8 {
		t.Errorf("Cflag = %#x", tio.Cflag)
	}
	if tio.Cc[unix.VINTR] != 3 || tio.Cc[unix.VEOF] != posixVDisable {
		t.Errorf("Cc = %v", tio.Cc)
	}
}
