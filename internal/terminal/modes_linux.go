package terminal

import (
	"golang.org/x/sys/unix"

	"github.com/ssh2go/ssh2/internal/wire"
)

// Modes reads the terminal settings of fd and encodes them for a PTY
// request (RFC 4254 §8), as OpenSSH's client does, so the remote PTY
// behaves like the local terminal (erase character, signals, echo...).
func Modes(fd int) (wire.TerminalModes, error) {
	tio, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	m := wire.TerminalModes{}
	for op, i := range map[wire.TerminalMode]int{
		wire.TermVINTR: unix.VINTR, wire.TermVQUIT: unix.VQUIT, wire.TermVERASE: unix.VERASE,
		wire.TermVKILL: unix.VKILL, wire.TermVEOF: unix.VEOF, wire.TermVEOL: unix.VEOL,
		wire.TermVEOL2: unix.VEOL2, wire.TermVSTART: unix.VSTART, wire.TermVSTOP: unix.VSTOP,
		wire.TermVSUSP: unix.VSUSP, wire.TermVREPRINT: unix.VREPRINT, wire.TermVWERASE: unix.VWERASE,
		wire.TermVLNEXT: unix.VLNEXT, wire.TermVDISCARD: unix.VDISCARD,
	} {
		m[op] = uint32(tio.Cc[i])
	}
	flags := func(field uint32, bits map[wire.TerminalMode]uint32) {
		for op, bit := range bits {
			if field&bit != 0 {
				m[op] = 1
			} else {
				m[op] = 0
			}
		}
	}
	flags(tio.Iflag, map[wire.TerminalMode]uint32{
		wire.TermIGNPAR: unix.IGNPAR, wire.TermPARMRK: unix.PARMRK, wire.TermINPCK: unix.INPCK,
		wire.TermISTRIP: unix.ISTRIP, wire.TermINLCR: unix.INLCR, wire.TermIGNCR: unix.IGNCR,
		wire.TermICRNL: unix.ICRNL, wire.TermIUCLC: unix.IUCLC, wire.TermIXON: unix.IXON,
		wire.TermIXANY: unix.IXANY, wire.TermIXOFF: unix.IXOFF, wire.TermIMAXBEL: unix.IMAXBEL,
		wire.TermIUTF8: unix.IUTF8,
	})
	flags(tio.Lflag, map[wire.TerminalMode]uint32{
		wire.TermISIG: unix.ISIG, wire.TermICANON: unix.ICANON, wire.TermXCASE: unix.XCASE,
		wire.TermECHO: unix.ECHO, wire.TermECHOE: unix.ECHOE, wire.TermECHOK: unix.ECHOK,
		wire.TermECHONL: unix.ECHONL, wire.TermNOFLSH: unix.NOFLSH, wire.TermTOSTOP: unix.TOSTOP,
		wire.TermIEXTEN: unix.IEXTEN, wire.TermECHOCTL: unix.ECHOCTL, wire.TermECHOKE: unix.ECHOKE,
		wire.TermPENDIN: unix.PENDIN,
	})
	flags(tio.Oflag, map[wire.TerminalMode]uint32{
		wire.TermOPOST: unix.OPOST, wire.TermOLCUC: unix.OLCUC, wire.TermONLCR: unix.ONLCR,
		wire.TermOCRNL: unix.OCRNL, wire.TermONOCR: unix.ONOCR, wire.TermONLRET: unix.ONLRET,
	})
	flags(tio.Cflag, map[wire.TerminalMode]uint32{wire.TermPARENB: unix.PARENB, wire.TermPARODD: unix.PARODD})
	m[wire.TermCS7], m[wire.TermCS8] = 0, 0
	switch tio.Cflag & unix.CSIZE {
	case unix.CS7:
		m[wire.TermCS7] = 1
	case unix.CS8:
		m[wire.TermCS8] = 1
	}
	speed := baud(tio.Cflag & unix.CBAUD)
	m[wire.TermISPEED], m[wire.TermOSPEED] = speed, speed
	return m, nil
}

// baud maps a Linux CBAUD code to bits per second (38400 when unknown).
func baud(code uint32) uint32 {
	switch code {
	case unix.B9600:
		return 9600
	case unix.B19200:
		return 19200
	case unix.B57600:
		return 57600
	case unix.B115200:
		return 115200
	case unix.B230400:
		return 230400
	}
	return 38400
}
