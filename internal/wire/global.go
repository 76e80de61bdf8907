package wire

// Global requests (RFC 4254 §4) and the request-specific data of the
// standard ones (RFC 4254 §7.1, OpenSSH PROTOCOL §2.4).

// Global request names.
const (
	GlobalTCPIPForward             = "tcpip-forward"
	GlobalCancelTCPIPForward       = "cancel-tcpip-forward"
	GlobalStreamlocalForward       = "streamlocal-forward@openssh.com"
	GlobalCancelStreamlocalForward = "cancel-streamlocal-forward@openssh.com"
	GlobalKeepalive                = "keepalive@openssh.com"
	GlobalNoMoreSessions           = "no-more-sessions@openssh.com"
	GlobalHostKeys                 = "hostkeys-00@openssh.com"
	GlobalHostKeysProve            = "hostkeys-prove-00@openssh.com"
)

// GlobalRequest is SSH_MSG_GLOBAL_REQUEST (RFC 4254 §4).
type GlobalRequest struct {
	Request   string
	WantReply bool
	// Payload is the request-specific data, kept raw.
	Payload []byte
}

// Marshal appends the message to b.
func (m *GlobalRequest) Marshal(b []byte) []byte {
	b = append(b, MsgGlobalRequest)
	b = AppendText(b, m.Request)
	b = AppendBool(b, m.WantReply)
	return append(b, m.Payload...)
}

// Unmarshal decodes p.
func (m *GlobalRequest) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	d.expect(MsgGlobalRequest)
	m.Request = d.protoName()
	m.WantReply = d.Bool()
	m.Payload = d.Rest()
	return d.Err()
}

// RequestSuccess is SSH_MSG_REQUEST_SUCCESS (RFC 4254 §4).
type RequestSuccess struct {
	// Data is the response-specific data, kept raw.
	Data []byte
}

// Marshal appends the message to b.
func (m *RequestSuccess) Marshal(b []byte) []byte {
	return append(append(b, MsgRequestSuccess), m.Data...)
}

// Unmarshal decodes p.
func (m *RequestSuccess) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	d.expect(MsgRequestSuccess)
	m.Data = d.Rest()
	return d.Err()
}

// MarshalRequestFailure appends SSH_MSG_REQUEST_FAILURE (RFC 4254 §4).
func MarshalRequestFailure(b []byte) []byte { return append(b, MsgRequestFailure) }

// UnmarshalRequestFailure checks that p is SSH_MSG_REQUEST_FAILURE.
func UnmarshalRequestFailure(p []byte) error {
	d := NewDecoder(p)
	d.expect(MsgRequestFailure)
	return d.Finish()
}

// TCPIPForward is the data of "tcpip-forward" and "cancel-tcpip-forward"
// (RFC 4254 §7.1). A BindPort of 0 asks the server to choose.
type TCPIPForward struct {
	BindAddress string
	BindPort    uint32
}

// Append appends the encoded data to b.
func (m *TCPIPForward) Append(b []byte) []byte {
	return AppendUint32(AppendText(b, m.BindAddress), m.BindPort)
}

// Unmarshal decodes p.
func (m *TCPIPForward) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	m.BindAddress = d.rawText()
	m.BindPort = d.Uint32()
	return d.Finish()
}

// TCPIPForwardReply is the data of the success reply to a "tcpip-forward"
// that asked for port 0: the port the server bound (RFC 4254 §7.1).
type TCPIPForwardReply struct {
	BoundPort uint32
}

// Append appends the encoded data to b.
func (m *TCPIPForwardReply) Append(b []byte) []byte { return AppendUint32(b, m.BoundPort) }

// Unmarshal decodes p.
func (m *TCPIPForwardReply) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	m.BoundPort = d.Uint32()
	return d.Finish()
}

// StreamlocalForward is the data of "streamlocal-forward@openssh.com" and
// "cancel-streamlocal-forward@openssh.com" (OpenSSH PROTOCOL §2.4).
type StreamlocalForward struct {
	SocketPath string
}

// Append appends the encoded data to b.
func (m *StreamlocalForward) Append(b []byte) []byte { return AppendText(b, m.SocketPath) }

// Unmarshal decodes p.
func (m *StreamlocalForward) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	m.SocketPath = d.rawText()
	return d.Finish()
}
