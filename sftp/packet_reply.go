package sftp

import "fmt"

// NameEntry is one entry of an SSH_FXP_NAME reply: a file name, its
// "ls -l" style long name, and its attributes.
type NameEntry struct {
	Name     string
	LongName string
	Attrs    Attributes
}

// reply is any server-to-client packet after VERSION. Which fields are
// meaningful depends on typ. Byte slices alias the decoded packet.
type reply struct {
	typ     byte
	id      uint32
	status  StatusError // STATUS
	handle  string      // HANDLE
	data    []byte      // DATA; EXTENDED_REPLY payload
	names   []NameEntry // NAME
	attrs   Attributes  // ATTRS
	hasLang bool        // STATUS carried message and language fields
}

// appendStatus encodes a STATUS reply. The message and language fields are
// always sent, as OpenSSH does.
func appendStatus(b []byte, id uint32, code StatusCode, msg string) []byte {
	b = beginRequest(b, fxpStatus, id)
	b = appendUint32(b, uint32(code))
	b = appendString(b, msg)
	b = appendString(b, "en")
	return finishPacket(b)
}

func appendHandleReply(b []byte, id uint32, h string) []byte {
	b = beginRequest(b, fxpHandle, id)
	return finishPacket(appendString(b, h))
}

// appendDataHeader starts a DATA reply whose n payload bytes the caller
// appends (or has already placed) after the returned header; finishPacket
// completes it.
func appendDataHeader(b []byte, id uint32, n int) []byte {
	b = beginRequest(b, fxpData, id)
	return appendUint32(b, uint32(n))
}

func appendNameReply(b []byte, id uint32, names []NameEntry) []byte {
	b = beginRequest(b, fxpName, id)
	b = appendUint32(b, uint32(len(names)))
	for i := range names {
		b = appendString(b, names[i].Name)
		b = appendString(b, names[i].LongName)
		b = appendAttrs(b, &names[i].Attrs)
	}
	return finishPacket(b)
}

func appendAttrsReply(b []byte, id uint32, a *Attributes) []byte {
	b = beginRequest(b, fxpAttrs, id)
	return finishPacket(appendAttrs(b, a))
}

// beginExtendedReply starts an EXTENDED_REPLY; the caller appends the
// payload and calls finishPacket.
func beginExtendedReply(b []byte, id uint32) []byte {
	return beginRequest(b, fxpExtendedReply, id)
}

// decodeReply decodes a reply body (type byte first), with bounds checks on
// every field and element count.
func decodeReply(body []byte, r *reply) error {
	*r = reply{}
	if len(body) < 5 {
		return errShortPacket
	}
	d := decoder{b: body}
	r.typ = d.byte()
	r.id = d.uint32()
	switch r.typ {
	case fxpStatus:
		r.status.Code = StatusCode(d.uint32())
		// Some old servers omit the message and language.
		if len(d.b) > 0 {
			r.status.Message = d.string()
			r.status.Lang = d.string()
			r.hasLang = true
		}
	case fxpHandle:
		r.handle = decodeHandle(&d)
	case fxpData:
		r.data = d.bytes()
	case fxpName:
		n := d.count(12) // two empty strings and empty attrs at least
		if n > 0 {
			r.names = make([]NameEntry, n)
		}
		for i := range r.names {
			r.names[i].Name = d.string()
			r.names[i].LongName = d.string()
			decodeAttrs(&d, &r.names[i].Attrs)
		}
	case fxpAttrs:
		decodeAttrs(&d, &r.attrs)
	case fxpExtendedReply:
		r.data = d.b
		d.b = nil
	default:
		return fmt.Errorf("%w: unknown reply type %d", ErrMalformed, r.typ)
	}
	if err := d.finish(); err != nil {
		return fmt.Errorf("%w: reply type %d", ErrMalformed, r.typ)
	}
	return nil
}

// appendInit encodes the client's INIT packet.
func appendInit(b []byte, version uint32) []byte {
	b = beginPacket(b, fxpInit)
	return finishPacket(appendUint32(b, version))
}

// Extension is a (name, data) pair announced in the VERSION packet. For
// OpenSSH's extensions the data is the extension's version number in ASCII.
type Extension struct {
	Name string
	Data string
}

// appendVersion encodes the server's VERSION packet.
func appendVersion(b []byte, version uint32, exts []Extension) []byte {
	b = beginPacket(b, fxpVersion)
	b = appendUint32(b, version)
	for _, e := range exts {
		b = appendString(b, e.Name)
		b = appendString(b, e.Data)
	}
	return finishPacket(b)
}

// maxExtensions bounds the extension pairs accepted in INIT or VERSION.
const maxExtensions = 256

// decodeVersion decodes an INIT or VERSION body (type byte first).
func decodeVersion(body []byte, wantType byte) (uint32, []Extension, error) {
	d := decoder{b: body}
	if t := d.byte(); !d.failed && t != wantType {
		return 0, nil, fmt.Errorf("%w: got packet type %d, want %d", ErrMalformed, t, wantType)
	}
	v := d.uint32()
	var exts []Extension
	for len(d.b) > 0 && !d.failed {
		if len(exts) == maxExtensions {
			return 0, nil, fmt.Errorf("%w: more than %d extensions", ErrMalformed, maxExtensions)
		}
		e := Extension{Name: d.string(), Data: d.string()}
		exts = append(exts, e)
	}
	if err := d.finish(); err != nil {
		return 0, nil, fmt.Errorf("%w: version packet", ErrMalformed)
	}
	return v, exts, nil
}
