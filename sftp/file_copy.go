package sftp

import (
	"context"
	"errors"
	"io"
)

// WriteTo copies the file from its offset to w until EOF, keeping many
// READ requests in flight and writing to w in order. It advances the
// offset by the bytes written. io.Copy uses it.
func (f *File) WriteTo(w io.Writer) (int64, error) {
	return f.WriteToContext(context.Background(), w)
}

// WriteToContext is WriteTo with a context.
func (f *File) WriteToContext(ctx context.Context, w io.Writer) (int64, error) {
	if err := f.check("read"); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.c.streamRead(ctx, f.handle, f.offset, func(_ int64, p []byte) error {
		_, err := w.Write(p)
		return err
	}, true, nil)
	f.offset += n
	if err != nil && !isStatus(err) && !errors.Is(err, ErrClosed) {
		return n, err
	}
	return n, f.err("read", err)
}

// readSlot is one READ of a streaming transfer.
type readSlot struct {
	buf  []byte
	off  int64
	want int
	done bool
	n    int
	err  error
}

// streamRead reads handle from off until EOF with up to the configured
// concurrency of READs in flight, passing data to sink. With ordered set,
// sink sees the data in file order; otherwise as it arrives (with its
// offset). It returns the number of bytes passed to sink. When size is not
// nil, it is updated with the file's end offset once known.
func (c *Client) streamRead(ctx context.Context, handle string, off int64, sink func(off int64, p []byte) error, ordered bool, eofAt *int64) (int64, error) {
	return c.streamReadN(ctx, handle, off, c.cfg.concurrency, c.readLen, sink, ordered, eofAt)
}

func (c *Client) streamReadN(ctx context.Context, handle string, off int64, conc, chunk int, sink func(off int64, p []byte) error, ordered bool, eofOut *int64) (int64, error) {
	conc = c.inflightConcurrency(conc, chunk)
	slots := make([]readSlot, conc)
	pl := newPipeline(c, conc)
	next := off
	eof := int64(-1) // first offset known to be at or past the end
	var total int64
	var firstErr error

	issue := func(i int, o int64, want int) error {
		s := &slots[i]
		if s.buf == nil {
			s.buf = make([]byte, chunk)
		}
		s.off, s.want, s.done, s.n, s.err = o, want, false, 0, nil
		cl := pl.get()
		cl.dst, cl.tag = s.buf[:want], i
		return pl.queue(cl, func(b []byte, id uint32) []byte {
			return appendRequest(b, &request{typ: fxpRead, id: id, handle: handle, offset: uint64(o), length: uint32(want)})
		})
	}
	// free lists the slots not in flight; head is the lowest offset in
	// flight for ordered delivery.
	free := make([]int, 0, conc)
	for i := conc - 1; i >= 0; i-- {
		free = append(free, i)
	}
	// order holds in-flight slot indices by offset (for ordered sinks).
	order := make([]int, 0, conc)

	// fill tops the window up once half of it is free (or nothing is in
	// flight), sending the new requests in one write.
	fill := func() error {
		if pl.inflight() > conc/2 && len(free) < conc/2 {
			return pl.flush()
		}
		for len(free) > 0 && eof < 0 && firstErr == nil {
			i := free[len(free)-1]
			if err := issue(i, next, chunk); err != nil {
				return err
			}
			free = free[:len(free)-1]
			order = append(order, i)
			next += int64(chunk)
		}
		return pl.flush()
	}
	// complete handles a finished slot; it may re-issue the remainder of
	// a short read in the same slot.
	complete := func(i int) error {
		s := &slots[i]
		if s.err == io.EOF {
			if eof < 0 || s.off < eof {
				eof = s.off
			}
			return nil
		}
		if s.err != nil {
			return s.err
		}
		if s.n == 0 {
			if eof < 0 || s.off < eof {
				eof = s.off
			}
			return nil
		}
		if !ordered {
			if err := sink(s.off, s.buf[:s.n]); err != nil {
				return err
			}
			total += int64(s.n)
		}
		return nil
	}

	if err := fill(); err != nil {
		return 0, err
	}
	for pl.inflight() > 0 {
		cl, err := pl.next(ctx)
		if err != nil {
			pl.abort()
			return total, err
		}
		i := cl.tag
		s := &slots[i]
		s.n, s.err = readResult(cl)
		s.done = true
		pl.put(cl)
		if !ordered {
			if err := complete(i); err != nil && firstErr == nil {
				firstErr = err
			}
			if s.err == nil && s.n > 0 && s.n < s.want && firstErr == nil {
				// Short read: fetch the rest in the same slot.
				if err := issue(i, s.off+int64(s.n), s.want-s.n); err != nil {
					firstErr = err
				} else if err := pl.flush(); err != nil {
					firstErr = err
				}
				if firstErr == nil {
					continue
				}
				pl.abort()
				break
			}
			free = append(free, i)
		} else {
			for len(order) > 0 && slots[order[0]].done {
				h := order[0]
				hs := &slots[h]
				if firstErr == nil && (eof < 0 || hs.off < eof) {
					if hs.err != nil && hs.err != io.EOF {
						firstErr = hs.err
					} else if hs.err == io.EOF || hs.n == 0 {
						eof = hs.off
					} else {
						if err := sink(hs.off, hs.buf[:hs.n]); err != nil {
							firstErr = err
						}
						total += int64(hs.n)
						if firstErr == nil && hs.n < hs.want {
							// Short read: re-issue the rest, still at the head.
							o, w := hs.off+int64(hs.n), hs.want-hs.n
							if err := issue(h, o, w); err != nil {
								firstErr = err
							}
							break
						}
					}
				}
				order = order[1:]
				free = append(free, h)
			}
		}
		if firstErr != nil {
			pl.abort()
			break
		}
		if err := fill(); err != nil {
			firstErr = err
			pl.abort()
			break
		}
	}
	if eofOut != nil {
		*eofOut = eof
	}
	return total, firstErr
}

// ReadFrom copies r to the file at its offset until r's EOF, keeping many
// WRITE requests in flight, and advances the offset. io.Copy uses it.
func (f *File) ReadFrom(r io.Reader) (int64, error) {
	return f.ReadFromContext(context.Background(), r)
}

// ReadFromContext is ReadFrom with a context.
func (f *File) ReadFromContext(ctx context.Context, r io.Reader) (int64, error) {
	if err := f.check("write"); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.c.streamWrite(ctx, f.handle, f.offset, r, f.c.cfg.concurrency, f.c.writeLen, nil)
	f.offset += n
	if err != nil && (isStatus(err) || errors.Is(err, ErrClosed)) {
		err = f.err("write", err)
	}
	return n, err
}

// streamWrite copies r to handle from off with up to conc WRITEs in
// flight, each carrying up to chunk bytes read straight into the packet
// buffer. progress, if set, is called after each acknowledged write.
func (c *Client) streamWrite(ctx context.Context, handle string, off int64, r io.Reader, conc, chunk int, progress func(n int)) (int64, error) {
	conc = c.inflightConcurrency(conc, chunk)
	hdrLen := 4 + 1 + 4 + 4 + len(handle) + 8 + 4
	pkt := make([]byte, hdrLen+chunk)
	pl := newPipeline(c, conc)
	var sent, acked int64
	var firstErr error
	eof := false
	for !eof || pl.inflight() > 0 {
		for !eof && firstErr == nil && pl.inflight() < conc {
			n, rerr := io.ReadFull(r, pkt[hdrLen:])
			if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
				eof = true
			} else if rerr != nil {
				firstErr = rerr
				break
			}
			if n == 0 {
				break
			}
			o := off + sent
			cl := pl.get()
			cl.tag = n
			err := pl.start(cl, func(_ []byte, id uint32) []byte {
				b := beginRequest(pkt[:0], fxpWrite, id)
				b = appendString(b, handle)
				b = appendUint64(b, uint64(o))
				appendUint32(b, uint32(n))
				return finishPacket(pkt[:hdrLen+n])
			})
			if err != nil {
				firstErr = err
				break
			}
			sent += int64(n)
		}
		if pl.inflight() == 0 {
			break
		}
		cl, err := pl.next(ctx)
		if err != nil {
			pl.abort()
			return acked, err
		}
		n := cl.tag
		if err := writeResult(cl); err != nil && firstErr == nil {
			firstErr = err
		} else if err == nil {
			acked += int64(n)
			if progress != nil {
				progress(n)
			}
		}
		pl.put(cl)
		if firstErr != nil {
			eof = true
		}
	}
	if firstErr != nil {
		return acked, firstErr
	}
	return sent, nil
}
