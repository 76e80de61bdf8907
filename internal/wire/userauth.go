package wire

// User-authentication messages of RFC 4252 and RFC 4256, and the service
// request/accept pair of RFC 4253 §10 that starts them.

// Authentication method names (RFC 4252 §5, RFC 4256).
const (
	MethodNone                = "none"
	MethodPassword            = "password"
	MethodPublicKey           = "publickey"
	MethodKeyboardInteractive = "keyboard-interactive"
	MethodHostBased           = "hostbased"
)

// Service names (RFC 4250 §4.7).
const (
	ServiceUserAuth   = "ssh-userauth"
	ServiceConnection = "ssh-connection"
)

// MaxPrompts bounds the prompts of an INFO_REQUEST and the responses of an
// INFO_RESPONSE. OpenSSH uses at most a handful; 64 leaves room.
const MaxPrompts = 64

// isName reports whether b is a non-empty printable US-ASCII name without
// spaces, as service and method names are (RFC 4251 §6).
func isName(b []byte) bool {
	if len(b) == 0 || len(b) > 64 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// name reads a string that must satisfy isName.
func (d *Decoder) name() string {
	b := d.String()
	if !isName(b) {
		d.Fail()
		return ""
	}
	return string(b)
}

// ServiceRequest is SSH_MSG_SERVICE_REQUEST (RFC 4253 §10).
type ServiceRequest struct {
	Service string
}

// Marshal appends the message to b.
func (m *ServiceRequest) Marshal(b []byte) []byte {
	return AppendText(append(b, MsgServiceRequest), m.Service)
}

// Unmarshal decodes p, which starts with the message number.
func (m *ServiceRequest) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgServiceRequest {
		return ErrMalformed
	}
	m.Service = d.name()
	return d.Finish()
}

// ServiceAccept is SSH_MSG_SERVICE_ACCEPT (RFC 4253 §10).
type ServiceAccept struct {
	Service string
}

// Marshal appends the message to b.
func (m *ServiceAccept) Marshal(b []byte) []byte {
	return AppendText(append(b, MsgServiceAccept), m.Service)
}

// Unmarshal decodes p.
func (m *ServiceAccept) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgServiceAccept {
		return ErrMalformed
	}
	m.Service = d.name()
	return d.Finish()
}

// UserAuthRequest is SSH_MSG_USERAUTH_REQUEST (RFC 4252 §5). Body holds
// the method-specific fields undecoded; PasswordBody, PublicKeyBody and
// KeyboardInteractiveBody decode them. "none" has an empty body and
// "hostbased" bodies are kept raw.
type UserAuthRequest struct {
	User    string // UTF-8
	Service string
	Method  string
	Body    []byte // aliases the decoded packet
}

// Marshal appends the message to b.
func (m *UserAuthRequest) Marshal(b []byte) []byte {
	b = append(b, MsgUserAuthRequest)
	b = AppendText(b, m.User)
	b = AppendText(b, m.Service)
	b = AppendText(b, m.Method)
	return append(b, m.Body...)
}

// Unmarshal decodes p. The user name must be valid UTF-8; service and
// method must be printable US-ASCII names. Body aliases p.
func (m *UserAuthRequest) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgUserAuthRequest {
		return ErrMalformed
	}
	m.User = d.Text()
	m.Service = d.name()
	m.Method = d.name()
	m.Body = d.Rest()
	return d.Err()
}

// PasswordBody is the body of a "password" request (RFC 4252 §8). With
// Change set it carries the old password in Password and the new one in
// NewPassword.
type PasswordBody struct {
	Change      bool
	Password    string
	NewPassword string
}

// Append appends the body (not a whole message) to b.
func (m *PasswordBody) Append(b []byte) []byte {
	b = AppendBool(b, m.Change)
	b = AppendText(b, m.Password)
	if m.Change {
		b = AppendText(b, m.NewPassword)
	}
	return b
}

// Unmarshal decodes a password request body. Passwords are kept as the
// bytes sent; RFC 4252 asks for UTF-8 but checking it is the verifier's
// business.
func (m *PasswordBody) Unmarshal(body []byte) error {
	d := NewDecoder(body)
	m.Change = d.Bool()
	m.Password = string(d.String())
	m.NewPassword = ""
	if m.Change {
		m.NewPassword = string(d.String())
	}
	return d.Finish()
}

// PublicKeyBody is the body of a "publickey" request (RFC 4252 §7).
// Without a signature it is a query asking whether the key is acceptable.
type PublicKeyBody struct {
	Signed    bool
	Algorithm string
	PublicKey []byte // key blob; aliases the packet after Unmarshal
	Signature []byte // wire signature blob when Signed; aliases the packet
}

// Append appends the body to b.
func (m *PublicKeyBody) Append(b []byte) []byte {
	b = AppendBool(b, m.Signed)
	b = AppendText(b, m.Algorithm)
	b = AppendString(b, m.PublicKey)
	if m.Signed {
		b = AppendString(b, m.Signature)
	}
	return b
}

// Unmarshal decodes a publickey request body.
func (m *PublicKeyBody) Unmarshal(body []byte) error {
	d := NewDecoder(body)
	m.Signed = d.Bool()
	m.Algorithm = d.name()
	m.PublicKey = d.String()
	m.Signature = nil
	if m.Signed {
		m.Signature = d.String()
	}
	return d.Finish()
}

// KeyboardInteractiveBody is the body of a "keyboard-interactive"
// request (RFC 4256 §3.1). Both fields are deprecated or advisory and are
// usually empty.
type KeyboardInteractiveBody struct {
	Language   string
	Submethods string
}

// Append appends the body to b.
func (m *KeyboardInteractiveBody) Append(b []byte) []byte {
	b = AppendText(b, m.Language)
	return AppendText(b, m.Submethods)
}

// Unmarshal decodes a keyboard-interactive request body.
func (m *KeyboardInteractiveBody) Unmarshal(body []byte) error {
	d := NewDecoder(body)
	m.Language = d.Text()
	m.Submethods = d.Text()
	return d.Finish()
}

// PublicKeySignedData returns the data a client signs for publickey
// authentication (RFC 4252 §7): string session identifier, byte
// SSH_MSG_USERAUTH_REQUEST, string user, string service, string
// "publickey", boolean TRUE, string algorithm, string key blob.
func PublicKeySignedData(sessionID []byte, user, service, algorithm string, blob []byte) []byte {
	n := 4 + len(sessionID) + 1 + 4 + len(user) + 4 + len(service) + 4 + len(MethodPublicKey) + 1 + 4 + len(algorithm) + 4 + len(blob)
	b := make([]byte, 0, n)
	b = AppendString(b, sessionID)
	b = append(b, MsgUserAuthRequest)
	b = AppendText(b, user)
	b = AppendText(b, service)
	b = AppendText(b, MethodPublicKey)
	b = AppendBool(b, true)
	b = AppendText(b, algorithm)
	return AppendString(b, blob)
}

// UserAuthFailure is SSH_MSG_USERAUTH_FAILURE (RFC 4252 §5.1).
type UserAuthFailure struct {
	Methods        []string // authentications that can continue
	PartialSuccess bool
}

// Marshal appends the message to b.
func (m *UserAuthFailure) Marshal(b []byte) []byte {
	b = AppendNameList(append(b, MsgUserAuthFailure), m.Methods)
	return AppendBool(b, m.PartialSuccess)
}

// Unmarshal decodes p.
func (m *UserAuthFailure) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgUserAuthFailure {
		return ErrMalformed
	}
	m.Methods = d.NameList()
	m.PartialSuccess = d.Bool()
	return d.Finish()
}

// MarshalUserAuthSuccess appends SSH_MSG_USERAUTH_SUCCESS, which has no
// fields, to b.
func MarshalUserAuthSuccess(b []byte) []byte { return append(b, MsgUserAuthSuccess) }

// UnmarshalUserAuthSuccess checks that p is exactly SSH_MSG_USERAUTH_SUCCESS.
func UnmarshalUserAuthSuccess(p []byte) error {
	if len(p) != 1 || p[0] != MsgUserAuthSuccess {
		return ErrMalformed
	}
	return nil
}

// UserAuthBanner is SSH_MSG_USERAUTH_BANNER (RFC 4252 §5.4).
type UserAuthBanner struct {
	Message  string
	Language string
}

// Marshal appends the message to b.
func (m *UserAuthBanner) Marshal(b []byte) []byte {
	b = AppendText(append(b, MsgUserAuthBanner), m.Message)
	return AppendText(b, m.Language)
}

// Unmarshal decodes p. The text is kept as sent; callers showing it to a
// person pass it through Printable.
func (m *UserAuthBanner) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgUserAuthBanner {
		return ErrMalformed
	}
	m.Message = string(d.String())
	m.Language = string(d.String())
	return d.Finish()
}

// UserAuthPKOK is SSH_MSG_USERAUTH_PK_OK (RFC 4252 §7).
type UserAuthPKOK struct {
	Algorithm string
	PublicKey []byte // aliases the packet after Unmarshal
}

// Marshal appends the message to b.
func (m *UserAuthPKOK) Marshal(b []byte) []byte {
	b = AppendText(append(b, MsgUserAuthPKOK), m.Algorithm)
	return AppendString(b, m.PublicKey)
}

// Unmarshal decodes p.
func (m *UserAuthPKOK) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgUserAuthPKOK {
		return ErrMalformed
	}
	m.Algorithm = d.name()
	m.PublicKey = d.String()
	return d.Finish()
}

// UserAuthPasswdChangeReq is SSH_MSG_USERAUTH_PASSWD_CHANGEREQ (RFC 4252 §8).
type UserAuthPasswdChangeReq struct {
	Prompt   string
	Language string
}

// Marshal appends the message to b.
func (m *UserAuthPasswdChangeReq) Marshal(b []byte) []byte {
	b = AppendText(append(b, MsgUserAuthPasswdChangeReq), m.Prompt)
	return AppendText(b, m.Language)
}

// Unmarshal decodes p. The prompt is kept as sent.
func (m *UserAuthPasswdChangeReq) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgUserAuthPasswdChangeReq {
		return ErrMalformed
	}
	m.Prompt = string(d.String())
	m.Language = string(d.String())
	return d.Finish()
}

// Prompt is one prompt of an INFO_REQUEST.
type Prompt struct {
	Text string
	Echo bool
}

// UserAuthInfoRequest is SSH_MSG_USERAUTH_INFO_REQUEST (RFC 4256 §3.2).
type UserAuthInfoRequest struct {
	Name        string
	Instruction string
	Language    string
	Prompts     []Prompt
}

// Marshal appends the message to b.
func (m *UserAuthInfoRequest) Marshal(b []byte) []byte {
	b = append(b, MsgUserAuthInfoRequest)
	b = AppendText(b, m.Name)
	b = AppendText(b, m.Instruction)
	b = AppendText(b, m.Language)
	b = AppendUint32(b, uint32(len(m.Prompts)))
	for _, p := range m.Prompts {
		b = AppendText(b, p.Text)
		b = AppendBool(b, p.Echo)
	}
	return b
}

// Unmarshal decodes p. More than MaxPrompts prompts is malformed. Text is
// kept as sent; show it through Printable.
func (m *UserAuthInfoRequest) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgUserAuthInfoRequest {
		return ErrMalformed
	}
	m.Name = string(d.String())
	m.Instruction = string(d.String())
	m.Language = string(d.String())
	n := d.Uint32()
	// Each prompt takes at least 5 bytes, so a count the packet cannot
	// hold is rejected before anything is allocated.
	if d.Err() != nil || n > MaxPrompts || uint64(n)*5 > uint64(d.Len()) {
		return ErrMalformed
	}
	m.Prompts = make([]Prompt, 0, n)
	for i := uint32(0); i < n; i++ {
		text := string(d.String())
		m.Prompts = append(m.Prompts, Prompt{Text: text, Echo: d.Bool()})
	}
	return d.Finish()
}

// UserAuthInfoResponse is SSH_MSG_USERAUTH_INFO_RESPONSE (RFC 4256 §3.4).
type UserAuthInfoResponse struct {
	Responses []string
}

// Marshal appends the message to b.
func (m *UserAuthInfoResponse) Marshal(b []byte) []byte {
	b = AppendUint32(append(b, MsgUserAuthInfoResponse), uint32(len(m.Responses)))
	for _, r := range m.Responses {
		b = AppendText(b, r)
	}
	return b
}

// Unmarshal decodes p. More than MaxPrompts responses is malformed.
// Responses are kept as the bytes sent.
func (m *UserAuthInfoResponse) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgUserAuthInfoResponse {
		return ErrMalformed
	}
	n := d.Uint32()
	if d.Err() != nil || n > MaxPrompts || uint64(n)*4 > uint64(d.Len()) {
		return ErrMalformed
	}
	m.Responses = make([]string, 0, n)
	for i := uint32(0); i < n; i++ {
		m.Responses = append(m.Responses, string(d.String()))
	}
	return d.Finish()
}
