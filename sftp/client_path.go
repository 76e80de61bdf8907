package sftp

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"time"
)

// Stat returns information about the file at p, following symbolic links.
func (c *Client) Stat(ctx context.Context, p string) (fs.FileInfo, error) {
	a, err := c.expectAttrs(ctx, &request{typ: fxpStat, path: p})
	if err != nil {
		return nil, pathErr("stat", p, err)
	}
	return &fileInfo{name: path.Base(p), attrs: a}, nil
}

// Lstat returns information about the file at p without following a final
// symbolic link.
func (c *Client) Lstat(ctx context.Context, p string) (fs.FileInfo, error) {
	a, err := c.expectAttrs(ctx, &request{typ: fxpLstat, path: p})
	if err != nil {
		return nil, pathErr("lstat", p, err)
	}
	return &fileInfo{name: path.Base(p), attrs: a}, nil
}

// Setstat changes the attributes of the file at p whose flags are set in
// a, following symbolic links.
func (c *Client) Setstat(ctx context.Context, p string, a *Attributes) error {
	return pathErr("setstat", p, c.expectStatus(ctx, &request{typ: fxpSetstat, path: p, attrs: *a}))
}

// Lsetstat is Setstat without following a final symbolic link
// (lsetstat@openssh.com).
func (c *Client) Lsetstat(ctx context.Context, p string, a *Attributes) error {
	r, err := c.extRequest(extLsetstat)
	if err == nil {
		r.path, r.attrs = p, *a
		err = c.expectStatus(ctx, r)
	}
	return pathErr("lsetstat", p, err)
}

// Chmod changes the permission bits of the file at p.
func (c *Client) Chmod(ctx context.Context, p string, mode fs.FileMode) error {
	var a Attributes
	a.SetMode(mode)
	return pathErr("chmod", p, c.expectStatus(ctx, &request{typ: fxpSetstat, path: p, attrs: a}))
}

// Chown changes the numeric owner and group of the file at p.
func (c *Client) Chown(ctx context.Context, p string, uid, gid int) error {
	var a Attributes
	a.SetOwner(uint32(uid), uint32(gid))
	return pathErr("chown", p, c.expectStatus(ctx, &request{typ: fxpSetstat, path: p, attrs: a}))
}

// Chtimes changes the access and modification times of the file at p, to
// one-second precision.
func (c *Client) Chtimes(ctx context.Context, p string, atime, mtime time.Time) error {
	var a Attributes
	a.SetTimes(atime, mtime)
	return pathErr("chtimes", p, c.expectStatus(ctx, &request{typ: fxpSetstat, path: p, attrs: a}))
}

// Truncate changes the size of the file at p.
func (c *Client) Truncate(ctx context.Context, p string, size int64) error {
	if size < 0 {
		return pathErr("truncate", p, fs.ErrInvalid)
	}
	var a Attributes
	a.SetSize(uint64(size))
	return pathErr("truncate", p, c.expectStatus(ctx, &request{typ: fxpSetstat, path: p, attrs: a}))
}

// Mkdir creates the directory p with the permission bits perm. If p
// already exists the error matches fs.ErrExist.
func (c *Client) Mkdir(ctx context.Context, p string, perm fs.FileMode) error {
	var a Attributes
	a.SetMode(perm)
	err := c.expectStatus(ctx, &request{typ: fxpMkdir, path: p, attrs: a})
	return pathErr("mkdir", p, c.markExists(ctx, p, err))
}

// markExists turns a generic failure into one matching fs.ErrExist when p
// exists: version 3 has no status code for "already exists".
func (c *Client) markExists(ctx context.Context, p string, err error) error {
	var se *StatusError
	if errors.As(err, &se) && se.Code == StatusFailure {
		if _, serr := c.expectAttrs(ctx, &request{typ: fxpLstat, path: p}); serr == nil {
			e := *se
			e.exists = true
			return &e
		}
	}
	return err
}

// MkdirAll creates the directory p and any missing parents, with the
// permission bits perm. It succeeds if p is already a directory.
func (c *Client) MkdirAll(ctx context.Context, p string, perm fs.FileMode) error {
	if fi, err := c.Stat(ctx, p); err == nil {
		if fi.IsDir() {
			return nil
		}
		return pathErr("mkdir", p, &StatusError{Code: StatusFailure, Message: "not a directory"})
	}
	if parent := path.Dir(p); parent != p && parent != "." && parent != "/" {
		if err := c.MkdirAll(ctx, parent, perm); err != nil {
			return err
		}
	}
	err := c.Mkdir(ctx, p, perm)
	if err != nil {
		// Lost a race with another creator, or p is a symlink to a directory.
		if fi, serr := c.Stat(ctx, p); serr == nil && fi.IsDir() {
			return nil
		}
	}
	return err
}

// Remove removes the file or empty directory at p.
func (c *Client) Remove(ctx context.Context, p string) error {
	err := c.expectStatus(ctx, &request{typ: fxpRemove, path: p})
	if err == nil || errors.Is(err, fs.ErrNotExist) || ctx.Err() != nil {
		return pathErr("remove", p, err)
	}
	if fi, serr := c.Lstat(ctx, p); serr == nil && fi.IsDir() {
		err = c.expectStatus(ctx, &request{typ: fxpRmdir, path: p})
	}
	return pathErr("remove", p, err)
}

// Rmdir removes the empty directory at p.
func (c *Client) Rmdir(ctx context.Context, p string) error {
	return pathErr("rmdir", p, c.expectStatus(ctx, &request{typ: fxpRmdir, path: p}))
}

// RemoveAll removes p and everything under it. It returns nil if p does
// not exist.
func (c *Client) RemoveAll(ctx context.Context, p string) error {
	fi, err := c.Lstat(ctx, p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	if !fi.IsDir() {
		return c.Remove(ctx, p)
	}
	entries, err := c.ReadDir(ctx, p)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := c.RemoveAll(ctx, path.Join(p, e.Name())); err != nil {
			return err
		}
	}
	return c.Rmdir(ctx, p)
}

// Rename renames oldpath to newpath with SSH_FXP_RENAME, which fails when
// newpath exists on most servers. See [Client.PosixRename].
func (c *Client) Rename(ctx context.Context, oldpath, newpath string) error {
	err := c.expectStatus(ctx, &request{typ: fxpRename, path: oldpath, path2: newpath})
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

// PosixRename renames oldpath to newpath replacing newpath atomically if it
// exists, as POSIX rename(2) does (posix-rename@openssh.com).
func (c *Client) PosixRename(ctx context.Context, oldpath, newpath string) error {
	r, err := c.extRequest(extPosixRename)
	if err == nil {
		r.path, r.path2 = oldpath, newpath
		err = c.expectStatus(ctx, r)
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

// Symlink creates newname as a symbolic link to oldname. The request is
// sent in OpenSSH's argument order (target first), which every common
// server expects.
func (c *Client) Symlink(ctx context.Context, oldname, newname string) error {
	err := c.expectStatus(ctx, &request{typ: fxpSymlink, path: oldname, path2: newname})
	if err != nil {
		return &os.LinkError{Op: "symlink", Old: oldname, New: newname, Err: c.markExists(ctx, newname, err)}
	}
	return nil
}

// Link creates newname as a hard link to oldname (hardlink@openssh.com).
func (c *Client) Link(ctx context.Context, oldname, newname string) error {
	r, err := c.extRequest(extHardlink)
	if err == nil {
		r.path, r.path2 = oldname, newname
		err = c.markExists(ctx, newname, c.expectStatus(ctx, r))
	}
	if err != nil {
		return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: err}
	}
	return nil
}

// Readlink returns the target of the symbolic link at p.
func (c *Client) Readlink(ctx context.Context, p string) (string, error) {
	s, err := c.expectOneName(ctx, &request{typ: fxpReadlink, path: p})
	return s, pathErr("readlink", p, err)
}

// RealPath asks the server to canonicalise p into an absolute path.
func (c *Client) RealPath(ctx context.Context, p string) (string, error) {
	s, err := c.expectOneName(ctx, &request{typ: fxpRealpath, path: p})
	return s, pathErr("realpath", p, err)
}

// Getwd returns the server's idea of the current directory: RealPath(".").
func (c *Client) Getwd(ctx context.Context) (string, error) { return c.RealPath(ctx, ".") }
