//go:build unix

package sftp

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// DirHandler is a [Handler] serving a real directory tree, confined to its
// root with os.Root: no client path — with "..", absolute, or through
// symbolic links — reaches outside it. Clients see the root as "/". It
// implements every extension this package knows. Safe for use by many
// sessions at once.
//
// Confinement is by path, so it cannot see hard links: a hard link to an
// outside file, planted inside the root by someone with local access to
// that file, is the file itself, and is served like any other (read,
// written, chmod-ed). No path check can tell it apart; keep the root on a
// file system of its own, or out of reach of untrusted local users, if
// that matters. Clients themselves cannot make such a link: Link resolves
// both paths inside the root.
type DirHandler struct {
	root     *os.Root
	readOnly bool

	handleTable[*dirFile]
}

type dirFile struct {
	f      *os.File
	append bool
	dir    bool
	write  bool
}

// DirOption configures a [DirHandler].
type DirOption func(*DirHandler)

// ReadOnly refuses every request that would change the tree.
func ReadOnly() DirOption { return func(h *DirHandler) { h.readOnly = true } }

// NewDirHandler returns a handler serving the directory dir.
func NewDirHandler(dir string, opts ...DirOption) (*DirHandler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	h := &DirHandler{root: root, handleTable: handleTable[*dirFile]{prefix: "h"}}
	for _, o := range opts {
		o(h)
	}
	return h, nil
}

// Release closes the root and any files still open; use it once no
// session is served any more.
func (h *DirHandler) Release() error {
	for _, f := range h.takeAll() {
		f.f.Close()
	}
	return h.root.Close()
}

var errReadOnly = &StatusError{Code: StatusPermissionDenied, Message: "read-only server"}

func (h *DirHandler) writable() error {
	if h.readOnly {
		return errReadOnly
	}
	return nil
}

// Open implements [Handler].
func (h *DirHandler) Open(_ context.Context, p string, pflags uint32, attrs *Attributes) (string, error) {
	var flag int
	switch pflags & (FlagRead | FlagWrite) {
	case FlagRead, 0:
		flag = os.O_RDONLY
	case FlagWrite:
		flag = os.O_WRONLY
	default:
		flag = os.O_RDWR
	}
	write := pflags&FlagWrite != 0
	if write || pflags&(FlagCreate|FlagTrunc|FlagAppend) != 0 {
		if err := h.writable(); err != nil {
			return "", err
		}
	}
	if pflags&FlagAppend != 0 {
		flag |= os.O_APPEND
	}
	if pflags&FlagCreate != 0 {
		flag |= os.O_CREATE
	}
	if pflags&FlagTrunc != 0 {
		flag |= os.O_TRUNC
	}
	if pflags&FlagExcl != 0 {
		flag |= os.O_EXCL
	}
	perm := fs.FileMode(0o666)
	if attrs.Has(AttrPermissions) {
		perm = fs.FileMode(attrs.Mode & 0o7777)
	}
	f, err := h.root.OpenFile(rootRel(p), flag|syscall.O_NONBLOCK, perm.Perm())
	if err != nil {
		return "", err
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() && write {
		f.Close()
		return "", &StatusError{Code: StatusFailure, Message: "is a directory"}
	}
	return h.add(&dirFile{f: f, append: pflags&FlagAppend != 0, write: write}), nil
}

// Close implements [Handler].
func (h *DirHandler) Close(_ context.Context, handle string) error {
	f, err := h.take(handle)
	if err != nil {
		return err
	}
	return f.f.Close()
}

// Read implements [Handler].
func (h *DirHandler) Read(_ context.Context, handle string, off int64, p []byte) (int, error) {
	f, err := h.get(handle)
	if err != nil {
		return 0, err
	}
	n, err := f.f.ReadAt(p, off)
	if n > 0 {
		return n, nil
	}
	return 0, err
}

// Write implements [Handler].
func (h *DirHandler) Write(_ context.Context, handle string, off int64, p []byte) error {
	f, err := h.get(handle)
	if err != nil {
		return err
	}
	if !f.write {
		return &StatusError{Code: StatusPermissionDenied, Message: "file not open for writing"}
	}
	if f.append {
		_, err = f.f.Write(p)
	} else {
		_, err = f.f.WriteAt(p, off)
	}
	return err
}

// Fstat implements [Handler].
func (h *DirHandler) Fstat(_ context.Context, handle string) (*Attributes, error) {
	f, err := h.get(handle)
	if err != nil {
		return nil, err
	}
	fi, err := f.f.Stat()
	if err != nil {
		return nil, err
	}
	return AttributesFromFileInfo(fi), nil
}

// Fsetstat implements [Handler].
func (h *DirHandler) Fsetstat(_ context.Context, handle string, a *Attributes) error {
	if err := h.writable(); err != nil {
		return err
	}
	f, err := h.get(handle)
	if err != nil {
		return err
	}
	return setAttrs(f.f, a)
}

// OpenDir implements [Handler].
func (h *DirHandler) OpenDir(_ context.Context, p string) (string, error) {
	f, err := h.root.Open(rootRel(p))
	if err != nil {
		return "", err
	}
	fi, err := f.Stat()
	if err != nil || !fi.IsDir() {
		f.Close()
		if err == nil {
			err = &StatusError{Code: StatusFailure, Message: "not a directory"}
		}
		return "", err
	}
	return h.add(&dirFile{f: f, dir: true}), nil
}

// ReadDir implements [Handler].
func (h *DirHandler) ReadDir(_ context.Context, handle string) ([]NameEntry, error) {
	f, err := h.get(handle)
	if err != nil {
		return nil, err
	}
	if !f.dir {
		return nil, errInvalidHandle
	}
	ents, err := f.f.ReadDir(128)
	if len(ents) == 0 {
		if err == nil {
			err = io.EOF
		}
		return nil, err
	}
	now := time.Now()
	out := make([]NameEntry, 0, len(ents))
	for _, e := range ents {
		fi, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		out = append(out, nameEntry(fi, now))
	}
	return out, nil
}

// parent opens the directory holding p (inside the root) and returns it
// with p's base name, for the *at system calls.
func (h *DirHandler) parent(p string) (*os.File, string, error) {
	r := rootRel(p)
	if r == "." {
		return nil, "", &StatusError{Code: StatusPermissionDenied, Message: "operation not allowed on the root"}
	}
	dir, base := splitRel(r)
	f, err := h.root.Open(dir)
	if err != nil {
		return nil, "", err
	}
	return f, base, nil
}

func pathError(op, p string, err error) error {
	if err == nil {
		return nil
	}
	return &fs.PathError{Op: op, Path: p, Err: err}
}

// Remove implements [Handler]; it removes files only.
func (h *DirHandler) Remove(_ context.Context, p string) error {
	if err := h.writable(); err != nil {
		return err
	}
	d, base, err := h.parent(p)
	if err != nil {
		return err
	}
	defer d.Close()
	return pathError("remove", p, unix.Unlinkat(int(d.Fd()), base, 0))
}

// Mkdir implements [Handler].
func (h *DirHandler) Mkdir(_ context.Context, p string, a *Attributes) error {
	if err := h.writable(); err != nil {
		return err
	}
	perm := fs.FileMode(0o777)
	if a.Has(AttrPermissions) {
		perm = FileMode(a.Mode & 0o777)
	}
	return h.root.Mkdir(rootRel(p), perm)
}

// Rmdir implements [Handler].
func (h *DirHandler) Rmdir(_ context.Context, p string) error {
	if err := h.writable(); err != nil {
		return err
	}
	d, base, err := h.parent(p)
	if err != nil {
		return err
	}
	defer d.Close()
	return pathError("rmdir", p, unix.Unlinkat(int(d.Fd()), base, unix.AT_REMOVEDIR))
}

// RealPath implements [Handler]: the path made absolute and cleaned, with
// the root as "/".
func (h *DirHandler) RealPath(_ context.Context, p string) (string, error) {
	return virtualPath(p), nil
}

// Stat implements [Handler].
func (h *DirHandler) Stat(_ context.Context, p string) (*Attributes, error) {
	fi, err := h.root.Stat(rootRel(p))
	if err != nil {
		return nil, err
	}
	return AttributesFromFileInfo(fi), nil
}

// Lstat implements [Handler].
func (h *DirHandler) Lstat(_ context.Context, p string) (*Attributes, error) {
	fi, err := h.root.Lstat(rootRel(p))
	if err != nil {
		return nil, err
	}
	return AttributesFromFileInfo(fi), nil
}

// twoParents opens the parents of two paths.
func (h *DirHandler) twoParents(a, b string) (da *os.File, ba string, db *os.File, bb string, err error) {
	if da, ba, err = h.parent(a); err != nil {
		return
	}
	if db, bb, err = h.parent(b); err != nil {
		da.Close()
	}
	return
}

// Rename implements [Handler]; it fails if newpath exists.
func (h *DirHandler) Rename(_ context.Context, oldpath, newpath string) error {
	if err := h.writable(); err != nil {
		return err
	}
	da, ba, db, bb, err := h.twoParents(oldpath, newpath)
	if err != nil {
		return err
	}
	defer da.Close()
	defer db.Close()
	return pathError("rename", oldpath, renameNoReplace(int(da.Fd()), ba, int(db.Fd()), bb))
}

// PosixRename implements [PosixRenameHandler].
func (h *DirHandler) PosixRename(_ context.Context, oldpath, newpath string) error {
	if err := h.writable(); err != nil {
		return err
	}
	da, ba, db, bb, err := h.twoParents(oldpath, newpath)
	if err != nil {
		return err
	}
	defer da.Close()
	defer db.Close()
	return pathError("rename", oldpath, unix.Renameat(int(da.Fd()), ba, int(db.Fd()), bb))
}

// ReadLink implements [Handler].
func (h *DirHandler) ReadLink(_ context.Context, p string) (string, error) {
	d, base, err := h.parent(p)
	if err != nil {
		return "", err
	}
	defer d.Close()
	link, err := readlinkAt(int(d.Fd()), base)
	if err != nil {
		return "", pathError("readlink", p, err)
	}
	return link, nil
}

// Symlink implements [Handler]. The target is stored as given; links
// that lead outside the root cannot be followed through this handler.
func (h *DirHandler) Symlink(_ context.Context, target, linkpath string) error {
	if err := h.writable(); err != nil {
		return err
	}
	if strings.IndexByte(target, 0) >= 0 || target == "" {
		return fs.ErrInvalid
	}
	d, base, err := h.parent(linkpath)
	if err != nil {
		return err
	}
	defer d.Close()
	return pathError("symlink", linkpath, unix.Symlinkat(target, int(d.Fd()), base))
}

// Link implements [HardlinkHandler]. A symbolic link is linked itself,
// never the file it points to.
func (h *DirHandler) Link(_ context.Context, oldpath, newpath string) error {
	if err := h.writable(); err != nil {
		return err
	}
	da, ba, db, bb, err := h.twoParents(oldpath, newpath)
	if err != nil {
		return err
	}
	defer da.Close()
	defer db.Close()
	return pathError("link", oldpath, unix.Linkat(int(da.Fd()), ba, int(db.Fd()), bb, 0))
}

// Fsync implements [FsyncHandler].
func (h *DirHandler) Fsync(_ context.Context, handle string) error {
	f, err := h.get(handle)
	if err != nil {
		return err
	}
	return f.f.Sync()
}

// StatVFS implements [StatVFSHandler].
func (h *DirHandler) StatVFS(_ context.Context, p string) (*StatVFS, error) {
	f, err := h.root.Open(rootRel(p))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return h.statvfs(f)
}

// FStatVFS implements [StatVFSHandler].
func (h *DirHandler) FStatVFS(_ context.Context, handle string) (*StatVFS, error) {
	f, err := h.get(handle)
	if err != nil {
		return nil, err
	}
	return h.statvfs(f.f)
}

func (h *DirHandler) statvfs(f *os.File) (*StatVFS, error) {
	s, err := fstatvfs(f)
	if err != nil {
		return nil, err
	}
	if h.readOnly {
		s.Flag |= VFSReadOnly
	}
	return s, nil
}

// ExpandPath implements [ExpandPathHandler]: "~" and "~/…" expand to the
// root; "~user" is refused.
func (h *DirHandler) ExpandPath(_ context.Context, p string) (string, error) {
	if p == "~" || strings.HasPrefix(p, "~/") {
		return virtualPath(p[1:]), nil
	}
	if strings.HasPrefix(p, "~") {
		return "", &StatusError{Code: StatusNoSuchFile, Message: "no such user"}
	}
	return virtualPath(p), nil
}

// HomeDir implements [HomeDirHandler]: the root, for the session's user.
func (h *DirHandler) HomeDir(_ context.Context, name string) (string, error) {
	if name != "" {
		if u, err := user.Current(); err != nil || u.Username != name {
			return "", &StatusError{Code: StatusNoSuchFile, Message: "no such user"}
		}
	}
	return "/", nil
}

// UsersGroupsByID implements [UsersGroupsHandler] with the local user and
// group databases, looking each distinct id up once.
func (h *DirHandler) UsersGroupsByID(_ context.Context, uids, gids []uint32) ([]string, []string, error) {
	users := lookupNames(uids, func(id string) (string, error) {
		u, err := user.LookupId(id)
		if err != nil {
			return "", err
		}
		return u.Username, nil
	})
	groups := lookupNames(gids, func(id string) (string, error) {
		g, err := user.LookupGroupId(id)
		if err != nil {
			return "", err
		}
		return g.Name, nil
	})
	return users, groups, nil
}

// lookupNames maps ids to names with lookup, "" where it fails.
func lookupNames(ids []uint32, lookup func(id string) (string, error)) []string {
	names := make([]string, len(ids))
	seen := make(map[uint32]string)
	for i, id := range ids {
		name, ok := seen[id]
		if !ok {
			name, _ = lookup(strconv.FormatUint(uint64(id), 10))
			seen[id] = name
		}
		names[i] = name
	}
	return names
}

// CopyData implements [CopyDataHandler].
func (h *DirHandler) CopyData(_ context.Context, src string, srcOff, length int64, dst string, dstOff int64) error {
	if err := h.writable(); err != nil {
		return err
	}
	s, err := h.get(src)
	if err != nil {
		return err
	}
	d, err := h.get(dst)
	if err != nil {
		return err
	}
	if !d.write {
		return &StatusError{Code: StatusPermissionDenied, Message: "destination not open for writing"}
	}
	if length == 0 {
		length = math.MaxInt64 - srcOff
	}
	var w io.Writer = io.NewOffsetWriter(d.f, dstOff)
	if d.append {
		w = d.f
	}
	_, err = io.Copy(w, io.NewSectionReader(s.f, srcOff, length))
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return err
}
