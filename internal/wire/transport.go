package wire

// Transport-layer messages of RFC 4253 §11 and §7, RFC 8308 and
// OpenSSH's ping extension.

// KexInit is SSH_MSG_KEXINIT (RFC 4253 §7.1).
type KexInit struct {
	Cookie                  [16]byte
	KexAlgos                []string
	HostKeyAlgos            []string
	CiphersClientServer     []string
	CiphersServerClient     []string
	MACsClientServer        []string
	MACsServerClient        []string
	CompressionClientServer []string
	CompressionServerClient []string
	LanguagesClientServer   []string
	LanguagesServerClient   []string
	FirstKexFollows         bool
	Reserved                uint32
}

// Marshal appends the message, including its number, to b.
func (m *KexInit) Marshal(b []byte) []byte {
	b = append(b, MsgKexInit)
	b = append(b, m.Cookie[:]...)
	for _, l := range m.lists() {
		b = AppendNameList(b, *l)
	}
	b = AppendBool(b, m.FirstKexFollows)
	return AppendUint32(b, m.Reserved)
}

func (m *KexInit) lists() [10]*[]string {
	return [10]*[]string{
		&m.KexAlgos, &m.HostKeyAlgos,
		&m.CiphersClientServer, &m.CiphersServerClient,
		&m.MACsClientServer, &m.MACsServerClient,
		&m.CompressionClientServer, &m.CompressionServerClient,
		&m.LanguagesClientServer, &m.LanguagesServerClient,
	}
}

// Unmarshal decodes p, which starts with the message number.
func (m *KexInit) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgKexInit {
		return ErrMalformed
	}
	copy(m.Cookie[:], d.Bytes(16))
	for _, l := range m.lists() {
		*l = d.NameList()
	}
	m.FirstKexFollows = d.Bool()
	m.Reserved = d.Uint32()
	return d.Finish()
}

// Disconnect is SSH_MSG_DISCONNECT (RFC 4253 §11.1).
type Disconnect struct {
	Reason   uint32
	Message  string
	Language string
}

// Marshal appends the message to b.
func (m *Disconnect) Marshal(b []byte) []byte {
	b = append(b, MsgDisconnect)
	b = AppendUint32(b, m.Reason)
	b = AppendText(b, m.Message)
	return AppendText(b, m.Language)
}

// Unmarshal decodes p. A message that is not valid UTF-8 is kept with
// invalid bytes replaced, since it is only shown to a person.
func (m *Disconnect) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgDisconnect {
		return ErrMalformed
	}
	m.Reason = d.Uint32()
	m.Message = Printable(d.String())
	m.Language = Printable(d.String())
	return d.Err() // trailing bytes are tolerated: the peer is leaving anyway
}

// Debug is SSH_MSG_DEBUG (RFC 4253 §11.3).
type Debug struct {
	AlwaysDisplay bool
	Message       string
	Language      string
}

// Unmarshal decodes p.
func (m *Debug) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgDebug {
		return ErrMalformed
	}
	m.AlwaysDisplay = d.Bool()
	m.Message = Printable(d.String())
	m.Language = Printable(d.String())
	return d.Err()
}

// Unimplemented is SSH_MSG_UNIMPLEMENTED (RFC 4253 §11.4).
type Unimplemented struct {
	Seq uint32
}

// Marshal appends the message to b.
func (m *Unimplemented) Marshal(b []byte) []byte {
	return AppendUint32(append(b, MsgUnimplemented), m.Seq)
}

// Unmarshal decodes p.
func (m *Unimplemented) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgUnimplemented {
		return ErrMalformed
	}
	m.Seq = d.Uint32()
	return d.Finish()
}

// Extension is one name/value pair of SSH_MSG_EXT_INFO.
type Extension struct {
	Name  string
	Value []byte
}

// MaxExtensions bounds how many extensions an EXT_INFO may carry.
const MaxExtensions = 64

// ExtInfo is SSH_MSG_EXT_INFO (RFC 8308 §2.3).
type ExtInfo struct {
	Extensions []Extension
}

// Marshal appends the message to b.
func (m *ExtInfo) Marshal(b []byte) []byte {
	b = append(b, MsgExtInfo)
	b = AppendUint32(b, uint32(len(m.Extensions)))
	for _, e := range m.Extensions {
		b = AppendText(b, e.Name)
		b = AppendString(b, e.Value)
	}
	return b
}

// Unmarshal decodes p. Values alias p.
func (m *ExtInfo) Unmarshal(p []byte) error {
	d := NewDecoder(p)
	if d.Byte() != MsgExtInfo {
		return ErrMalformed
	}
	n := d.Uint32()
	if n > MaxExtensions {
		return ErrMalformed
	}
	m.Extensions = make([]Extension, 0, n)
	for i := uint32(0); i < n && d.Err() == nil; i++ {
		name := d.Text()
		m.Extensions = append(m.Extensions, Extension{Name: name, Value: d.String()})
	}
	return d.Finish()
}

// Lookup returns the value of the named extension.
func (m *ExtInfo) Lookup(name string) ([]byte, bool) {
	for _, e := range m.Extensions {
		if e.Name == name {
			return e.Value, true
		}
	}
	return nil, false
}

// Printable converts peer text for display, replacing invalid UTF-8 and
// control characters other than tab and newline so a hostile peer cannot
// drive the user's terminal.
func Printable(b []byte) string {
	out := make([]rune, 0, len(b))
	for _, r := range string(b) {
		switch {
		case r == '\t' || r == '\n':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			r = '?'
		}
		out = append(out, r)
	}
	return string(out)
}
