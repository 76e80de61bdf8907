package sftp

import (
	"context"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Dir is an open remote directory, read in batches as the server sends
// them, so very large directories stream without being held in memory.
type Dir struct {
	c      *Client
	name   string
	handle string
	batch  []NameEntry
	eof    bool
	closed bool
}

// OpenDir opens the remote directory p for reading.
func (c *Client) OpenDir(ctx context.Context, p string) (*Dir, error) {
	h, err := c.openHandle(ctx, &request{typ: fxpOpendir, path: p})
	if err != nil {
		return nil, pathErr("opendir", p, err)
	}
	return &Dir{c: c, name: p, handle: h}, nil
}

// Next returns the next batch of entries as the server sent them,
// including "." and "..". At the end it returns nil, io.EOF.
func (d *Dir) Next(ctx context.Context) ([]NameEntry, error) {
	if d.closed {
		return nil, pathErr("readdir", d.name, fs.ErrClosed)
	}
	if len(d.batch) > 0 {
		b := d.batch
		d.batch = nil
		return b, nil
	}
	if d.eof {
		return nil, io.EOF
	}
	names, err := d.c.expectName(ctx, &request{typ: fxpReaddir, handle: d.handle})
	if err != nil {
		if isEOF(err) {
			d.eof = true
			return nil, io.EOF
		}
		return nil, pathErr("readdir", d.name, err)
	}
	return names, nil
}

func isEOF(err error) bool {
	se, ok := err.(*StatusError)
	return ok && se.Code == StatusEOF
}

// ReadDir reads up to n entries (all remaining if n <= 0), skipping "." and
// "..", with os.File.ReadDir semantics: with n > 0 it returns io.EOF at
// the end.
func (d *Dir) ReadDir(n int) ([]fs.DirEntry, error) {
	return d.ReadDirContext(context.Background(), n)
}

// ReadDirContext is ReadDir with a context.
func (d *Dir) ReadDirContext(ctx context.Context, n int) ([]fs.DirEntry, error) {
	var out []fs.DirEntry
	for n <= 0 || len(out) < n {
		batch, err := d.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return out, err
		}
		for i := range batch {
			e := &batch[i]
			if e.Name == "." || e.Name == ".." {
				continue
			}
			if n > 0 && len(out) == n {
				d.batch = append(d.batch, batch[i:]...)
				break
			}
			out = append(out, dirEntry{fileInfo{name: e.Name, attrs: e.Attrs}})
		}
	}
	if n > 0 && len(out) == 0 {
		return nil, io.EOF
	}
	return out, nil
}

// Close closes the directory handle.
func (d *Dir) Close() error {
	if d.closed {
		return pathErr("close", d.name, fs.ErrClosed)
	}
	d.closed = true
	return pathErr("close", d.name, d.c.closeHandle(d.handle))
}

// dirEntry is an fs.DirEntry from a READDIR entry. Its Info is the
// attributes the server sent (lstat-like on OpenSSH).
type dirEntry struct{ fi fileInfo }

func (e dirEntry) Name() string               { return e.fi.name }
func (e dirEntry) IsDir() bool                { return e.fi.IsDir() }
func (e dirEntry) Type() fs.FileMode          { return e.fi.Mode().Type() }
func (e dirEntry) Info() (fs.FileInfo, error) { fi := e.fi; return &fi, nil }
func (e dirEntry) String() string             { return fs.FormatDirEntry(e) }

// ReadDir reads the whole directory p and returns its entries sorted by
// name, without "." and "..".
func (c *Client) ReadDir(ctx context.Context, p string) ([]fs.DirEntry, error) {
	d, err := c.OpenDir(ctx, p)
	if err != nil {
		return nil, err
	}
	entries, err := d.ReadDirContext(ctx, -1)
	cerr := d.Close()
	if err == nil {
		err = cerr
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

// WalkDir walks the remote tree rooted at root like fs.WalkDir, calling fn
// for each file and directory in lexical order. Symbolic links are not
// followed.
func (c *Client) WalkDir(ctx context.Context, root string, fn fs.WalkDirFunc) error {
	fi, err := c.Lstat(ctx, root)
	if err != nil {
		err = fn(root, nil, err)
	} else {
		err = c.walkDir(ctx, root, dirEntry{*fi.(*fileInfo)}, fn)
	}
	if err == fs.SkipDir || err == fs.SkipAll {
		return nil
	}
	return err
}

func (c *Client) walkDir(ctx context.Context, p string, d fs.DirEntry, fn fs.WalkDirFunc) error {
	if err := fn(p, d, nil); err != nil || !d.IsDir() {
		if err == fs.SkipDir && d.IsDir() {
			err = nil
		}
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	entries, err := c.ReadDir(ctx, p)
	if err != nil {
		if err = fn(p, d, err); err != nil {
			if err == fs.SkipDir && d.IsDir() {
				err = nil
			}
			return err
		}
	}
	for _, e := range entries {
		if err := c.walkDir(ctx, path.Join(p, e.Name()), e, fn); err != nil {
			if err == fs.SkipDir {
				break
			}
			return err
		}
	}
	return nil
}

// Glob returns the remote names matching pattern (path.Match syntax, with
// patterns allowed in every element), like fs.Glob.
func (c *Client) Glob(ctx context.Context, pattern string) ([]string, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, err
	}
	if !hasMeta(pattern) {
		if _, err := c.Lstat(ctx, pattern); err != nil {
			return nil, nil
		}
		return []string{pattern}, nil
	}
	dir, file := path.Split(pattern)
	dir = cleanGlobPath(dir)
	var dirs []string
	if !hasMeta(dir) {
		dirs = []string{dir}
	} else {
		var err error
		if dirs, err = c.Glob(ctx, dir); err != nil {
			return nil, err
		}
	}
	var matches []string
	for _, d := range dirs {
		entries, err := c.ReadDir(ctx, d)
		if err != nil {
			continue // unreadable or not a directory: no matches, like fs.Glob
		}
		for _, e := range entries {
			if ok, _ := path.Match(file, e.Name()); ok {
				matches = append(matches, path.Join(d, e.Name()))
			}
		}
	}
	return matches, nil
}

func cleanGlobPath(p string) string {
	switch p {
	case "":
		return "."
	case "/":
		return p
	}
	return p[:len(p)-1]
}

func hasMeta(p string) bool { return strings.ContainsAny(p, `*?[\`) }
