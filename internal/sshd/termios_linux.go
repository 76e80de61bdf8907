//go:build linux

package sshd

import (
	"golang.org/x/sys/unix"

	"github.com/ssh2go/ssh2/internal/wire"
)

// posixVDisable is _POSIX_VDISABLE on Linux; the wire uses 255.
const posixVDisable = 0

var ccModes = map[wire.TerminalMode]int{
	wire.TermVINTR: unix.VINTR, wire.TermVQUIT: unix.VQUIT, wire.TermVERASE: unix.VERASE,
	wire.TermVKILL: unix.VKILL, wire.TermVEOF: unix.VEOF, wire.TermVEOL: unix.VEOL,
	wire.TermVEOL2: unix.VEOL2, wire.TermVSTART: unix.VSTART, wire.TermVSTOP: unix.VSTOP,
	wire.TermVSUSP: unix.VSUSP, wire.TermVREPRINT: unix.VREPRINT, wire.TermVWERASE: unix.VWERASE,
	wire.TermVLNEXT: unix.VLNEXT, wire.TermVDISCARD: unix.VDISCARD, wire.TermVSWTCH: unix.VSWTC,
}

type flagMode struct {
	field byte // 'i', 'o', 'c' or 'l'
	bit   uint32
}

// flagModes lists the flag opcodes in the order they are applied (CS7
// before CS8, as their bits overlap).
var flagModes = []struct {
	op wire.TerminalMode
	flagMode
}{
	{wire.TermIGNPAR, flagMode{'i', unix.IGNPAR}}, {wire.TermPARMRK, flagMode{'i', unix.PARMRK}},
	{wire.TermINPCK, flagMode{'i', unix.INPCK}}, {wire.TermISTRIP, flagMode{'i', unix.ISTRIP}},
	{wire.TermINLCR, flagMode{'i', unix.INLCR}}, {wire.TermIGNCR, flagMode{'i', unix.IGNCR}},
	{wire.TermICRNL, flagMode{'i', unix.ICRNL}}, {wire.TermIUCLC, flagMode{'i', unix.IUCLC}},
	{wire.TermIXON, flagMode{'i', unix.IXON}}, {wire.TermIXANY, flagMode{'i', unix.IXANY}},
	{wire.TermIXOFF, flagMode{'i', unix.IXOFF}}, {wire.TermIMAXBEL, flagMode{'i', unix.IMAXBEL}},
	{wire.TermIUTF8, flagMode{'i', unix.IUTF8}},
	{wire.TermISIG, flagMode{'l', unix.ISIG}}, {wire.TermICANON, flagMode{'l', unix.ICANON}},
	{wire.TermXCASE, flagMode{'l', unix.XCASE}}, {wire.TermECHO, flagMode{'l', unix.ECHO}},
	{wire.TermECHOE, flagMode{'l', unix.ECHOE}}, {wire.TermECHOK, flagMode{'l', unix.ECHOK}},
	{wire.TermECHONL, flagMode{'l', unix.ECHONL}}, {wire.TermNOFLSH, flagMode{'l', unix.NOFLSH}},
	{wire.TermTOSTOP, flagMode{'l', unix.TOSTOP}}, {wire.TermIEXTEN, flagMode{'l', unix.IEXTEN}},
	{wire.TermECHOCTL, flagMode{'l', unix.ECHOCTL}}, {wire.TermECHOKE, flagMode{'l', unix.ECHOKE}},
	{wire.TermPENDIN, flagMode{'l', unix.PENDIN}},
	{wire.TermOPOST, flagMode{'o', unix.OPOST}}, {wire.TermOLCUC, flagMode{'o', unix.OLCUC}},
	{wire.TermONLCR, flagMode{'o', unix.ONLCR}}, {wire.TermOCRNL, flagMode{'o', unix.OCRNL}},
	{wire.TermONOCR, flagMode{'o', unix.ONOCR}}, {wire.TermONLRET, flagMode{'o', unix.ONLRET}},
	{wire.TermCS7, flagMode{'c', unix.CS7}}, {wire.TermCS8, flagMode{'c', unix.CS8}},
	{wire.TermPARENB, flagMode{'c', unix.PARENB}}, {wire.TermPARODD, flagMode{'c', unix.PARODD}},
}

// applyTermios changes t as the client's modes ask; opcodes Linux has no
// equivalent for (and the line speeds) are skipped, as sshd does.
func applyTermios(t *unix.Termios, modes wire.TerminalModes) {
	for op, v := range modes {
		if i, ok := ccModes[op]; ok {
			c := uint8(v)
			if v == 255 || v > 255 {
				c = posixVDisable
			}
			t.Cc[i] = c
		}
	}
	for _, m := range flagModes {
		v, ok := modes[m.op]
		if !ok {
			continue
		}
		var f *uint32
		switch m.field {
		case 'i':
			f = &t.Iflag
		case 'o':
			f = &t.Oflag
		case 'c':
			f = &t.Cflag
		default:
			f = &t.Lflag
		}
		if v != 0 {
			*f |= m.bit
		} else {
			*f &^= m.bit
		}
	}
}

// setTerminalModes applies modes to the terminal open as fd.
func setTerminalModes(fd int, modes wire.TerminalModes) error {
	if len(modes) == 0 {
		return nil
	}
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	applyTermios(t, modes)
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}
