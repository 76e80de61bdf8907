package sftp

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// FS is a read-only io/fs view of a remote directory, returned by
// [Client.DirFS]. It implements fs.FS, fs.StatFS, fs.ReadDirFS and
// fs.ReadFileFS, so fs.WalkDir, template.ParseFS and
// http.FileServer(http.FS(…)) work on the remote side.
type FS struct {
	c   *Client
	dir string
	ctx context.Context
}

// DirFS returns an io/fs view of the remote directory dir. Names are
// resolved below dir; fs.ValidPath rules apply, so ".." never climbs out.
func (c *Client) DirFS(dir string) *FS { return &FS{c: c, dir: dir, ctx: context.Background()} }

// WithContext returns a copy of fsys whose requests use ctx.
func (fsys *FS) WithContext(ctx context.Context) *FS {
	c := *fsys
	c.ctx = ctx
	return &c
}

func (fsys *FS) remote(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return path.Join(fsys.dir, name), nil
}

// fsErr rewrites an error to name the fs path rather than the remote one.
func fsErr(op, name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: op, Path: name, Err: pe.Err}
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// Open opens the named file or directory for reading.
func (fsys *FS) Open(name string) (fs.File, error) {
	p, err := fsys.remote("open", name)
	if err != nil {
		return nil, err
	}
	fi, err := fsys.c.Stat(fsys.ctx, p)
	if err != nil {
		return nil, fsErr("open", name, err)
	}
	fi.(*fileInfo).name = path.Base(name)
	if fi.IsDir() {
		return &fsDir{fsys: fsys, name: name, remote: p, info: fi}, nil
	}
	f, err := fsys.c.Open(fsys.ctx, p)
	if err != nil {
		return nil, fsErr("open", name, err)
	}
	return &fsRemoteFile{File: f, info: fi}, nil
}

// Stat returns information about the named file.
func (fsys *FS) Stat(name string) (fs.FileInfo, error) {
	p, err := fsys.remote("stat", name)
	if err != nil {
		return nil, err
	}
	fi, err := fsys.c.Stat(fsys.ctx, p)
	if err != nil {
		return nil, fsErr("stat", name, err)
	}
	fi.(*fileInfo).name = path.Base(name)
	return fi, nil
}

// ReadDir reads the named directory, sorted by name.
func (fsys *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := fsys.remote("readdir", name)
	if err != nil {
		return nil, err
	}
	ents, err := fsys.c.ReadDir(fsys.ctx, p)
	if err != nil {
		return nil, fsErr("readdir", name, err)
	}
	return ents, nil
}

// ReadFile reads the named file whole.
func (fsys *FS) ReadFile(name string) ([]byte, error) {
	p, err := fsys.remote("readfile", name)
	if err != nil {
		return nil, err
	}
	f, err := fsys.c.Open(fsys.ctx, p)
	if err != nil {
		return nil, fsErr("readfile", name, err)
	}
	defer f.Close()
	var b strings.Builder
	if _, err := f.WriteToContext(fsys.ctx, &b); err != nil {
		return nil, fsErr("readfile", name, err)
	}
	return []byte(b.String()), nil
}

// Sub returns the view of the subdirectory dir.
func (fsys *FS) Sub(dir string) (fs.FS, error) {
	p, err := fsys.remote("sub", dir)
	if err != nil {
		return nil, err
	}
	c := *fsys
	c.dir = p
	return &c, nil
}

// fsRemoteFile is a remote file opened through FS; Stat answers from the
// attributes fetched at open.
type fsRemoteFile struct {
	*File
	info fs.FileInfo
}

func (f *fsRemoteFile) Stat() (fs.FileInfo, error) { return f.info, nil }

// fsDir is a directory opened through FS.
type fsDir struct {
	fsys   *FS
	name   string
	remote string
	info   fs.FileInfo
	d      *Dir
	closed bool
}

func (d *fsDir) Stat() (fs.FileInfo, error) { return d.info, nil }

func (d *fsDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}

func (d *fsDir) Close() error {
	if d.closed {
		return &fs.PathError{Op: "close", Path: d.name, Err: fs.ErrClosed}
	}
	d.closed = true
	if d.d != nil {
		return d.d.Close()
	}
	return nil
}

// ReadDir implements fs.ReadDirFile.
func (d *fsDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if d.closed {
		return nil, &fs.PathError{Op: "readdir", Path: d.name, Err: fs.ErrClosed}
	}
	if d.d == nil {
		dd, err := d.fsys.c.OpenDir(d.fsys.ctx, d.remote)
		if err != nil {
			return nil, fsErr("readdir", d.name, err)
		}
		d.d = dd
	}
	ents, err := d.d.ReadDirContext(d.fsys.ctx, n)
	if err != nil && err != io.EOF {
		return ents, fsErr("readdir", d.name, err)
	}
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return ents, err
}

var (
	_ fs.StatFS     = (*FS)(nil)
	_ fs.ReadDirFS  = (*FS)(nil)
	_ fs.ReadFileFS = (*FS)(nil)
	_ fs.SubFS      = (*FS)(nil)
)
