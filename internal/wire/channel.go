package wire

// Channel messages of RFC 4254 §5 and the type-specific data of the
// standard channel types (RFC 4254 §6.3.2, §7.2, OpenSSH PROTOCOL §2.4).
//
// Every message type has Marshal, which appends the whole message (message
// number first) to a caller-owned slice, and Unmarshal, which decodes a
// whole payload. Byte slices left in a decoded message alias the input;
// strings are copies.

// Channel type names (RFC 4254 §6.1, §6.3.2, §7.2, OpenSSH PROTOCOL §2.4).
const (
	ChannelTypeSession              = "session"
	ChannelTypeX11                  = "x11"
	ChannelTypeDirectTCPIP          = "direct-tcpip"
	ChannelTypeForwardedTCPIP       = "forwarded-tcpip"
	ChannelTypeDirectStreamlocal    = "direct-streamlocal@openssh.com"
	ChannelTypeForwardedStreamlocal = "forwarded-streamlocal@openssh.com"
	ChannelTypeAuthAgent            = "auth-agent@openssh.com"
)

// maxNameLen bounds channel type and request names (RFC 4251 §6 allows 64).
const maxNameLen = 64

// protoName reads a string that must be a non-empty printable US-ASCII
// name of at most maxNameLen bytes, as channel types and request names are.
func (d *Decoder) protoName() string {
	b := d.String()
	if len(b) == 0 || len(b) > maxNameLen {
		d.Fail()
		return ""
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f {
			d.Fail()
			return ""
		}
	}
	return string(b)
}

// rawText reads a string and copies it without checking its encoding, for
// fields such as commands, paths and environment values that a peer may
// send in any byte encoding.
func (d *Decoder) rawText() string { return string(d.String()) }

// expect reads the message number and fails the decoder if it is not want.
func (d *Decoder) expect(want byte) {
	if d.Byte() != want {
		d.Fail()
	}
}

// ChannelOpen is SSH_MSG_CHANNEL_OPEN (RFC 4254 §5.1).
type ChannelOpen struct {
	ChanType      string
	SenderChannel uint32
	InitialWindow uint32
	MaxPacket     uint32
	// Extra is the channel-type specific data, kept raw.
	Extra []byte
}

// Marshal appends the message to b.
func (m *ChannelOpen) Marshal(b []byte) []byte {
	b = append(b, MsgChannelOpen)
	b = AppendText(b, m.ChanType)
	b = AppendUint32(b, m.SenderChannel)
	b = AppendUint32(b, m.InitialWindow)
	b = AppendUint32(b, m.MaxPacket)
	return append(b, m.Extra...)
}

// Unmarshal decodes p.
func (m *ChannelOpen) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	d.expect(MsgChannelOpen)
	m.ChanType = d.protoName()
	m.SenderChannel = d.Uint32()
	m.InitialWindow = d.Uint32()
	m.MaxPacket = d.Uint32()
	m.Extra = d.Rest()
	return d.Err()
}

// ChannelOpenConfirm is SSH_MSG_CHANNEL_OPEN_CONFIRMATION (RFC 4254 §5.1).
type ChannelOpenConfirm struct {
	RecipientChannel uint32
	SenderChannel    uint32
	InitialWindow    uint32
	MaxPacket        uint32
	// Extra is channel-type specific data (no standard type defines any).
	Extra []byte
}

// Marshal appends the message to b.
func (m *ChannelOpenConfirm) Marshal(b []byte) []byte {
	b = append(b, MsgChannelOpenConfirm)
	b = AppendUint32(b, m.RecipientChannel)
	b = AppendUint32(b, m.SenderChannel)
	b = AppendUint32(b, m.InitialWindow)
	b = AppendUint32(b, m.MaxPacket)
	return append(b, m.Extra...)
}

// Unmarshal decodes p.
func (m *ChannelOpenConfirm) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	d.expect(MsgChannelOpenConfirm)
	m.RecipientChannel = d.Uint32()
	m.SenderChannel = d.Uint32()
	m.InitialWindow = d.Uint32()
	m.MaxPacket = d.Uint32()
	m.Extra = d.Rest()
	return d.Err()
}

// ChannelOpenFailure is SSH_MSG_CHANNEL_OPEN_FAILURE (RFC 4254 §5.1).
type ChannelOpenFailure struct {
	RecipientChannel uint32
	Reason           uint32
	Message          string
	Language         string
}

// Marshal appends the message to b.
func (m *ChannelOpenFailure) Marshal(b []byte) []byte {
	b = append(b, MsgChannelOpenFailure)
	b = AppendUint32(b, m.RecipientChannel)
	b = AppendUint32(b, m.Reason)
	b = AppendText(b, m.Message)
	return AppendText(b, m.Language)
}

// Unmarshal decodes p. The description is made printable, since it is only
// shown to a person. Some old peers leave out the language tag, so a
// missing one is tolerated.
func (m *ChannelOpenFailure) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	d.expect(MsgChannelOpenFailure)
	m.RecipientChannel = d.Uint32()
	m.Reason = d.Uint32()
	m.Message = Printable(d.String())
	m.Language = ""
	if d.Err() == nil && d.Len() > 0 {
		m.Language = Printable(d.String())
	}
	return d.Finish()
}

// ChannelWindowAdjust is SSH_MSG_CHANNEL_WINDOW_ADJUST (RFC 4254 §5.2).
type ChannelWindowAdjust struct {
	RecipientChannel uint32
	BytesToAdd       uint32
}

// Marshal appends the message to b.
func (m *ChannelWindowAdjust) Marshal(b []byte) []byte {
	b = append(b, MsgChannelWindowAdjust)
	b = AppendUint32(b, m.RecipientChannel)
	return AppendUint32(b, m.BytesToAdd)
}

// Unmarshal decodes p.
func (m *ChannelWindowAdjust) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	d.expect(MsgChannelWindowAdjust)
	m.RecipientChannel = d.Uint32()
	m.BytesToAdd = d.Uint32()
	return d.Finish()
}

// ChannelDataHeaderLen is the length of the header AppendChannelDataHeader
// writes; ChannelExtendedDataHeaderLen that of AppendChannelExtendedDataHeader.
const (
	ChannelDataHeaderLen         = 1 + 4 + 4
	ChannelExtendedDataHeaderLen = 1 + 4 + 4 + 4
)

// AppendChannelDataHeader appends everything of an SSH_MSG_CHANNEL_DATA
// message but the n data bytes themselves, so a sender can pass the data
// to the packet writer separately without copying it.
func AppendChannelDataHeader(b []byte, recipient uint32, n int) []byte {
	b = append(b, MsgChannelData)
	b = AppendUint32(b, recipient)
	return AppendUint32(b, uint32(n))
}

// AppendChannelExtendedDataHeader is AppendChannelDataHeader for
// SSH_MSG_CHANNEL_EXTENDED_DATA with the given data type code.
func AppendChannelExtendedDataHeader(b []byte, recipient, code uint32, n int) []byte {
	b = append(b, MsgChannelExtendedData)
	b = AppendUint32(b, recipient)
	b = AppendUint32(b, code)
	return AppendUint32(b, uint32(n))
}

// ChannelData is SSH_MSG_CHANNEL_DATA (RFC 4254 §5.2).
type ChannelData struct {
	RecipientChannel uint32
	Data             []byte // aliases the input when decoded
}

// Marshal appends the message to b.
func (m *ChannelData) Marshal(b []byte) []byte {
	b = AppendChannelDataHeader(b, m.RecipientChannel, len(m.Data))
	return append(b, m.Data...)
}

// Unmarshal decodes p without copying the data.
func (m *ChannelData) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	d.expect(MsgChannelData)
	m.RecipientChannel = d.Uint32()
	m.Data = d.String()
	return d.Finish()
}

// ChannelExtendedData is SSH_MSG_CHANNEL_EXTENDED_DATA (RFC 4254 §5.2).
type ChannelExtendedData struct {
	RecipientChannel uint32
	Code             uint32 // ExtendedDataStderr is the only standard one
	Data             []byte // aliases the input when decoded
}

// Marshal appends the message to b.
func (m *ChannelExtendedData) Marshal(b []byte) []byte {
	b = AppendChannelExtendedDataHeader(b, m.RecipientChannel, m.Code, len(m.Data))
	return append(b, m.Data...)
}

// Unmarshal decodes p without copying the data.
func (m *ChannelExtendedData) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	d.expect(MsgChannelExtendedData)
	m.RecipientChannel = d.Uint32()
	m.Code = d.Uint32()
	m.Data = d.String()
	return d.Finish()
}

// ChannelRecipient is one of the messages whose only field is the
// recipient channel: SSH_MSG_CHANNEL_EOF, _CLOSE, _SUCCESS and _FAILURE
// (RFC 4254 §5.3, §5.4). Msg says which.
type ChannelRecipient struct {
	Msg              byte
	RecipientChannel uint32
}

// Marshal appends the message to b.
func (m *ChannelRecipient) Marshal(b []byte) []byte {
	return AppendUint32(append(b, m.Msg), m.RecipientChannel)
}

// Unmarshal decodes p, which must carry one of the four message numbers.
func (m *ChannelRecipient) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	m.Msg = d.Byte()
	switch m.Msg {
	case MsgChannelEOF, MsgChannelClose, MsgChannelSuccess, MsgChannelFailure:
	default:
		d.Fail()
	}
	m.RecipientChannel = d.Uint32()
	return d.Finish()
}

// ChannelRequest is SSH_MSG_CHANNEL_REQUEST (RFC 4254 §5.4).
type ChannelRequest struct {
	RecipientChannel uint32
	Request          string
	WantReply        bool
	// Payload is the request-specific data, kept raw.
	Payload []byte
}

// Marshal appends the message to b.
func (m *ChannelRequest) Marshal(b []byte) []byte {
	b = append(b, MsgChannelRequest)
	b = AppendUint32(b, m.RecipientChannel)
	b = AppendText(b, m.Request)
	b = AppendBool(b, m.WantReply)
	return append(b, m.Payload...)
}

// Unmarshal decodes p.
func (m *ChannelRequest) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	d.expect(MsgChannelRequest)
	m.RecipientChannel = d.Uint32()
	m.Request = d.protoName()
	m.WantReply = d.Bool()
	m.Payload = d.Rest()
	return d.Err()
}

// tcpipEndpoints is the layout shared by direct-tcpip and forwarded-tcpip.
type tcpipEndpoints struct {
	host     string
	port     uint32
	origHost string
	origPort uint32
}

func (e *tcpipEndpoints) append(b []byte) []byte {
	b = AppendText(b, e.host)
	b = AppendUint32(b, e.port)
	b = AppendText(b, e.origHost)
	return AppendUint32(b, e.origPort)
}

func (e *tcpipEndpoints) unmarshal(p []byte) error {
	d := NewDecoder(p)
	e.host = d.rawText()
	e.port = d.Uint32()
	e.origHost = d.rawText()
	e.origPort = d.Uint32()
	return d.Finish()
}

// DirectTCPIP is the extra data of a "direct-tcpip" channel open
// (RFC 4254 §7.2). Ports are uint32 on the wire; callers check the range.
type DirectTCPIP struct {
	DestHost   string
	DestPort   uint32
	OriginHost string
	OriginPort uint32
}

// Append appends the encoded data to b.
func (m *DirectTCPIP) Append(b []byte) []byte {
	return (&tcpipEndpoints{m.DestHost, m.DestPort, m.OriginHost, m.OriginPort}).append(b)
}

// Unmarshal decodes the extra data p.
func (m *DirectTCPIP) Unmarshal(p []byte) error {
	var e tcpipEndpoints
	err := e.unmarshal(p)
	*m = DirectTCPIP{e.host, e.port, e.origHost, e.origPort}
	return err
}

// ForwardedTCPIP is the extra data of a "forwarded-tcpip" channel open
// (RFC 4254 §7.2): the address that was connected and the originator.
type ForwardedTCPIP struct {
	ConnectedHost string
	ConnectedPort uint32
	OriginHost    string
	OriginPort    uint32
}

// Append appends the encoded data to b.
func (m *ForwardedTCPIP) Append(b []byte) []byte {
	return (&tcpipEndpoints{m.ConnectedHost, m.ConnectedPort, m.OriginHost, m.OriginPort}).append(b)
}

// Unmarshal decodes the extra data p.
func (m *ForwardedTCPIP) Unmarshal(p []byte) error {
	var e tcpipEndpoints
	err := e.unmarshal(p)
	*m = ForwardedTCPIP{e.host, e.port, e.origHost, e.origPort}
	return err
}

// X11Open is the extra data of an "x11" channel open (RFC 4254 §6.3.2).
type X11Open struct {
	OriginHost string
	OriginPort uint32
}

// Append appends the encoded data to b.
func (m *X11Open) Append(b []byte) []byte {
	return AppendUint32(AppendText(b, m.OriginHost), m.OriginPort)
}

// Unmarshal decodes the extra data p.
func (m *X11Open) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	m.OriginHost = d.rawText()
	m.OriginPort = d.Uint32()
	return d.Finish()
}

// DirectStreamlocal is the extra data of a
// "direct-streamlocal@openssh.com" channel open (OpenSSH PROTOCOL §2.4).
type DirectStreamlocal struct {
	SocketPath   string
	Reserved     string
	ReservedPort uint32
}

// Append appends the encoded data to b.
func (m *DirectStreamlocal) Append(b []byte) []byte {
	b = AppendText(b, m.SocketPath)
	b = AppendText(b, m.Reserved)
	return AppendUint32(b, m.ReservedPort)
}

// Unmarshal decodes the extra data p. The reserved fields are optional,
// since they carry nothing and some clients leave them out.
func (m *DirectStreamlocal) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	*m = DirectStreamlocal{SocketPath: d.rawText()}
	if d.Err() == nil && d.Len() > 0 {
		m.Reserved = d.rawText()
		m.ReservedPort = d.Uint32()
	}
	return d.Finish()
}

// ForwardedStreamlocal is the extra data of a
// "forwarded-streamlocal@openssh.com" channel open (OpenSSH PROTOCOL §2.4).
type ForwardedStreamlocal struct {
	SocketPath string
	Reserved   string
}

// Append appends the encoded data to b.
func (m *ForwardedStreamlocal) Append(b []byte) []byte {
	return AppendText(AppendText(b, m.SocketPath), m.Reserved)
}

// Unmarshal decodes the extra data p; the reserved string is optional.
func (m *ForwardedStreamlocal) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	*m = ForwardedStreamlocal{SocketPath: d.rawText()}
	if d.Err() == nil && d.Len() > 0 {
		m.Reserved = d.rawText()
	}
	return d.Finish()
}
