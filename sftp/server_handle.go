package sftp

import (
	"context"
	"errors"
	"io"
	"slices"
)

var errInvalidHandle = &StatusError{Code: StatusFailure, Message: "invalid handle"}

// handle serves one request that runs alone (everything except READ and
// WRITE), in request order.
func (ss *session) handle(req *request) error {
	ctx, h := ss.ctx, ss.h
	for _, p := range [...]string{req.path, req.path2} {
		if !ss.validPath(p) {
			return ss.reply(appendStatus(nil, req.id, StatusBadMessage, "invalid path"))
		}
	}
	switch req.typ {
	case fxpOpen, fxpOpendir:
		if len(ss.handles) >= ss.maxHandles {
			return ss.status(req.id, &StatusError{Code: StatusFailure, Message: "too many open handles"})
		}
		var hd string
		var err error
		if req.typ == fxpOpen {
			hd, err = h.Open(ctx, req.path, req.flags, &req.attrs)
		} else {
			hd, err = h.OpenDir(ctx, req.path)
		}
		if err != nil {
			return ss.status(req.id, err)
		}
		if !validHandle([]byte(hd)) || ss.handles[hd] != nil {
			_ = h.Close(ctx, hd)
			return ss.status(req.id, errors.New("handler returned an invalid handle"))
		}
		ss.handles[hd] = &handleState{dir: req.typ == fxpOpendir}
		return ss.reply(appendHandleReply(nil, req.id, hd))
	case fxpClose:
		if _, ok := ss.handles[req.handle]; !ok {
			return ss.status(req.id, errInvalidHandle)
		}
		delete(ss.handles, req.handle)
		return ss.status(req.id, h.Close(ctx, req.handle))
	case fxpFstat:
		if !ss.checkHandle(req.handle, false) {
			return ss.status(req.id, errInvalidHandle)
		}
		return ss.attrsReply(req.id)(h.Fstat(ctx, req.handle))
	case fxpFsetstat:
		if !ss.checkHandle(req.handle, false) {
			return ss.status(req.id, errInvalidHandle)
		}
		return ss.status(req.id, h.Fsetstat(ctx, req.handle, &req.attrs))
	case fxpReaddir:
		return ss.readDir(req)
	case fxpRemove:
		return ss.status(req.id, h.Remove(ctx, req.path))
	case fxpMkdir:
		return ss.status(req.id, h.Mkdir(ctx, req.path, &req.attrs))
	case fxpRmdir:
		return ss.status(req.id, h.Rmdir(ctx, req.path))
	case fxpRealpath:
		return ss.nameReply(req.id)(h.RealPath(ctx, req.path))
	case fxpStat:
		return ss.attrsReply(req.id)(h.Stat(ctx, req.path))
	case fxpLstat:
		return ss.attrsReply(req.id)(h.Lstat(ctx, req.path))
	case fxpSetstat:
		return ss.status(req.id, h.Setstat(ctx, req.path, &req.attrs))
	case fxpRename:
		return ss.status(req.id, h.Rename(ctx, req.path, req.path2))
	case fxpReadlink:
		return ss.nameReply(req.id)(h.ReadLink(ctx, req.path))
	case fxpSymlink:
		// OpenSSH's order: target first, then the link's path.
		return ss.status(req.id, h.Symlink(ctx, req.path, req.path2))
	case fxpExtended:
		return ss.extended(req)
	}
	return ss.status(req.id, &StatusError{Code: StatusOpUnsupported, Message: "unsupported request"})
}

func (ss *session) attrsReply(id uint32) func(*Attributes, error) error {
	return func(a *Attributes, err error) error {
		if err != nil {
			return ss.status(id, err)
		}
		if a == nil {
			a = &Attributes{}
		}
		return ss.reply(appendAttrsReply(nil, id, a))
	}
}

func (ss *session) nameReply(id uint32) func(string, error) error {
	return func(name string, err error) error {
		if err != nil {
			return ss.status(id, err)
		}
		return ss.reply(appendNameReply(nil, id, []NameEntry{{Name: name, LongName: name}}))
	}
}

// readDir answers READDIR with as many entries as fit in one packet,
// keeping the rest for the next request.
func (ss *session) readDir(req *request) error {
	st, ok := ss.handles[req.handle]
	if !ok || !st.dir {
		return ss.status(req.id, errInvalidHandle)
	}
	if len(st.pending) == 0 && !st.eof {
		entries, err := ss.h.ReadDir(ss.ctx, req.handle)
		if err == io.EOF {
			st.eof = true
		} else if err != nil {
			return ss.status(req.id, err)
		}
		st.pending = entries
	}
	if len(st.pending) == 0 {
		return ss.status(req.id, io.EOF)
	}
	// Fit entries into the packet bound.
	limit := int(ss.maxPacket) - 64
	size, n := 4+1+4+4, 0
	for n < len(st.pending) {
		e := &st.pending[n]
		sz := 8 + len(e.Name) + len(e.LongName) + len(appendAttrs(nil, &e.Attrs))
		if size+sz > limit {
			break
		}
		size += sz
		n++
	}
	if n == 0 {
		st.pending = st.pending[1:] // an entry that can never fit: skip it
		return ss.status(req.id, errors.New("directory entry too large"))
	}
	pkt := appendNameReply(nil, req.id, st.pending[:n])
	st.pending = st.pending[n:]
	if len(st.pending) == 0 {
		st.pending = nil
	}
	return ss.reply(pkt)
}

// extended serves SSH_FXP_EXTENDED requests.
func (ss *session) extended(req *request) error {
	ctx, h, id := ss.ctx, ss.h, req.id
	unsupported := func() error {
		return ss.status(id, &StatusError{Code: StatusOpUnsupported, Message: "unsupported extension " + req.ext})
	}
	switch req.ext {
	case extPosixRename:
		if x, ok := h.(PosixRenameHandler); ok {
			return ss.status(id, x.PosixRename(ctx, req.path, req.path2))
		}
	case extStatVFS, extFStatVFS:
		x, ok := h.(StatVFSHandler)
		if !ok {
			return unsupported()
		}
		var st *StatVFS
		var err error
		if req.ext == extStatVFS {
			st, err = x.StatVFS(ctx, req.path)
		} else if !ss.checkHandle(req.handle, false) {
			err = errInvalidHandle
		} else {
			st, err = x.FStatVFS(ctx, req.handle)
		}
		if err != nil {
			return ss.status(id, err)
		}
		return ss.reply(finishPacket(appendStatVFS(beginExtendedReply(nil, id), st)))
	case extHardlink:
		if x, ok := h.(HardlinkHandler); ok {
			return ss.status(id, x.Link(ctx, req.path, req.path2))
		}
	case extFsync:
		if x, ok := h.(FsyncHandler); ok {
			if !ss.checkHandle(req.handle, false) {
				return ss.status(id, errInvalidHandle)
			}
			return ss.status(id, x.Fsync(ctx, req.handle))
		}
	case extLsetstat:
		if x, ok := h.(LsetstatHandler); ok {
			return ss.status(id, x.Lsetstat(ctx, req.path, &req.attrs))
		}
	case extLimits:
		l := Limits{
			MaxPacketLength: uint64(ss.maxPacket),
			MaxReadLength:   uint64(ss.maxData()),
			MaxWriteLength:  uint64(ss.maxData()),
			MaxOpenHandles:  uint64(ss.maxHandles),
		}
		return ss.reply(finishPacket(appendLimits(beginExtendedReply(nil, id), &l)))
	case extExpandPath:
		if x, ok := h.(ExpandPathHandler); ok {
			return ss.nameReply(id)(x.ExpandPath(ctx, req.path))
		}
	case extCopyData:
		if x, ok := h.(CopyDataHandler); ok {
			if !ss.checkHandle(req.handle, false) || !ss.checkHandle(req.handle2, false) {
				return ss.status(id, errInvalidHandle)
			}
			if req.handle == req.handle2 {
				return ss.status(id, &StatusError{Code: StatusBadMessage, Message: "source and destination handles are the same"})
			}
			if req.offset > 1<<63-1 || req.length64 > 1<<63-1 || req.offset2 > 1<<63-1 {
				return ss.status(id, &StatusError{Code: StatusBadMessage, Message: "offset out of range"})
			}
			return ss.status(id, x.CopyData(ctx, req.handle, int64(req.offset), int64(req.length64), req.handle2, int64(req.offset2)))
		}
	case extHomeDir:
		if x, ok := h.(HomeDirHandler); ok {
			return ss.nameReply(id)(x.HomeDir(ctx, req.path))
		}
	case extUsersGroups:
		if x, ok := h.(UsersGroupsHandler); ok {
			users, groups, err := x.UsersGroupsByID(ctx, req.uids, req.gids)
			if err == nil && (len(users) != len(req.uids) || len(groups) != len(req.gids)) {
				err = errors.New("handler returned the wrong number of names")
			}
			if err == nil {
				users, groups, err = fitNames(users, groups, min(int(ss.maxPacket), DefaultMaxPacket))
			}
			if err != nil {
				return ss.status(id, err)
			}
			b := appendNameList(beginExtendedReply(nil, id), users)
			b = appendNameList(b, groups)
			return ss.reply(finishPacket(b))
		}
	default:
		if x, ok := h.(ExtendedHandler); ok {
			data, err := x.Extended(ctx, req.ext, req.extData)
			if err != nil {
				return ss.status(id, err)
			}
			if len(data) > ss.maxData() {
				return ss.status(id, errors.New("extended reply too large"))
			}
			return ss.reply(finishPacket(append(beginExtendedReply(nil, id), data...)))
		}
	}
	return unsupported()
}

// fitNames makes a users-groups-by-id reply carrying users and groups fit
// in limit bytes (the packet length, as OpenSSH counts it). Names that do
// not fit become "", which the extension defines as "no name for this
// id", so the client still gets one entry per id and shows numbers for
// the rest; the handler's slices are copied, not changed. Replies are
// bounded by our own packet bound and by OpenSSH's 256 KiB, the most any
// client is known to accept. A request with so many ids that even empty
// names overflow is refused.
func fitNames(users, groups []string, limit int) ([]string, []string, error) {
	room := limit - (1 + 4 + 4 + 4) - 4*(len(users)+len(groups))
	if room < 0 {
		return nil, nil, &StatusError{Code: StatusFailure, Message: "too many ids for one reply"}
	}
	fit := func(names []string) []string {
		out, copied := names, false
		for i, n := range names {
			if len(n) <= room {
				room -= len(n)
				continue
			}
			if !copied {
				out, copied = slices.Clone(names), true
			}
			out[i] = ""
		}
		return out
	}
	users = fit(users)
	return users, fit(groups), nil
}

// closeAll closes the handles the client left open.
func (ss *session) closeAll() {
	ctx := context.WithoutCancel(ss.ctx)
	for hd := range ss.handles {
		_ = ss.h.Close(ctx, hd)
	}
	clear(ss.handles)
}
