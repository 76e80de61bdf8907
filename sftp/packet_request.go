package sftp

import "fmt"

// Open flags (draft-ietf-secsh-filexfer-02 section 6.3), the pflags of an
// SSH_FXP_OPEN request.
const (
	FlagRead   = 0x00000001
	FlagWrite  = 0x00000002
	FlagAppend = 0x00000004
	FlagCreate = 0x00000008
	FlagTrunc  = 0x00000010
	FlagExcl   = 0x00000020
)

// request is any client-to-server packet after INIT: the standard requests
// and the extended ones this package knows. Which fields are meaningful
// depends on typ (and ext). Byte slices alias the decoded packet.
type request struct {
	typ    byte
	id     uint32
	path   string // first path (OPEN, STAT, …; RENAME/SYMLINK: first string)
	path2  string // second path (RENAME, SYMLINK, posix-rename, hardlink)
	handle string
	flags  uint32 // OPEN pflags
	attrs  Attributes
	offset uint64
	length uint32 // READ length
	data   []byte // WRITE data

	ext     string // EXTENDED request name
	extData []byte // EXTENDED payload after the name, for unknown extensions

	// copy-data and users-groups-by-id.
	length64 uint64
	handle2  string
	offset2  uint64
	uids     []uint32
	gids     []uint32
}

// appendRequest encodes r as a complete packet (length included).
func appendRequest(b []byte, r *request) []byte {
	b = beginRequest(b, r.typ, r.id)
	switch r.typ {
	case fxpOpen:
		b = appendString(b, r.path)
		b = appendUint32(b, r.flags)
		b = appendAttrs(b, &r.attrs)
	case fxpClose, fxpFstat, fxpReaddir:
		b = appendString(b, r.handle)
	case fxpRead:
		b = appendString(b, r.handle)
		b = appendUint64(b, r.offset)
		b = appendUint32(b, r.length)
	case fxpWrite:
		b = appendString(b, r.handle)
		b = appendUint64(b, r.offset)
		b = appendBytes(b, r.data)
	case fxpFsetstat:
		b = appendString(b, r.handle)
		b = appendAttrs(b, &r.attrs)
	case fxpSetstat, fxpMkdir:
		b = appendString(b, r.path)
		b = appendAttrs(b, &r.attrs)
	case fxpLstat, fxpStat, fxpOpendir, fxpRemove, fxpRmdir, fxpRealpath, fxpReadlink:
		b = appendString(b, r.path)
	case fxpRename, fxpSymlink:
		b = appendString(b, r.path)
		b = appendString(b, r.path2)
	case fxpExtended:
		b = appendString(b, r.ext)
		b = appendExtRequest(b, r)
	}
	return finishPacket(b)
}

// decodeRequest decodes a request body (type byte first). It checks every
// length against the bytes present and rejects trailing garbage, handles
// longer than MaxHandleLen, and unknown packet types. The id is returned
// even on error when it could be read, so a status can answer it.
func decodeRequest(body []byte, r *request) error {
	*r = request{}
	if len(body) < 5 {
		return errShortPacket
	}
	d := decoder{b: body}
	r.typ = d.byte()
	r.id = d.uint32()
	switch r.typ {
	case fxpOpen:
		r.path = d.string()
		r.flags = d.uint32()
		decodeAttrs(&d, &r.attrs)
	case fxpClose, fxpFstat, fxpReaddir:
		r.handle = decodeHandle(&d)
	case fxpRead:
		r.handle = decodeHandle(&d)
		r.offset = d.uint64()
		r.length = d.uint32()
	case fxpWrite:
		r.handle = decodeHandle(&d)
		r.offset = d.uint64()
		r.data = d.bytes()
	case fxpFsetstat:
		r.handle = decodeHandle(&d)
		decodeAttrs(&d, &r.attrs)
	case fxpSetstat, fxpMkdir:
		r.path = d.string()
		decodeAttrs(&d, &r.attrs)
	case fxpLstat, fxpStat, fxpOpendir, fxpRemove, fxpRmdir, fxpRealpath, fxpReadlink:
		r.path = d.string()
	case fxpRename, fxpSymlink:
		r.path = d.string()
		r.path2 = d.string()
	case fxpExtended:
		r.ext = d.string()
		if d.failed {
			break
		}
		r.extData = d.b
		if !decodeExtRequest(&d, r) {
			d.b = nil // unknown: payload kept raw in extData
		}
	default:
		return fmt.Errorf("%w: unknown request type %d", ErrMalformed, r.typ)
	}
	if err := d.finish(); err != nil {
		return fmt.Errorf("%w: request type %d", ErrMalformed, r.typ)
	}
	return nil
}

// decodeHandle reads a handle and fails the decoder when its length is
// outside 1..MaxHandleLen.
func decodeHandle(d *decoder) string {
	h := d.bytes()
	if !d.failed && !validHandle(h) {
		d.fail()
	}
	return string(h)
}

// requestName names a request type for logs and errors.
func requestName(typ byte) string {
	switch typ {
	case fxpInit:
		return "init"
	case fxpOpen:
		return "open"
	case fxpClose:
		return "close"
	case fxpRead:
		return "read"
	case fxpWrite:
		return "write"
	case fxpLstat:
		return "lstat"
	case fxpFstat:
		return "fstat"
	case fxpSetstat:
		return "setstat"
	case fxpFsetstat:
		return "fsetstat"
	case fxpOpendir:
		return "opendir"
	case fxpReaddir:
		return "readdir"
	case fxpRemove:
		return "remove"
	case fxpMkdir:
		return "mkdir"
	case fxpRmdir:
		return "rmdir"
	case fxpRealpath:
		return "realpath"
	case fxpStat:
		return "stat"
	case fxpRename:
		return "rename"
	case fxpReadlink:
		return "readlink"
	case fxpSymlink:
		return "symlink"
	case fxpExtended:
		return "extended"
	}
	return fmt.Sprintf("type %d", typ)
}
