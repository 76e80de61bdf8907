package sftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sync"
	"sync/atomic"
	"time"
)

// File is an open remote file. Its methods are safe for concurrent use;
// Read, Write and Seek share one offset, ReadAt and WriteAt do not touch
// it. Methods without a context run until the server answers or the
// [Client] closes.
type File struct {
	c      *Client
	name   string
	handle string
	flags  uint32

	mu     sync.Mutex // guards offset
	offset int64

	closed atomic.Bool
}

// Open opens the remote file p for reading.
func (c *Client) Open(ctx context.Context, p string) (*File, error) {
	return c.OpenFile(ctx, p, os.O_RDONLY, 0)
}

// Create creates or truncates the remote file p for reading and writing,
// with mode 0666 (before the server's umask) if it is new.
func (c *Client) Create(ctx context.Context, p string) (*File, error) {
	return c.OpenFile(ctx, p, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// OpenFile opens the remote file p with os package flags (os.O_RDONLY,
// os.O_WRONLY, os.O_RDWR, os.O_APPEND, os.O_CREATE, os.O_EXCL, os.O_TRUNC)
// and, for a new file, permission bits perm.
func (c *Client) OpenFile(ctx context.Context, p string, flag int, perm fs.FileMode) (*File, error) {
	return c.OpenFlags(ctx, p, OpenFlags(flag), perm)
}

// OpenFlags converts os package open flags to SFTP pflags.
func OpenFlags(flag int) uint32 {
	var f uint32
	switch flag & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR) {
	case os.O_RDONLY:
		f = FlagRead
	case os.O_WRONLY:
		f = FlagWrite
	case os.O_RDWR:
		f = FlagRead | FlagWrite
	}
	if flag&os.O_APPEND != 0 {
		f |= FlagAppend
	}
	if flag&os.O_CREATE != 0 {
		f |= FlagCreate
	}
	if flag&os.O_TRUNC != 0 {
		f |= FlagTrunc
	}
	if flag&os.O_EXCL != 0 {
		f |= FlagExcl
	}
	return f
}

// OpenFlags opens the remote file p with SFTP pflags (FlagRead, FlagWrite,
// …) and, for a new file, permission bits perm.
func (c *Client) OpenFlags(ctx context.Context, p string, pflags uint32, perm fs.FileMode) (*File, error) {
	r := &request{typ: fxpOpen, path: p, flags: pflags}
	if pflags&FlagCreate != 0 {
		r.attrs.SetMode(perm)
	}
	h, err := c.openHandle(ctx, r)
	if err != nil {
		if pflags&FlagExcl != 0 {
			err = c.markExists(ctx, p, err)
		}
		return nil, pathErr("open", p, err)
	}
	return &File{c: c, name: p, handle: h, flags: pflags}, nil
}

// openHandle sends OPEN or OPENDIR, counting the handle against the
// server's announced limit.
func (c *Client) openHandle(ctx context.Context, r *request) (string, error) {
	if max := c.limits.MaxOpenHandles; max > 0 {
		c.mu.Lock()
		if uint64(c.handles) >= max {
			c.mu.Unlock()
			return "", ErrTooManyHandles
		}
		c.handles++
		c.mu.Unlock()
	}
	h, err := c.expectHandle(ctx, r)
	if err != nil {
		c.handleClosed()
	}
	return h, err
}

func (c *Client) handleClosed() {
	if c.limits.MaxOpenHandles > 0 {
		c.mu.Lock()
		c.handles--
		c.mu.Unlock()
	}
}

// closeHandle sends CLOSE for h.
func (c *Client) closeHandle(h string) error {
	err := c.expectStatus(context.Background(), &request{typ: fxpClose, handle: h})
	c.handleClosed()
	return err
}

// Name returns the path the file was opened with.
func (f *File) Name() string { return f.name }

// Handle returns the server's opaque handle for the file.
func (f *File) Handle() string { return f.handle }

// Close closes the file. Further calls return an error matching
// fs.ErrClosed.
func (f *File) Close() error {
	if f.closed.Swap(true) {
		return f.err("close", fs.ErrClosed)
	}
	return f.err("close", f.c.closeHandle(f.handle))
}

func (f *File) err(op string, err error) error { return pathErr(op, f.name, err) }

func (f *File) check(op string) error {
	if f.closed.Load() {
		return f.err(op, fs.ErrClosed)
	}
	return nil
}

// Read reads up to len(p) bytes at the file offset and advances it. At the
// end of the file it returns 0, io.EOF.
func (f *File) Read(p []byte) (int, error) {
	if err := f.check("read"); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.readAt(context.Background(), p, f.offset, false)
	f.offset += int64(n)
	if n > 0 && err == io.EOF {
		err = nil
	}
	return n, err
}

// ReadAt reads len(p) bytes at offset off, keeping many requests in flight
// for large p. It returns io.EOF with fewer bytes at the end of the file.
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	if err := f.check("read"); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, f.err("readat", errors.New("negative offset"))
	}
	return f.readAt(context.Background(), p, off, true)
}

// ReadAtContext is ReadAt with a context.
func (f *File) ReadAtContext(ctx context.Context, p []byte, off int64) (int, error) {
	if err := f.check("read"); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, f.err("readat", errors.New("negative offset"))
	}
	return f.readAt(ctx, p, off, true)
}

// readOne sends one READ of len(p) bytes (at most readLen) into p.
func (f *File) readOne(ctx context.Context, p []byte, off int64) (int, error) {
	cl := newCall()
	cl.dst = p
	err := f.c.start(cl, func(b []byte, id uint32) []byte {
		return appendRequest(b, &request{typ: fxpRead, id: id, handle: f.handle, offset: uint64(off), length: uint32(len(p))})
	})
	if err == nil {
		err = f.c.wait(ctx, cl)
		if cl.abandoned {
			return 0, err
		}
	}
	if err != nil {
		f.c.release(cl)
		return 0, err
	}
	n, err := readResult(cl)
	f.c.release(cl)
	return n, err
}

// readAt reads into p at off. With full set it fills p unless the file
// ends (io.Reader semantics otherwise: one request, possibly short).
func (f *File) readAt(ctx context.Context, p []byte, off int64, full bool) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	chunk := f.c.readLen
	if !full || len(p) <= chunk {
		if len(p) > chunk {
			p = p[:chunk]
		}
		n, err := f.readOne(ctx, p, off)
		if err != nil && err != io.EOF {
			err = f.err("read", err)
		}
		for full && err == nil && n < len(p) {
			var m int
			m, err = f.readOne(ctx, p[n:], off+int64(n))
			n += m
		}
		return n, err
	}
	return f.readAtPipelined(ctx, p, off)
}

// readAtPipelined splits a large ReadAt into chunks in flight together.
func (f *File) readAtPipelined(ctx context.Context, p []byte, off int64) (int, error) {
	chunk := f.c.readLen
	nchunks := (len(p) + chunk - 1) / chunk
	got := make([]int, nchunks)
	errs := make([]error, nchunks)
	pl := newPipeline(f.c, f.c.cfg.concurrency)
	next := 0
	var sendErr error
	for next < nchunks || pl.inflight() > 0 {
		for sendErr == nil && next < nchunks && pl.inflight() < f.c.cfg.concurrency {
			i := next
			lo, hi := i*chunk, min((i+1)*chunk, len(p))
			cl := pl.get()
			cl.dst, cl.tag = p[lo:hi], i
			o := uint64(off) + uint64(lo)
			sendErr = pl.queue(cl, func(b []byte, id uint32) []byte {
				return appendRequest(b, &request{typ: fxpRead, id: id, handle: f.handle, offset: o, length: uint32(hi - lo)})
			})
			if sendErr != nil {
				break
			}
			next++
		}
		if err := pl.flush(); err != nil && sendErr == nil {
			sendErr = err
		}
		if pl.inflight() == 0 {
			break
		}
		cl, err := pl.next(ctx)
		if err != nil {
			pl.abort()
			return 0, err
		}
		got[cl.tag], errs[cl.tag] = readResult(cl)
		pl.put(cl)
	}
	if sendErr != nil && next == 0 {
		return 0, f.err("read", sendErr)
	}
	// Assemble in order, filling short reads.
	total := 0
	for i := 0; i < nchunks; i++ {
		lo, hi := i*chunk, min((i+1)*chunk, len(p))
		if i >= next {
			return total, f.err("read", sendErr)
		}
		n, err := got[i], errs[i]
		for err == nil && n < hi-lo {
			var m int
			m, err = f.readOne(ctx, p[lo+n:hi], off+int64(lo+n))
			n += m
		}
		total += n
		if err != nil {
			if err == io.EOF {
				return total, io.EOF
			}
			return total, f.err("read", err)
		}
	}
	return total, nil
}

// Write writes p at the file offset (at the end for files opened with
// O_APPEND, as the server decides) and advances the offset.
func (f *File) Write(p []byte) (int, error) {
	if err := f.check("write"); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.writeAt(context.Background(), p, f.offset)
	f.offset += int64(n)
	return n, err
}

// WriteAt writes p at offset off, keeping many requests in flight for
// large p.
func (f *File) WriteAt(p []byte, off int64) (int, error) {
	if err := f.check("write"); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, f.err("writeat", errors.New("negative offset"))
	}
	return f.writeAt(context.Background(), p, off)
}

// WriteAtContext is WriteAt with a context.
func (f *File) WriteAtContext(ctx context.Context, p []byte, off int64) (int, error) {
	if err := f.check("write"); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, f.err("writeat", errors.New("negative offset"))
	}
	return f.writeAt(ctx, p, off)
}

func (f *File) writeAt(ctx context.Context, p []byte, off int64) (int, error) {
	chunk := f.c.writeLen
	pl := newPipeline(f.c, f.c.cfg.concurrency)
	// The lowest offset whose write failed bounds what we report as
	// written, since later chunks may have landed but earlier did not.
	failedAt, werr := len(p), error(nil)
	sent := 0
	for sent < len(p) || pl.inflight() > 0 {
		for werr == nil && sent < len(p) && pl.inflight() < f.c.cfg.concurrency {
			lo, hi := sent, min(sent+chunk, len(p))
			cl := pl.get()
			cl.tag = lo
			o := uint64(off) + uint64(lo)
			if err := pl.start(cl, func(b []byte, id uint32) []byte {
				return appendRequest(b, &request{typ: fxpWrite, id: id, handle: f.handle, offset: o, data: p[lo:hi]})
			}); err != nil {
				if lo < failedAt {
					failedAt, werr = lo, err
				}
				break
			}
			sent = hi
		}
		if pl.inflight() == 0 {
			break
		}
		cl, err := pl.next(ctx)
		if err != nil {
			pl.abort()
			return 0, err
		}
		if err := writeResult(cl); err != nil && cl.tag < failedAt {
			failedAt, werr = cl.tag, err
		}
		pl.put(cl)
		if werr != nil {
			sent = len(p) // stop sending, drain
		}
	}
	if werr != nil {
		return failedAt, f.err("write", werr)
	}
	return len(p), nil
}

// Seek sets the offset for the next Read or Write. io.SeekEnd asks the
// server for the file's size.
func (f *File) Seek(offset int64, whence int) (int64, error) {
	if err := f.check("seek"); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += f.offset
	case io.SeekEnd:
		fi, err := f.Stat()
		if err != nil {
			return 0, err
		}
		offset += fi.Size()
	default:
		return 0, f.err("seek", fmt.Errorf("invalid whence %d", whence))
	}
	if offset < 0 {
		return 0, f.err("seek", errors.New("negative offset"))
	}
	f.offset = offset
	return offset, nil
}

// Stat returns the file's attributes (SSH_FXP_FSTAT).
func (f *File) Stat() (fs.FileInfo, error) {
	if err := f.check("stat"); err != nil {
		return nil, err
	}
	a, err := f.c.expectAttrs(context.Background(), &request{typ: fxpFstat, handle: f.handle})
	if err != nil {
		return nil, f.err("stat", err)
	}
	return &fileInfo{name: path.Base(f.name), attrs: a}, nil
}

// Setstat changes the attributes whose flags are set in a
// (SSH_FXP_FSETSTAT).
func (f *File) Setstat(a *Attributes) error {
	if err := f.check("setstat"); err != nil {
		return err
	}
	return f.err("setstat", f.c.expectStatus(context.Background(), &request{typ: fxpFsetstat, handle: f.handle, attrs: *a}))
}

// Chmod changes the file's permission bits.
func (f *File) Chmod(mode fs.FileMode) error {
	var a Attributes
	a.SetMode(mode)
	return f.Setstat(&a)
}

// Chown changes the file's numeric owner and group.
func (f *File) Chown(uid, gid int) error {
	var a Attributes
	a.SetOwner(uint32(uid), uint32(gid))
	return f.Setstat(&a)
}

// Chtimes changes the file's access and modification times.
func (f *File) Chtimes(atime, mtime time.Time) error {
	var a Attributes
	a.SetTimes(atime, mtime)
	return f.Setstat(&a)
}

// Truncate changes the file's size.
func (f *File) Truncate(size int64) error {
	if size < 0 {
		return f.err("truncate", fs.ErrInvalid)
	}
	var a Attributes
	a.SetSize(uint64(size))
	return f.Setstat(&a)
}

// Sync asks the server to flush the file to stable storage
// (fsync@openssh.com).
func (f *File) Sync() error {
	if err := f.check("sync"); err != nil {
		return err
	}
	r, err := f.c.extRequest(extFsync)
	if err == nil {
		r.handle = f.handle
		err = f.c.expectStatus(context.Background(), r)
	}
	return f.err("sync", err)
}

// StatVFS returns statistics of the file system holding the file
// (fstatvfs@openssh.com).
func (f *File) StatVFS() (*StatVFS, error) {
	if err := f.check("statvfs"); err != nil {
		return nil, err
	}
	r, err := f.c.extRequest(extFStatVFS)
	var s StatVFS
	if err == nil {
		r.handle = f.handle
		err = f.c.expectExtReply(context.Background(), r, func(d *decoder) { s = decodeStatVFS(d) })
	}
	if err != nil {
		return nil, f.err("fstatvfs", err)
	}
	return &s, nil
}
