package ssh2

import "github.com/ssh2go/ssh2/internal/wire"

// TerminalMode is a terminal mode opcode (RFC 4254 §8, RFC 8160).
type TerminalMode = wire.TerminalMode

// Terminal mode opcodes for PtyOptions.Modes, named as in termios(3).
const (
	VINTR    = wire.TermVINTR
	VQUIT    = wire.TermVQUIT
	VERASE   = wire.TermVERASE
	VKILL    = wire.TermVKILL
	VEOF     = wire.TermVEOF
	VEOL     = wire.TermVEOL
	VEOL2    = wire.TermVEOL2
	VSTART   = wire.TermVSTART
	VSTOP    = wire.TermVSTOP
	VSUSP    = wire.TermVSUSP
	VDSUSP   = wire.TermVDSUSP
	VREPRINT = wire.TermVREPRINT
	VWERASE  = wire.TermVWERASE
	VLNEXT   = wire.TermVLNEXT
	VFLUSH   = wire.TermVFLUSH
	VSWTCH   = wire.TermVSWTCH
	VSTATUS  = wire.TermVSTATUS
	VDISCARD = wire.TermVDISCARD
	IGNPAR   = wire.TermIGNPAR
	PARMRK   = wire.TermPARMRK
	INPCK    = wire.TermINPCK
	ISTRIP   = wire.TermISTRIP
	INLCR    = wire.TermINLCR
	IGNCR    = wire.TermIGNCR
	ICRNL    = wire.TermICRNL
	IUCLC    = wire.TermIUCLC
	IXON     = wire.TermIXON
	IXANY    = wire.TermIXANY
	IXOFF    = wire.TermIXOFF
	IMAXBEL  = wire.TermIMAXBEL
	IUTF8    = wire.TermIUTF8
	ISIG     = wire.TermISIG
	ICANON   = wire.TermICANON
	XCASE    = wire.TermXCASE
	ECHO     = wire.TermECHO
	ECHOE    = wire.TermECHOE
	ECHOK    = wire.TermECHOK
	ECHONL   = wire.TermECHONL
	NOFLSH   = wire.TermNOFLSH
	TOSTOP   = wire.TermTOSTOP
	IEXTEN   = wire.TermIEXTEN
	ECHOCTL  = wire.TermECHOCTL
	ECHOKE   = wire.TermECHOKE
	PENDIN   = wire.TermPENDIN
	OPOST    = wire.TermOPOST
	OLCUC    = wire.TermOLCUC
	ONLCR    = wire.TermONLCR
	OCRNL    = wire.TermOCRNL
	ONOCR    = wire.TermONOCR
	ONLRET   = wire.TermONLRET
	CS7      = wire.TermCS7
	CS8      = wire.TermCS8
	PARENB   = wire.TermPARENB
	PARODD   = wire.TermPARODD
	ISPEED   = wire.TermISPEED
	OSPEED   = wire.TermOSPEED
)
