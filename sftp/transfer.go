package sftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// TransferOptions tune [Client.Download] and [Client.Upload]. The zero
// value uses the client's defaults.
type TransferOptions struct {
	// Concurrency is the number of READ or WRITE requests in flight
	// (default: the client's, 64).
	Concurrency int
	// ChunkSize is the payload of each request (default: the client's,
	// capped by the server's limits).
	ChunkSize int
	// Progress, if set, is called after each chunk with the bytes moved so
	// far (counting from Offset) and the total to move (-1 if unknown). It
	// runs in the transferring goroutine.
	Progress func(transferred, total int64)
	// Offset starts the transfer at this byte of the source, writing to the
	// same offset of the destination, which is kept (not truncated): the
	// way to resume an interrupted transfer.
	Offset int64
	// Resume sets Offset to the destination's current size.
	Resume bool
	// Preserve copies the source's permission bits and times.
	Preserve bool
	// Mode is the permission of a newly created destination when Preserve
	// is not set (default 0644).
	Mode fs.FileMode
}

func (o *TransferOptions) sizes(c *Client, limit int) (conc, chunk int) {
	conc, chunk = c.cfg.concurrency, limit
	if o != nil && o.Concurrency > 0 {
		conc = o.Concurrency
	}
	if o != nil && o.ChunkSize > 0 && o.ChunkSize < chunk {
		chunk = o.ChunkSize
	}
	return conc, chunk
}

// transferPlan is what Download and Upload work out from the options and
// the two files before moving any bytes.
type transferPlan struct {
	opts  *TransferOptions
	mode  fs.FileMode // permission of a newly created destination
	start int64       // first byte to move, in source and destination
	flag  int         // flags for opening the destination
	total int64       // bytes left to move as the source stands now
	moved int64       // bytes moved so far, for Progress
}

// planTransfer fills in a transferPlan for source src. dstSize reports
// the destination's current size for Resume, with ok false if it does not
// exist.
func planTransfer(opts *TransferOptions, src fs.FileInfo, dstSize func() (n int64, ok bool, err error)) (*transferPlan, error) {
	if opts == nil {
		opts = &TransferOptions{}
	}
	p := &transferPlan{opts: opts, mode: opts.Mode, start: opts.Offset, flag: os.O_WRONLY | os.O_CREATE}
	if p.mode == 0 {
		p.mode = 0o644
	}
	if opts.Preserve {
		p.mode = src.Mode().Perm()
	}
	if opts.Resume {
		n, ok, err := dstSize()
		if err != nil {
			return nil, err
		}
		if ok {
			p.start = n
		}
	}
	if p.start == 0 && !opts.Resume {
		p.flag |= os.O_TRUNC
	}
	p.total = max(src.Size()-p.start, 0)
	return p, nil
}

// progress records k more bytes moved and reports them.
func (p *transferPlan) progress(k int) {
	p.moved += int64(k)
	if p.opts.Progress != nil {
		p.opts.Progress(p.moved, p.total)
	}
}

// Download copies the remote file remote to the local file local with many
// READ requests in flight, writing each chunk at its offset as it arrives.
// It returns the bytes copied.
func (c *Client) Download(ctx context.Context, remote, local string, opts *TransferOptions) (int64, error) {
	rf, err := c.Open(ctx, remote)
	if err != nil {
		return 0, err
	}
	defer rf.Close()
	fi, err := rf.Stat()
	if err != nil {
		return 0, err
	}
	p, err := planTransfer(opts, fi, func() (int64, bool, error) {
		lfi, err := os.Stat(local)
		if err != nil {
			return 0, false, nil // a local file we cannot stat is created afresh
		}
		return lfi.Size(), true, nil
	})
	if err != nil {
		return 0, err
	}
	lf, err := os.OpenFile(local, p.flag, p.mode)
	if err != nil {
		return 0, err
	}
	conc, chunk := p.opts.sizes(c, c.readLen)
	var eof int64 = -1
	n, err := c.streamReadN(ctx, rf.handle, p.start, conc, chunk, func(off int64, b []byte) error {
		if _, err := lf.WriteAt(b, off); err != nil {
			return err
		}
		p.progress(len(b))
		return nil
	}, false, &eof)
	if err == nil && eof >= 0 {
		// Chunks past the end may have landed if the file grew meanwhile.
		err = lf.Truncate(eof)
	}
	if err == nil && p.opts.Preserve {
		if err = lf.Chmod(fi.Mode().Perm()); err == nil {
			err = os.Chtimes(local, fi.Sys().(*Attributes).AccessTime(), fi.ModTime())
		}
	}
	if cerr := lf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("sftp: download %s: %w", remote, err)
	}
	return n, nil
}

// Upload copies the local file local to the remote file remote with many
// WRITE requests in flight. It returns the bytes copied.
func (c *Client) Upload(ctx context.Context, local, remote string, opts *TransferOptions) (int64, error) {
	lf, err := os.Open(local)
	if err != nil {
		return 0, err
	}
	defer lf.Close()
	fi, err := lf.Stat()
	if err != nil {
		return 0, err
	}
	p, err := planTransfer(opts, fi, func() (int64, bool, error) {
		rfi, err := c.Stat(ctx, remote)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				err = nil
			}
			return 0, false, err
		}
		return rfi.Size(), true, nil
	})
	if err != nil {
		return 0, err
	}
	rf, err := c.OpenFile(ctx, remote, p.flag, p.mode)
	if err != nil {
		return 0, err
	}
	src := io.NewSectionReader(lf, p.start, p.total)
	conc, chunk := p.opts.sizes(c, c.writeLen)
	n, err := c.streamWrite(ctx, rf.handle, p.start, src, conc, chunk, p.progress)
	if err == nil && (p.start > 0 || p.opts.Resume) {
		// Resuming into a longer remote file: cut what lies beyond.
		err = rf.Truncate(p.start + n)
	}
	if err == nil && p.opts.Preserve {
		var a Attributes
		a.SetMode(fi.Mode().Perm())
		var atime = fi.ModTime()
		if sa := AttributesFromFileInfo(fi); sa.Has(AttrACModTime) {
			atime = sa.AccessTime()
		}
		a.SetTimes(atime, fi.ModTime())
		err = rf.Setstat(&a)
	}
	if cerr := rf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("sftp: upload %s: %w", remote, err)
	}
	return n, nil
}
