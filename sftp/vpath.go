package sftp

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"
)

// rootRel maps a client path onto a name relative to the served root. The
// root appears to clients as "/", and relative paths start there; ".."
// never climbs above it.
func rootRel(p string) string {
	c := path.Clean("/" + p)
	if c == "/" {
		return "."
	}
	return c[1:]
}

// virtualPath is the absolute path clients see for p.
func virtualPath(p string) string { return path.Clean("/" + p) }

// splitRel splits a root-relative name into its parent and base name.
func splitRel(r string) (dir, base string) {
	dir, base = path.Split(r)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	return dir, base
}

// LongName formats an "ls -l" style line for a directory listing, as
// SSH_FXP_NAME replies carry for display.
func LongName(name string, a *Attributes, now time.Time) string {
	mode := ModeString(a.Mode)
	mt := a.ModTime()
	var when string
	if mt.Before(now.AddDate(0, -6, 0)) || mt.After(now.AddDate(0, 0, 1)) {
		when = mt.Format("Jan _2  2006")
	} else {
		when = mt.Format("Jan _2 15:04")
	}
	return fmt.Sprintf("%s %4d %-8d %-8d %8d %s %s", mode, 1, a.UID, a.GID, a.Size, when, name)
}

// ModeString renders POSIX mode bits (Attributes.Mode) the way ls -l
// does: "drwxr-xr-x", with s, S, t and T for the set-id and sticky bits,
// and "?" for a file type it does not know (or none, when the server sent
// no permissions).
func ModeString(m uint32) string {
	var b [10]byte
	switch m & ModeType {
	case ModeRegular:
		b[0] = '-'
	case ModeDir:
		b[0] = 'd'
	case ModeSymlink:
		b[0] = 'l'
	case ModeNamedPipe:
		b[0] = 'p'
	case ModeSocket:
		b[0] = 's'
	case ModeChar:
		b[0] = 'c'
	case ModeBlock:
		b[0] = 'b'
	default:
		b[0] = '?'
	}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		if m&(1<<(8-i)) != 0 {
			b[i+1] = rwx[i]
		} else {
			b[i+1] = '-'
		}
	}
	if m&ModeSetuid != 0 {
		b[3] = "Ss"[b2i(m&0o100 != 0)]
	}
	if m&ModeSetgid != 0 {
		b[6] = "Ss"[b2i(m&0o010 != 0)]
	}
	if m&ModeSticky != 0 {
		b[9] = "Tt"[b2i(m&0o001 != 0)]
	}
	return string(b[:])
}

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}

// nameEntry builds a READDIR entry from a directory entry's info.
func nameEntry(fi fs.FileInfo, now time.Time) NameEntry {
	a := AttributesFromFileInfo(fi)
	return NameEntry{Name: fi.Name(), LongName: LongName(fi.Name(), a, now), Attrs: *a}
}
