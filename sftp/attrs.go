package sftp

import (
	"io/fs"
	"path"
	"time"
)

// Attribute flags (draft-ietf-secsh-filexfer-02 section 5) say which
// fields of [Attributes] are present.
const (
	AttrSize        = 0x00000001
	AttrUIDGID      = 0x00000002
	AttrPermissions = 0x00000004
	AttrACModTime   = 0x00000008
	AttrExtended    = 0x80000000
)

// POSIX file type bits carried in [Attributes.Mode].
const (
	ModeType      = 0o170000
	ModeSocket    = 0o140000
	ModeSymlink   = 0o120000
	ModeRegular   = 0o100000
	ModeBlock     = 0o060000
	ModeDir       = 0o040000
	ModeChar      = 0o020000
	ModeNamedPipe = 0o010000
	ModeSetuid    = 0o4000
	ModeSetgid    = 0o2000
	ModeSticky    = 0o1000
	ModePerm      = 0o777
)

// ExtendedAttr is one vendor-specific (type, data) pair in [Attributes].
type ExtendedAttr struct {
	Type string
	Data string
}

// Attributes is the SFTP ATTRS structure: file metadata, each field
// meaningful only when its flag is set in Flags. Mode holds POSIX mode
// bits, file type included; use [FileMode] to convert it.
type Attributes struct {
	Flags    uint32
	Size     uint64
	UID, GID uint32
	Mode     uint32
	ATime    uint32 // seconds since the Unix epoch
	MTime    uint32 // seconds since the Unix epoch
	Extended []ExtendedAttr
}

// Has reports whether all the given flag bits are set.
func (a *Attributes) Has(flags uint32) bool { return a.Flags&flags == flags }

// SetSize sets the size and its flag.
func (a *Attributes) SetSize(n uint64) { a.Size = n; a.Flags |= AttrSize }

// SetOwner sets the numeric owner and group and their flag.
func (a *Attributes) SetOwner(uid, gid uint32) { a.UID, a.GID = uid, gid; a.Flags |= AttrUIDGID }

// SetMode sets the permission bits (and setuid, setgid, sticky) from m.
func (a *Attributes) SetMode(m fs.FileMode) {
	a.Mode = FromFileMode(m)
	a.Flags |= AttrPermissions
}

// SetTimes sets the access and modification times and their flag. Times
// outside the 32-bit range of the protocol are clamped.
func (a *Attributes) SetTimes(atime, mtime time.Time) {
	a.ATime, a.MTime = unix32(atime), unix32(mtime)
	a.Flags |= AttrACModTime
}

// ModTime returns the modification time, or the zero time when absent.
func (a *Attributes) ModTime() time.Time {
	if !a.Has(AttrACModTime) {
		return time.Time{}
	}
	return time.Unix(int64(a.MTime), 0)
}

// AccessTime returns the access time, or the zero time when absent.
func (a *Attributes) AccessTime() time.Time {
	if !a.Has(AttrACModTime) {
		return time.Time{}
	}
	return time.Unix(int64(a.ATime), 0)
}

// FileMode returns the mode as an fs.FileMode (0 when absent).
func (a *Attributes) FileMode() fs.FileMode {
	if !a.Has(AttrPermissions) {
		return 0
	}
	return FileMode(a.Mode)
}

func unix32(t time.Time) uint32 {
	s := t.Unix()
	if s < 0 {
		return 0
	}
	if s > 1<<32-1 {
		return 1<<32 - 1
	}
	return uint32(s)
}

// FileMode converts POSIX mode bits to an fs.FileMode.
func FileMode(m uint32) fs.FileMode {
	fm := fs.FileMode(m & ModePerm)
	switch m & ModeType {
	case ModeDir:
		fm |= fs.ModeDir
	case ModeSymlink:
		fm |= fs.ModeSymlink
	case ModeNamedPipe:
		fm |= fs.ModeNamedPipe
	case ModeSocket:
		fm |= fs.ModeSocket
	case ModeChar:
		fm |= fs.ModeDevice | fs.ModeCharDevice
	case ModeBlock:
		fm |= fs.ModeDevice
	case ModeRegular:
	default:
		if m&ModeType != 0 {
			fm |= fs.ModeIrregular
		}
	}
	if m&ModeSetuid != 0 {
		fm |= fs.ModeSetuid
	}
	if m&ModeSetgid != 0 {
		fm |= fs.ModeSetgid
	}
	if m&ModeSticky != 0 {
		fm |= fs.ModeSticky
	}
	return fm
}

// FromFileMode converts an fs.FileMode to POSIX mode bits, type included.
func FromFileMode(fm fs.FileMode) uint32 {
	m := uint32(fm.Perm())
	switch {
	case fm&fs.ModeDir != 0:
		m |= ModeDir
	case fm&fs.ModeSymlink != 0:
		m |= ModeSymlink
	case fm&fs.ModeNamedPipe != 0:
		m |= ModeNamedPipe
	case fm&fs.ModeSocket != 0:
		m |= ModeSocket
	case fm&fs.ModeCharDevice != 0:
		m |= ModeChar
	case fm&fs.ModeDevice != 0:
		m |= ModeBlock
	case fm&fs.ModeIrregular != 0:
	default:
		m |= ModeRegular
	}
	if fm&fs.ModeSetuid != 0 {
		m |= ModeSetuid
	}
	if fm&fs.ModeSetgid != 0 {
		m |= ModeSetgid
	}
	if fm&fs.ModeSticky != 0 {
		m |= ModeSticky
	}
	return m
}

// appendAttrs encodes a.
func appendAttrs(b []byte, a *Attributes) []byte {
	flags := a.Flags &^ AttrExtended
	if len(a.Extended) > 0 {
		flags |= AttrExtended
	}
	b = appendUint32(b, flags)
	if flags&AttrSize != 0 {
		b = appendUint64(b, a.Size)
	}
	if flags&AttrUIDGID != 0 {
		b = appendUint32(b, a.UID)
		b = appendUint32(b, a.GID)
	}
	if flags&AttrPermissions != 0 {
		b = appendUint32(b, a.Mode)
	}
	if flags&AttrACModTime != 0 {
		b = appendUint32(b, a.ATime)
		b = appendUint32(b, a.MTime)
	}
	if flags&AttrExtended != 0 {
		b = appendUint32(b, uint32(len(a.Extended)))
		for _, e := range a.Extended {
			b = appendString(b, e.Type)
			b = appendString(b, e.Data)
		}
	}
	return b
}

// decodeAttrs reads an ATTRS structure. Unknown flag bits are ignored, as
// their fields cannot be located; the extended count is bounded by the
// bytes left.
func decodeAttrs(d *decoder, a *Attributes) {
	a.Flags = d.uint32()
	if a.Flags&AttrSize != 0 {
		a.Size = d.uint64()
	}
	if a.Flags&AttrUIDGID != 0 {
		a.UID = d.uint32()
		a.GID = d.uint32()
	}
	if a.Flags&AttrPermissions != 0 {
		a.Mode = d.uint32()
	}
	if a.Flags&AttrACModTime != 0 {
		a.ATime = d.uint32()
		a.MTime = d.uint32()
	}
	if a.Flags&AttrExtended != 0 {
		n := d.count(8)
		if n > 0 {
			a.Extended = make([]ExtendedAttr, n)
			for i := range a.Extended {
				a.Extended[i].Type = d.string()
				a.Extended[i].Data = d.string()
			}
		}
	}
	a.Flags &= AttrSize | AttrUIDGID | AttrPermissions | AttrACModTime | AttrExtended
}

// fileInfo is an fs.FileInfo over SFTP attributes.
type fileInfo struct {
	name  string
	attrs Attributes
}

// NewFileInfo returns an fs.FileInfo for a file named name (its base name
// is used) with attributes a. Its Sys method returns *Attributes.
func NewFileInfo(name string, a *Attributes) fs.FileInfo {
	return &fileInfo{name: path.Base(name), attrs: *a}
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return int64(fi.attrs.Size) }
func (fi *fileInfo) Mode() fs.FileMode  { return fi.attrs.FileMode() }
func (fi *fileInfo) ModTime() time.Time { return fi.attrs.ModTime() }
func (fi *fileInfo) IsDir() bool        { return fi.Mode().IsDir() }
func (fi *fileInfo) Sys() any           { return &fi.attrs }

// AttributesFromFileInfo returns attributes describing fi: size, mode and
// times, plus owner when fi.Sys() carries it (*Attributes or a
// syscall.Stat_t on Unix).
func AttributesFromFileInfo(fi fs.FileInfo) *Attributes {
	if a, ok := fi.Sys().(*Attributes); ok {
		c := *a
		return &c
	}
	a := &Attributes{}
	a.SetSize(uint64(fi.Size()))
	a.Mode = FromFileMode(fi.Mode())
	a.Flags |= AttrPermissions
	mt := fi.ModTime()
	a.SetTimes(mt, mt)
	ownerFromSys(fi, a)
	return a
}
