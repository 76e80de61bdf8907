package sftp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Server serves the SFTP protocol over a byte stream, passing each request
// to its Handler. The zero value with a Handler set is ready to use; one
// Server may serve many sessions at once.
type Server struct {
	// Handler answers the requests. Required.
	Handler Handler

	// MaxPacket bounds the length of one request packet (default
	// DefaultMaxPacket; values below 34000 are raised to it). A longer
	// packet ends the session. It is announced in limits@openssh.com.
	MaxPacket int

	// MaxHandles bounds the handles open at once (default 256); OPEN and
	// OPENDIR beyond it fail. It is announced in limits@openssh.com.
	MaxHandles int

	// Workers bounds the READ or WRITE requests handled concurrently
	// (default 8).
	Workers int

	// AllowNonUTF8 lets paths that are not valid UTF-8 through to the
	// Handler. By default they are refused with SSH_FX_BAD_MESSAGE. Paths
	// containing NUL are always refused.
	AllowNonUTF8 bool

	// Logger, if set, receives debug records of protocol errors.
	Logger *slog.Logger
}

// ServeConn serves one session over rwc until the client closes it, a
// protocol error occurs, or ctx ends (then rwc is closed). It returns nil
// when the client ends the session cleanly.
func (s *Server) ServeConn(ctx context.Context, rwc io.ReadWriteCloser) error {
	return s.ServePipe(ctx, rwc, rwc)
}

// ServePipe serves one session reading requests from r and writing
// replies to w, such as the stdin and stdout of a subsystem. When ctx ends,
// r and w are closed if they are io.Closers. It returns nil when r reaches
// EOF at a packet boundary.
func (s *Server) ServePipe(ctx context.Context, r io.Reader, w io.Writer) error {
	if s.Handler == nil {
		return errors.New("sftp: Server.Handler is nil")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		if c, ok := r.(io.Closer); ok {
			c.Close()
		}
		if c, ok := w.(io.Closer); ok {
			c.Close()
		}
	})
	defer stop()
	ss := &session{
		srv: s, h: s.Handler, w: w, ctx: ctx, cancel: cancel,
		maxPacket:  uint32(s.MaxPacket),
		maxHandles: s.MaxHandles,
		workers:    s.Workers,
		handles:    make(map[string]*handleState),
	}
	if ss.maxPacket == 0 {
		ss.maxPacket = DefaultMaxPacket
	} else if ss.maxPacket < minMaxPacket {
		ss.maxPacket = minMaxPacket
	}
	if ss.maxHandles <= 0 {
		ss.maxHandles = 256
	}
	if ss.workers <= 0 {
		ss.workers = 8
	}
	ss.sem = make(chan struct{}, ss.workers)
	err := ss.serve(bufio.NewReaderSize(r, 64*1024))
	ss.wg.Wait()
	ss.closeAll()
	if ctx.Err() != nil && err != nil {
		return ctx.Err()
	}
	return err
}

// handleState is a handle the handler gave out.
type handleState struct {
	dir     bool
	pending []NameEntry // directory entries not yet sent
	eof     bool        // directory fully read
}

// session is one client's state.
type session struct {
	srv        *Server
	h          Handler
	w          io.Writer
	ctx        context.Context
	cancel     context.CancelFunc
	writeErr   atomic.Pointer[error] // first failed reply from a worker
	maxPacket  uint32
	maxHandles int
	workers    int

	wmu sync.Mutex // one reply at a time

	// handles is touched only by the sequential path (the read loop) and
	// read by workers while no sequential request runs.
	handles map[string]*handleState

	sem   chan struct{}
	wg    sync.WaitGroup
	class byte // class of the requests in flight: 0, fxpRead or fxpWrite
}

func (ss *session) logf(msg string, args ...any) {
	if l := ss.srv.Logger; l != nil {
		l.Debug(msg, args...)
	}
}

// serve runs the session: version exchange, then the request loop.
func (ss *session) serve(r io.Reader) error {
	body, err := readPacket(r, nil, ss.maxPacket)
	if err != nil {
		if err == io.EOF {
			return nil
		}
		return fmt.Errorf("sftp: reading init: %w", err)
	}
	if _, _, err := decodeVersion(body, fxpInit); err != nil {
		return fmt.Errorf("sftp: init: %w", err)
	}
	if err := ss.write(appendVersion(nil, ProtocolVersion, ss.extensions())); err != nil {
		return err
	}
	var free [][]byte // packet buffers not in use
	var fmu sync.Mutex
	takeBuf := func() []byte {
		fmu.Lock()
		defer fmu.Unlock()
		if n := len(free); n > 0 {
			b := free[n-1]
			free = free[:n-1]
			return b
		}
		return nil
	}
	giveBuf := func(b []byte) {
		fmu.Lock()
		free = append(free, b[:0])
		fmu.Unlock()
	}
	for {
		buf := takeBuf()
		body, err := readPacket(r, buf, ss.maxPacket)
		if werr := ss.writeErr.Load(); werr != nil {
			return *werr
		}
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return fmt.Errorf("sftp: reading request: %w", err)
		}
		req := new(request)
		if err := decodeRequest(body, req); err != nil {
			if len(body) < 5 {
				return fmt.Errorf("sftp: %w", err)
			}
			ss.logf("sftp: malformed request", "err", err)
			ss.barrier()
			if err := ss.reply(appendStatus(nil, req.id, StatusBadMessage, "malformed request")); err != nil {
				return err
			}
			giveBuf(body)
			continue
		}
		if req.typ == fxpRead || req.typ == fxpWrite {
			if ss.class != req.typ {
				ss.barrier()
				ss.class = req.typ
			}
			if !ss.checkHandle(req.handle, false) {
				ss.barrier()
				if err := ss.reply(appendStatus(nil, req.id, StatusFailure, "invalid handle")); err != nil {
					return err
				}
				giveBuf(body)
				continue
			}
			ss.sem <- struct{}{}
			ss.wg.Add(1)
			go func() {
				defer func() { <-ss.sem; ss.wg.Done(); giveBuf(body) }()
				if ss.ctx.Err() != nil {
					return
				}
				if err := ss.dataRequest(req); err != nil {
					// The stream is broken: end the session.
					if ss.writeErr.CompareAndSwap(nil, &err) {
						ss.cancel()
					}
				}
			}()
			continue
		}
		ss.barrier()
		err = ss.handle(req)
		giveBuf(body)
		if err != nil {
			return err
		}
	}
}

// barrier waits for concurrent READ/WRITE requests to finish.
func (ss *session) barrier() {
	ss.wg.Wait()
	ss.class = 0
}

// write sends one complete packet.
func (ss *session) write(pkt []byte) error {
	ss.wmu.Lock()
	defer ss.wmu.Unlock()
	_, err := ss.w.Write(pkt)
	return err
}

func (ss *session) reply(pkt []byte) error {
	if err := ss.write(pkt); err != nil {
		return fmt.Errorf("sftp: writing reply: %w", err)
	}
	return nil
}

// checkHandle reports whether h is open and of the wanted kind.
func (ss *session) checkHandle(h string, dir bool) bool {
	st, ok := ss.handles[h]
	return ok && st.dir == dir
}

// extensions lists what the handler supports, in the VERSION packet.
func (ss *session) extensions() []Extension {
	var exts []Extension
	add := func(name string) { exts = append(exts, Extension{name, extVersions[name]}) }
	h := ss.h
	if _, ok := h.(PosixRenameHandler); ok {
		add(extPosixRename)
	}
	if _, ok := h.(StatVFSHandler); ok {
		add(extStatVFS)
		add(extFStatVFS)
	}
	if _, ok := h.(HardlinkHandler); ok {
		add(extHardlink)
	}
	if _, ok := h.(FsyncHandler); ok {
		add(extFsync)
	}
	if _, ok := h.(LsetstatHandler); ok {
		add(extLsetstat)
	}
	add(extLimits)
	if _, ok := h.(ExpandPathHandler); ok {
		add(extExpandPath)
	}
	if _, ok := h.(CopyDataHandler); ok {
		add(extCopyData)
	}
	if _, ok := h.(HomeDirHandler); ok {
		add(extHomeDir)
	}
	if _, ok := h.(UsersGroupsHandler); ok {
		add(extUsersGroups)
	}
	if eh, ok := h.(ExtendedHandler); ok {
		for _, e := range eh.Extensions() {
			if _, known := extVersions[e.Name]; !known {
				exts = append(exts, e)
			}
		}
	}
	return exts
}

// maxData is the largest READ payload served (and WRITE accepted, as the
// packet bound allows): the packet bound minus room for headers.
func (ss *session) maxData() int { return int(ss.maxPacket) - 1024 }

// dataRequest serves READ or WRITE; it may run concurrently with others.
func (ss *session) dataRequest(req *request) error {
	if req.offset > 1<<63-1 {
		return ss.reply(appendStatus(nil, req.id, StatusBadMessage, "offset out of range"))
	}
	if req.typ == fxpWrite {
		err := ss.h.Write(ss.ctx, req.handle, int64(req.offset), req.data)
		return ss.status(req.id, err)
	}
	n := int(min(req.length, uint32(ss.maxData())))
	pb := getBuf(13 + n)
	b := (*pb)[:13+n]
	got, err := ss.h.Read(ss.ctx, req.handle, int64(req.offset), b[13:])
	if got < 0 || got > n {
		got, err = 0, errors.New("handler returned an impossible length")
	}
	if got == 0 && err == nil {
		err = io.EOF
	}
	if got > 0 {
		err = nil // data first; a short read's error shows on the next READ
		b = appendDataHeader(b[:0], req.id, got)
		b = finishPacket(b[:13+got])
		err = ss.reply(b)
	} else {
		err = ss.status(req.id, err)
	}
	*pb = b[:0]
	putBuf(pb)
	return err
}

// status sends the status reply for err.
func (ss *session) status(id uint32, err error) error {
	code, msg := statusFromError(err)
	if err != nil && code == StatusFailure {
		ss.logf("sftp: request failed", "id", id, "err", err)
	}
	return ss.reply(appendStatus(nil, id, code, msg))
}

// validPath applies the server's path policy.
func (ss *session) validPath(p string) bool {
	if strings.IndexByte(p, 0) >= 0 {
		return false
	}
	return ss.srv.AllowNonUTF8 || utf8.ValidString(p)
}
