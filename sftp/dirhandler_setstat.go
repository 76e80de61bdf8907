//go:build unix

package sftp

import (
	"context"
	"io/fs"
	"math"
	"os"
	"path"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// maxLinks bounds the symbolic links followed in the final component of
// one path, as the kernel's own limit does (ELOOP beyond).
const maxLinks = 40

// errEscapes refuses a symbolic link that leads outside the root, as
// os.Root refuses one anywhere else in a path.
var errEscapes = &StatusError{Code: StatusPermissionDenied, Message: "path escapes from the root"}

// Setstat implements [Handler]. Like chmod(2), chown(2) and utimensat(2)
// it works on the path, never opening the file to read it, so the mode of
// a file the server cannot read (mode 000, say) can still be changed, as
// OpenSSH's sftp-server allows; only a size change opens the file, for
// writing, as truncate(2) needs. A final symbolic link is followed while
// it stays inside the root.
func (h *DirHandler) Setstat(_ context.Context, p string, a *Attributes) error {
	if err := h.writable(); err != nil {
		return err
	}
	d, name, err := h.at(p, true)
	if err != nil {
		return err
	}
	defer d.Close()
	return setAttrsAt(d, name, p, a)
}

// Lsetstat implements [LsetstatHandler]: Setstat without following a final
// symbolic link. A link's owner and times can change; its size and mode
// cannot.
func (h *DirHandler) Lsetstat(_ context.Context, p string, a *Attributes) error {
	if err := h.writable(); err != nil {
		return err
	}
	d, name, err := h.at(p, false)
	if err != nil {
		return err
	}
	defer d.Close()
	if a.Has(AttrSize) || a.Has(AttrPermissions) {
		var st unix.Stat_t
		if err := unix.Fstatat(int(d.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return pathError("lstat", p, err)
		}
		if st.Mode&unix.S_IFMT == unix.S_IFLNK {
			return &StatusError{Code: StatusOpUnsupported, Message: "cannot change the size or mode of a symbolic link"}
		}
	}
	return setAttrsAt(d, name, p, a)
}

// at opens the directory holding p's final component and returns it with
// that component's name, for the *at system calls; os.Root resolves
// everything before the final component without leaving the root. With
// follow set, a final symbolic link is followed — and the link it leads
// to, and so on — while each stays inside the root: its target is handed
// back to os.Root unresolved, so ".." in it means what the kernel would
// make of it. When the path names the root itself, or a link's target ends
// in "." or "..", the directory itself is returned with the name ".".
func (h *DirHandler) at(p string, follow bool) (*os.File, string, error) {
	cur := rootRel(p)
	for range maxLinks {
		dir, name := cur, ""
		if i := strings.LastIndexByte(cur, '/'); i >= 0 {
			dir, name = cur[:i], cur[i+1:]
		} else if cur != "." && cur != ".." {
			dir, name = ".", cur
		}
		if name == "" || name == "." || name == ".." {
			d, err := h.root.Open(cur)
			return d, ".", err
		}
		d, err := h.root.Open(dir)
		if err != nil {
			return nil, "", err
		}
		if !follow {
			return d, name, nil
		}
		link, err := readlinkAt(int(d.Fd()), name)
		if err != nil {
			// Not a link, or missing: the operation itself says which.
			return d, name, nil
		}
		d.Close()
		if path.IsAbs(link) {
			return nil, "", errEscapes
		}
		cur = dir + "/" + link
	}
	return nil, "", pathError("setstat", p, syscall.ELOOP)
}

// readlinkAt reads the symbolic link name in the directory dirfd.
func readlinkAt(dirfd int, name string) (string, error) {
	buf := make([]byte, 4096)
	n, err := unix.Readlinkat(dirfd, name, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// setAttrsAt applies a to name in the directory d without following a
// final symbolic link (whoever chose name already did). p names the file
// in errors.
func setAttrsAt(d *os.File, name, p string, a *Attributes) error {
	dfd := int(d.Fd())
	if a.Has(AttrSize) {
		if a.Size > math.MaxInt64 {
			return fs.ErrInvalid
		}
		fd, err := unix.Openat(dfd, name, unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			return pathError("truncate", p, err)
		}
		err = unix.Ftruncate(fd, int64(a.Size))
		unix.Close(fd)
		if err != nil {
			return pathError("truncate", p, err)
		}
	}
	if a.Has(AttrPermissions) {
		if err := chmodAt(dfd, name, a.Mode&0o7777); err != nil {
			return pathError("chmod", p, err)
		}
	}
	if a.Has(AttrUIDGID) {
		if err := unix.Fchownat(dfd, name, int(a.UID), int(a.GID), unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return pathError("chown", p, err)
		}
	}
	if a.Has(AttrACModTime) {
		ts := []unix.Timespec{unix.NsecToTimespec(int64(a.ATime) * 1e9), unix.NsecToTimespec(int64(a.MTime) * 1e9)}
		if err := unix.UtimesNanoAt(dfd, name, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return pathError("utimes", p, err)
		}
	}
	return nil
}

// setAttrs applies a to an open file (FSETSTAT).
func setAttrs(f *os.File, a *Attributes) error {
	if a.Has(AttrSize) {
		if a.Size > math.MaxInt64 {
			return fs.ErrInvalid
		}
		if err := f.Truncate(int64(a.Size)); err != nil {
			return err
		}
	}
	if a.Has(AttrPermissions) {
		if err := f.Chmod(FileMode(a.Mode & 0o7777)); err != nil {
			return err
		}
	}
	if a.Has(AttrUIDGID) {
		if err := f.Chown(int(a.UID), int(a.GID)); err != nil {
			return err
		}
	}
	if a.Has(AttrACModTime) {
		// NsecToTimeval fits the field widths of 32-bit platforms too.
		tv := []unix.Timeval{unix.NsecToTimeval(int64(a.ATime) * 1e9), unix.NsecToTimeval(int64(a.MTime) * 1e9)}
		if err := unix.Futimes(int(f.Fd()), tv); err != nil {
			return &fs.PathError{Op: "futimes", Path: f.Name(), Err: err}
		}
	}
	return nil
}
