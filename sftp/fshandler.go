package sftp

import (
	"context"
	"io"
	"io/fs"
	"sync"
	"time"
)

// FSHandler is a read-only [Handler] serving any io/fs.FS, such as an
// embed.FS, an fstest.MapFS or a directory. Clients see the FS root as
// "/". Requests that would change anything fail with
// SSH_FX_PERMISSION_DENIED. Files that are not io.ReaderAt or io.Seeker
// can only be read sequentially.
//
// FSHandler is only as confined as its FS. To serve a directory, use the
// FS of an os.Root, (*os.Root).FS(), which refuses symbolic links leading
// outside the directory. os.DirFS follows them wherever they point (it
// only rejects ".." and absolute names), so a link planted in the tree
// serves files from outside it. [DirHandler] is confined the same way as
// os.Root and can also write.
type FSHandler struct {
	fsys fs.FS

	handleTable[*fsFile]
}

type fsFile struct {
	mu  sync.Mutex
	f   fs.File
	dir fs.ReadDirFile
	pos int64 // for files read sequentially
}

// NewFSHandler returns a read-only handler serving fsys.
func NewFSHandler(fsys fs.FS) *FSHandler {
	return &FSHandler{fsys: fsys, handleTable: handleTable[*fsFile]{prefix: "f"}}
}

func fsName(p string) string { return rootRel(p) }

// Open implements [Handler]; only reading is allowed.
func (h *FSHandler) Open(_ context.Context, p string, pflags uint32, _ *Attributes) (string, error) {
	if pflags&^FlagRead != 0 {
		return "", errReadOnlyFS
	}
	f, err := h.fsys.Open(fsName(p))
	if err != nil {
		return "", err
	}
	return h.add(&fsFile{f: f}), nil
}

// Close implements [Handler].
func (h *FSHandler) Close(_ context.Context, handle string) error {
	f, err := h.take(handle)
	if err != nil {
		return err
	}
	return f.f.Close()
}

// Read implements [Handler].
func (h *FSHandler) Read(_ context.Context, handle string, off int64, p []byte) (int, error) {
	f, err := h.get(handle)
	if err != nil {
		return 0, err
	}
	if ra, ok := f.f.(io.ReaderAt); ok {
		n, err := ra.ReadAt(p, off)
		if n > 0 {
			return n, nil
		}
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if off != f.pos {
		s, ok := f.f.(io.Seeker)
		if !ok {
			return 0, &StatusError{Code: StatusOpUnsupported, Message: "file can only be read sequentially"}
		}
		if _, err := s.Seek(off, io.SeekStart); err != nil {
			return 0, err
		}
		f.pos = off
	}
	n, err := f.f.Read(p)
	f.pos += int64(n)
	if n > 0 {
		return n, nil
	}
	if err == nil {
		err = io.EOF
	}
	return 0, err
}

var errReadOnlyFS = &StatusError{Code: StatusPermissionDenied, Message: "read-only file system"}

// Write implements [Handler]; it always fails.
func (h *FSHandler) Write(context.Context, string, int64, []byte) error { return errReadOnlyFS }

// Fstat implements [Handler].
func (h *FSHandler) Fstat(_ context.Context, handle string) (*Attributes, error) {
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

// Fsetstat implements [Handler]; it always fails.
func (h *FSHandler) Fsetstat(context.Context, string, *Attributes) error { return errReadOnlyFS }

// OpenDir implements [Handler].
func (h *FSHandler) OpenDir(_ context.Context, p string) (string, error) {
	f, err := h.fsys.Open(fsName(p))
	if err != nil {
		return "", err
	}
	d, ok := f.(fs.ReadDirFile)
	if !ok {
		f.Close()
		return "", &StatusError{Code: StatusFailure, Message: "not a directory"}
	}
	return h.add(&fsFile{f: f, dir: d}), nil
}

// ReadDir implements [Handler].
func (h *FSHandler) ReadDir(_ context.Context, handle string) ([]NameEntry, error) {
	f, err := h.get(handle)
	if err != nil {
		return nil, err
	}
	if f.dir == nil {
		return nil, errInvalidHandle
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ents, err := f.dir.ReadDir(128)
	if len(ents) == 0 {
		if err == nil {
			err = io.EOF
		}
		return nil, err
	}
	now := time.Now()
	out := make([]NameEntry, 0, len(ents))
	for _, e := range ents {
		if fi, err := e.Info(); err == nil {
			out = append(out, nameEntry(fi, now))
		}
	}
	return out, nil
}

// Remove implements [Handler]; it always fails.
func (h *FSHandler) Remove(context.Context, string) error { return errReadOnlyFS }

// Mkdir implements [Handler]; it always fails.
func (h *FSHandler) Mkdir(context.Context, string, *Attributes) error { return errReadOnlyFS }

// Rmdir implements [Handler]; it always fails.
func (h *FSHandler) Rmdir(context.Context, string) error { return errReadOnlyFS }

// RealPath implements [Handler].
func (h *FSHandler) RealPath(_ context.Context, p string) (string, error) {
	return virtualPath(p), nil
}

// Stat implements [Handler].
func (h *FSHandler) Stat(_ context.Context, p string) (*Attributes, error) {
	fi, err := fs.Stat(h.fsys, fsName(p))
	if err != nil {
		return nil, err
	}
	return AttributesFromFileInfo(fi), nil
}

// Lstat implements [Handler]; io/fs has no Lstat in Go 1.24, so it is
// Stat.
func (h *FSHandler) Lstat(ctx context.Context, p string) (*Attributes, error) {
	return h.Stat(ctx, p)
}

// Setstat implements [Handler]; it always fails.
func (h *FSHandler) Setstat(context.Context, string, *Attributes) error { return errReadOnlyFS }

// Rename implements [Handler]; it always fails.
func (h *FSHandler) Rename(context.Context, string, string) error { return errReadOnlyFS }

// ReadLink implements [Handler]; io/fs exposes no links in Go 1.24.
func (h *FSHandler) ReadLink(context.Context, string) (string, error) {
	return "", &StatusError{Code: StatusOpUnsupported, Message: "no symbolic links"}
}

// Symlink implements [Handler]; it always fails.
func (h *FSHandler) Symlink(context.Context, string, string) error { return errReadOnlyFS }
