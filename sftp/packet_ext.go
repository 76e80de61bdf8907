package sftp

// Extension names (OpenSSH PROTOCOL section 4).
const (
	extPosixRename = "posix-rename@openssh.com"
	extStatVFS     = "statvfs@openssh.com"
	extFStatVFS    = "fstatvfs@openssh.com"
	extHardlink    = "hardlink@openssh.com"
	extFsync       = "fsync@openssh.com"
	extLsetstat    = "lsetstat@openssh.com"
	extLimits      = "limits@openssh.com"
	extExpandPath  = "expand-path@openssh.com"
	extCopyData    = "copy-data"
	extHomeDir     = "home-directory"
	extUsersGroups = "users-groups-by-id@openssh.com"
)

// extVersions is the version each known extension is announced with.
var extVersions = map[string]string{
	extPosixRename: "1",
	extStatVFS:     "2",
	extFStatVFS:    "2",
	extHardlink:    "1",
	extFsync:       "1",
	extLsetstat:    "1",
	extLimits:      "1",
	extExpandPath:  "1",
	extCopyData:    "1",
	extHomeDir:     "1",
	extUsersGroups: "1",
}

// appendExtRequest encodes the payload of a known extended request, or
// r.extData verbatim for others.
func appendExtRequest(b []byte, r *request) []byte {
	switch r.ext {
	case extPosixRename, extHardlink:
		b = appendString(b, r.path)
		b = appendString(b, r.path2)
	case extStatVFS, extExpandPath, extHomeDir:
		b = appendString(b, r.path)
	case extFStatVFS, extFsync:
		b = appendString(b, r.handle)
	case extLsetstat:
		b = appendString(b, r.path)
		b = appendAttrs(b, &r.attrs)
	case extLimits:
	case extCopyData:
		b = appendString(b, r.handle)
		b = appendUint64(b, r.offset)
		b = appendUint64(b, r.length64)
		b = appendString(b, r.handle2)
		b = appendUint64(b, r.offset2)
	case extUsersGroups:
		b = appendIDList(b, r.uids)
		b = appendIDList(b, r.gids)
	default:
		b = append(b, r.extData...)
	}
	return b
}

func appendIDList(b []byte, ids []uint32) []byte {
	b = appendUint32(b, uint32(4*len(ids)))
	for _, id := range ids {
		b = appendUint32(b, id)
	}
	return b
}

// decodeExtRequest decodes the payload of a known extended request and
// reports whether the extension was known.
func decodeExtRequest(d *decoder, r *request) bool {
	switch r.ext {
	case extPosixRename, extHardlink:
		r.path = d.string()
		r.path2 = d.string()
	case extStatVFS, extExpandPath, extHomeDir:
		r.path = d.string()
	case extFStatVFS, extFsync:
		r.handle = decodeHandle(d)
	case extLsetstat:
		r.path = d.string()
		decodeAttrs(d, &r.attrs)
	case extLimits:
	case extCopyData:
		r.handle = decodeHandle(d)
		r.offset = d.uint64()
		r.length64 = d.uint64()
		r.handle2 = decodeHandle(d)
		r.offset2 = d.uint64()
	case extUsersGroups:
		r.uids = decodeIDList(d)
		r.gids = decodeIDList(d)
	default:
		return false
	}
	r.extData = nil
	return true
}

func decodeIDList(d *decoder) []uint32 {
	b := d.bytes()
	if d.failed {
		return nil
	}
	if len(b)%4 != 0 {
		d.fail()
		return nil
	}
	ids := make([]uint32, len(b)/4)
	sub := decoder{b: b}
	for i := range ids {
		ids[i] = sub.uint32()
	}
	return ids
}

// StatVFS is the reply to statvfs@openssh.com and fstatvfs@openssh.com:
// the fields of POSIX struct statvfs.
type StatVFS struct {
	BlockSize     uint64 // f_bsize: file system block size
	FragmentSize  uint64 // f_frsize: fundamental block size
	Blocks        uint64 // f_blocks: size in f_frsize units
	BlocksFree    uint64 // f_bfree: free blocks
	BlocksAvail   uint64 // f_bavail: free blocks for unprivileged users
	Files         uint64 // f_files: inodes
	FilesFree     uint64 // f_ffree: free inodes
	FilesAvail    uint64 // f_favail: free inodes for unprivileged users
	FilesystemID  uint64 // f_fsid
	Flag          uint64 // f_flag: VFSReadOnly, VFSNoSUID
	MaxNameLength uint64 // f_namemax
}

// StatVFS flag bits.
const (
	VFSReadOnly = 0x1
	VFSNoSUID   = 0x2
)

// TotalSpace returns the file system's size in bytes.
func (s *StatVFS) TotalSpace() uint64 { return s.Blocks * s.FragmentSize }

// FreeSpace returns the bytes available to unprivileged users.
func (s *StatVFS) FreeSpace() uint64 { return s.BlocksAvail * s.FragmentSize }

func appendStatVFS(b []byte, s *StatVFS) []byte {
	for _, v := range [...]uint64{s.BlockSize, s.FragmentSize, s.Blocks, s.BlocksFree,
		s.BlocksAvail, s.Files, s.FilesFree, s.FilesAvail, s.FilesystemID, s.Flag, s.MaxNameLength} {
		b = appendUint64(b, v)
	}
	return b
}

func decodeStatVFS(d *decoder) StatVFS {
	var s StatVFS
	for _, p := range [...]*uint64{&s.BlockSize, &s.FragmentSize, &s.Blocks, &s.BlocksFree,
		&s.BlocksAvail, &s.Files, &s.FilesFree, &s.FilesAvail, &s.FilesystemID, &s.Flag, &s.MaxNameLength} {
		*p = d.uint64()
	}
	return s
}

// Limits is the reply to limits@openssh.com. Zero means "no fixed limit".
type Limits struct {
	MaxPacketLength uint64 // bytes in one SFTP packet
	MaxReadLength   uint64 // largest READ length served in full
	MaxWriteLength  uint64 // largest WRITE payload accepted
	MaxOpenHandles  uint64 // open file and directory handles
}

func appendLimits(b []byte, l *Limits) []byte {
	b = appendUint64(b, l.MaxPacketLength)
	b = appendUint64(b, l.MaxReadLength)
	b = appendUint64(b, l.MaxWriteLength)
	return appendUint64(b, l.MaxOpenHandles)
}

func decodeLimits(d *decoder) Limits {
	return Limits{d.uint64(), d.uint64(), d.uint64(), d.uint64()}
}

// appendNameList encodes the users-groups-by-id name lists: a string
// holding strings.
func appendNameList(b []byte, names []string) []byte {
	n := 0
	for _, s := range names {
		n += 4 + len(s)
	}
	b = appendUint32(b, uint32(n))
	for _, s := range names {
		b = appendString(b, s)
	}
	return b
}

func decodeNameList(d *decoder) []string {
	b := d.bytes()
	if d.failed {
		return nil
	}
	sub := decoder{b: b}
	var names []string
	for len(sub.b) > 0 {
		names = append(names, sub.string())
	}
	if sub.failed {
		d.fail()
		return nil
	}
	return names
}
