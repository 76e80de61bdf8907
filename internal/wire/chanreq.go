package wire

import (
	"slices"
	"strconv"
)

// Request-specific data of the standard channel requests (RFC 4254 §6,
// RFC 4335). Each type has Append, which appends the data that follows
// "want reply" in SSH_MSG_CHANNEL_REQUEST, and Unmarshal, which decodes it.

// Channel request names.
const (
	RequestPty          = "pty-req"
	RequestX11          = "x11-req"
	RequestEnv          = "env"
	RequestShell        = "shell"
	RequestExec         = "exec"
	RequestSubsystem    = "subsystem"
	RequestWindowChange = "window-change"
	RequestXonXoff      = "xon-xoff"
	RequestSignal       = "signal"
	RequestExitStatus   = "exit-status"
	RequestExitSignal   = "exit-signal"
	RequestBreak        = "break" // RFC 4335
	RequestAuthAgent    = "auth-agent-req@openssh.com"
	RequestEOW          = "eow@openssh.com" // OpenSSH: peer wrote EOF, still reads
)

// Signal names without the "SIG" prefix (RFC 4254 §6.10).
const (
	SignalABRT = "ABRT"
	SignalALRM = "ALRM"
	SignalFPE  = "FPE"
	SignalHUP  = "HUP"
	SignalILL  = "ILL"
	SignalINT  = "INT"
	SignalKILL = "KILL"
	SignalPIPE = "PIPE"
	SignalQUIT = "QUIT"
	SignalSEGV = "SEGV"
	SignalTERM = "TERM"
	SignalUSR1 = "USR1"
	SignalUSR2 = "USR2"
)

// PtyRequest is the data of "pty-req" (RFC 4254 §6.2). Modes holds the
// encoded terminal modes; see TerminalModes.
type PtyRequest struct {
	Term                      string
	Columns, Rows             uint32
	WidthPixels, HeightPixels uint32
	Modes                     []byte // aliases the input when decoded
}

// Append appends the encoded data to b.
func (m *PtyRequest) Append(b []byte) []byte {
	b = AppendText(b, m.Term)
	b = AppendUint32(b, m.Columns)
	b = AppendUint32(b, m.Rows)
	b = AppendUint32(b, m.WidthPixels)
	b = AppendUint32(b, m.HeightPixels)
	return AppendString(b, m.Modes)
}

// Unmarshal decodes p.
func (m *PtyRequest) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	m.Term = d.rawText()
	m.Columns = d.Uint32()
	m.Rows = d.Uint32()
	m.WidthPixels = d.Uint32()
	m.HeightPixels = d.Uint32()
	m.Modes = d.String()
	return d.Finish()
}

// X11Request is the data of "x11-req" (RFC 4254 §6.3.1).
type X11Request struct {
	SingleConnection bool
	AuthProtocol     string
	AuthCookie       string // hexadecimal
	ScreenNumber     uint32
}

// Append appends the encoded data to b.
func (m *X11Request) Append(b []byte) []byte {
	b = AppendBool(b, m.SingleConnection)
	b = AppendText(b, m.AuthProtocol)
	b = AppendText(b, m.AuthCookie)
	return AppendUint32(b, m.ScreenNumber)
}

// Unmarshal decodes p.
func (m *X11Request) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	m.SingleConnection = d.Bool()
	m.AuthProtocol = d.rawText()
	m.AuthCookie = d.rawText()
	m.ScreenNumber = d.Uint32()
	return d.Finish()
}

// EnvRequest is the data of "env" (RFC 4254 §6.4).
type EnvRequest struct {
	Name, Value string
}

// Append appends the encoded data to b.
func (m *EnvRequest) Append(b []byte) []byte {
	return AppendText(AppendText(b, m.Name), m.Value)
}

// Unmarshal decodes p.
func (m *EnvRequest) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	m.Name = d.rawText()
	m.Value = d.rawText()
	return d.Finish()
}

// stringRequest is the layout of requests holding a single string.
func appendOneString(b []byte, s string) []byte { return AppendText(b, s) }

func unmarshalOneString(p []byte) (string, error) {
	d := NewDecoder(p)
	s := d.rawText()
	return s, d.Finish()
}

// ExecRequest is the data of "exec" (RFC 4254 §6.5). The command is kept as
// the peer sent it, in whatever byte encoding.
type ExecRequest struct {
	Command string
}

// Append appends the encoded data to b.
func (m *ExecRequest) Append(b []byte) []byte { return appendOneString(b, m.Command) }

// Unmarshal decodes p.
func (m *ExecRequest) Unmarshal(p []byte) (err error) {
	m.Command, err = unmarshalOneString(p)
	return err
}

// SubsystemRequest is the data of "subsystem" (RFC 4254 §6.5).
type SubsystemRequest struct {
	Name string
}

// Append appends the encoded data to b.
func (m *SubsystemRequest) Append(b []byte) []byte { return appendOneString(b, m.Name) }

// Unmarshal decodes p.
func (m *SubsystemRequest) Unmarshal(p []byte) (err error) {
	m.Name, err = unmarshalOneString(p)
	return err
}

// WindowChange is the data of "window-change" (RFC 4254 §6.7).
type WindowChange struct {
	Columns, Rows             uint32
	WidthPixels, HeightPixels uint32
}

// Append appends the encoded data to b.
func (m *WindowChange) Append(b []byte) []byte {
	b = AppendUint32(b, m.Columns)
	b = AppendUint32(b, m.Rows)
	b = AppendUint32(b, m.WidthPixels)
	return AppendUint32(b, m.HeightPixels)
}

// Unmarshal decodes p.
func (m *WindowChange) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	m.Columns = d.Uint32()
	m.Rows = d.Uint32()
	m.WidthPixels = d.Uint32()
	m.HeightPixels = d.Uint32()
	return d.Finish()
}

// XonXoff is the data of "xon-xoff" (RFC 4254 §6.8).
type XonXoff struct {
	ClientCanDo bool
}

// Append appends the encoded data to b.
func (m *XonXoff) Append(b []byte) []byte { return AppendBool(b, m.ClientCanDo) }

// Unmarshal decodes p.
func (m *XonXoff) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	m.ClientCanDo = d.Bool()
	return d.Finish()
}

// SignalRequest is the data of "signal" (RFC 4254 §6.9): a signal name
// without the "SIG" prefix.
type SignalRequest struct {
	Signal string
}

// Append appends the encoded data to b.
func (m *SignalRequest) Append(b []byte) []byte { return appendOneString(b, m.Signal) }

// Unmarshal decodes p.
func (m *SignalRequest) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	m.Signal = d.protoName()
	return d.Finish()
}

// ExitStatus is the data of "exit-status" (RFC 4254 §6.10).
type ExitStatus struct {
	Status uint32
}

// Append appends the encoded data to b.
func (m *ExitStatus) Append(b []byte) []byte { return AppendUint32(b, m.Status) }

// Unmarshal decodes p.
func (m *ExitStatus) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	m.Status = d.Uint32()
	return d.Finish()
}

// ExitSignal is the data of "exit-signal" (RFC 4254 §6.10).
type ExitSignal struct {
	Signal     string // without "SIG"
	CoreDumped bool
	Message    string
	Language   string
}

// Append appends the encoded data to b.
func (m *ExitSignal) Append(b []byte) []byte {
	b = AppendText(b, m.Signal)
	b = AppendBool(b, m.CoreDumped)
	b = AppendText(b, m.Message)
	return AppendText(b, m.Language)
}

// Unmarshal decodes p. The message is made printable, since it is only
// shown to a person.
func (m *ExitSignal) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	m.Signal = d.protoName()
	m.CoreDumped = d.Bool()
	m.Message = Printable(d.String())
	m.Language = Printable(d.String())
	return d.Finish()
}

// TerminalMode is an opcode of the encoded terminal modes (RFC 4254 §8,
// RFC 8160).
type TerminalMode uint8

// Terminal mode opcodes. Opcodes 1–159 carry a uint32 argument; 160–255
// are undefined and stop parsing.
const (
	TermEnd      TerminalMode = 0 // TTY_OP_END
	TermVINTR    TerminalMode = 1
	TermVQUIT    TerminalMode = 2
	TermVERASE   TerminalMode = 3
	TermVKILL    TerminalMode = 4
	TermVEOF     TerminalMode = 5
	TermVEOL     TerminalMode = 6
	TermVEOL2    TerminalMode = 7
	TermVSTART   TerminalMode = 8
	TermVSTOP    TerminalMode = 9
	TermVSUSP    TerminalMode = 10
	TermVDSUSP   TerminalMode = 11
	TermVREPRINT TerminalMode = 12
	TermVWERASE  TerminalMode = 13
	TermVLNEXT   TerminalMode = 14
	TermVFLUSH   TerminalMode = 15
	TermVSWTCH   TerminalMode = 16
	TermVSTATUS  TerminalMode = 17
	TermVDISCARD TerminalMode = 18
	TermIGNPAR   TerminalMode = 30
	TermPARMRK   TerminalMode = 31
	TermINPCK    TerminalMode = 32
	TermISTRIP   TerminalMode = 33
	TermINLCR    TerminalMode = 34
	TermIGNCR    TerminalMode = 35
	TermICRNL    TerminalMode = 36
	TermIUCLC    TerminalMode = 37
	TermIXON     TerminalMode = 38
	TermIXANY    TerminalMode = 39
	TermIXOFF    TerminalMode = 40
	TermIMAXBEL  TerminalMode = 41
	TermIUTF8    TerminalMode = 42 // RFC 8160
	TermISIG     TerminalMode = 50
	TermICANON   TerminalMode = 51
	TermXCASE    TerminalMode = 52
	TermECHO     TerminalMode = 53
	TermECHOE    TerminalMode = 54
	TermECHOK    TerminalMode = 55
	TermECHONL   TerminalMode = 56
	TermNOFLSH   TerminalMode = 57
	TermTOSTOP   TerminalMode = 58
	TermIEXTEN   TerminalMode = 59
	TermECHOCTL  TerminalMode = 60
	TermECHOKE   TerminalMode = 61
	TermPENDIN   TerminalMode = 62
	TermOPOST    TerminalMode = 70
	TermOLCUC    TerminalMode = 71
	TermONLCR    TerminalMode = 72
	TermOCRNL    TerminalMode = 73
	TermONOCR    TerminalMode = 74
	TermONLRET   TerminalMode = 75
	TermCS7      TerminalMode = 90
	TermCS8      TerminalMode = 91
	TermPARENB   TerminalMode = 92
	TermPARODD   TerminalMode = 93
	TermISPEED   TerminalMode = 128 // TTY_OP_ISPEED
	TermOSPEED   TerminalMode = 129 // TTY_OP_OSPEED
)

var terminalModeNames = map[TerminalMode]string{
	TermEnd: "TTY_OP_END", TermVINTR: "VINTR", TermVQUIT: "VQUIT", TermVERASE: "VERASE",
	TermVKILL: "VKILL", TermVEOF: "VEOF", TermVEOL: "VEOL", TermVEOL2: "VEOL2",
	TermVSTART: "VSTART", TermVSTOP: "VSTOP", TermVSUSP: "VSUSP", TermVDSUSP: "VDSUSP",
	TermVREPRINT: "VREPRINT", TermVWERASE: "VWERASE", TermVLNEXT: "VLNEXT",
	TermVFLUSH: "VFLUSH", TermVSWTCH: "VSWTCH", TermVSTATUS: "VSTATUS",
	TermVDISCARD: "VDISCARD", TermIGNPAR: "IGNPAR", TermPARMRK: "PARMRK",
	TermINPCK: "INPCK", TermISTRIP: "ISTRIP", TermINLCR: "INLCR", TermIGNCR: "IGNCR",
	TermICRNL: "ICRNL", TermIUCLC: "IUCLC", TermIXON: "IXON", TermIXANY: "IXANY",
	TermIXOFF: "IXOFF", TermIMAXBEL: "IMAXBEL", TermIUTF8: "IUTF8", TermISIG: "ISIG",
	TermICANON: "ICANON", TermXCASE: "XCASE", TermECHO: "ECHO", TermECHOE: "ECHOE",
	TermECHOK: "ECHOK", TermECHONL: "ECHONL", TermNOFLSH: "NOFLSH",
	TermTOSTOP: "TOSTOP", TermIEXTEN: "IEXTEN", TermECHOCTL: "ECHOCTL",
	TermECHOKE: "ECHOKE", TermPENDIN: "PENDIN", TermOPOST: "OPOST", TermOLCUC: "OLCUC",
	TermONLCR: "ONLCR", TermOCRNL: "OCRNL", TermONOCR: "ONOCR", TermONLRET: "ONLRET",
	TermCS7: "CS7", TermCS8: "CS8", TermPARENB: "PARENB", TermPARODD: "PARODD",
	TermISPEED: "TTY_OP_ISPEED", TermOSPEED: "TTY_OP_OSPEED",
}

// String returns the RFC 4254 mnemonic, or "mode(N)" for an unknown opcode.
func (m TerminalMode) String() string {
	if s, ok := terminalModeNames[m]; ok {
		return s
	}
	return "mode(" + strconv.Itoa(int(m)) + ")"
}

// TerminalModes maps terminal mode opcodes to their arguments.
type TerminalModes map[TerminalMode]uint32

// MaxTerminalModes bounds how many distinct opcodes can be decoded; there
// are only 159 argument-carrying opcodes.
const MaxTerminalModes = 159

// Append appends the encoded terminal modes (RFC 4254 §8) in opcode order,
// ending with TTY_OP_END. TTY_OP_END and opcodes of 160 and up are skipped,
// since they cannot carry an argument.
func (t TerminalModes) Append(b []byte) []byte {
	ops := make([]TerminalMode, 0, len(t))
	for op := range t {
		if op != TermEnd && op < 160 {
			ops = append(ops, op)
		}
	}
	slices.Sort(ops)
	for _, op := range ops {
		b = AppendUint32(append(b, byte(op)), t[op])
	}
	return append(b, byte(TermEnd))
}

// ParseTerminalModes decodes encoded terminal modes. Parsing stops at
// TTY_OP_END, at an opcode of 160 or up (RFC 4254 §8), or at the end of the
// data (some clients leave out TTY_OP_END); a truncated argument is an
// error. A repeated opcode keeps its last value.
func ParseTerminalModes(p []byte) (TerminalModes, error) {
	t := TerminalModes{}
	d := NewDecoder(p)
	for d.Len() > 0 {
		op := TerminalMode(d.Byte())
		if op == TermEnd || op >= 160 {
			break
		}
		v := d.Uint32()
		if d.Err() != nil {
			return nil, ErrMalformed
		}
		t[op] = v
	}
	return t, nil
}
