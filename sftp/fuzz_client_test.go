package sftp

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"path/filepath"
	"testing"
)

// FuzzClient plays a server whose replies are the fuzz input: each request
// the client sends is answered with the input's next packet (as its
// length prefix frames it), and the stream ends with the input. A client
// driving a series of operations must return from each, with data or an
// error, and never panic, hang or break its own invariants.
func FuzzClient(f *testing.F) {
	version := appendVersion(nil, 3, []Extension{{extLimits, "1"}, {extStatVFS, "2"}, {extUsersGroups, "1"}})
	limits := finishPacket(appendLimits(beginExtendedReply(nil, 1), &Limits{34000, 1000, 1000, 8}))
	data := func(id uint32, s string) []byte {
		return finishPacket(append(appendDataHeader(nil, id, len(s)), s...))
	}
	ok := func(id uint32) []byte { return appendStatus(nil, id, StatusOK, "ok") }
	file := &Attributes{Flags: AttrSize | AttrPermissions, Size: 3000, Mode: ModeRegular | 0o644}
	chunk := string(randBytes(1000, 5))
	// The replies of a well-behaved server to the operations below.
	happy := [][]byte{
		version, limits,
		appendAttrsReply(nil, 2, file),
		appendHandleReply(nil, 3, "h"),
		data(4, chunk), data(5, chunk), data(6, chunk), // ReadAt of 3000 bytes, 1000 a READ
		ok(7), ok(8),
		appendHandleReply(nil, 9, "d"),
		appendNameReply(nil, 10, []NameEntry{{Name: "a", LongName: "-rw-r--r-- a", Attrs: *file}}),
		appendStatus(nil, 11, StatusEOF, "eof"), ok(12),
		appendNameReply(nil, 13, []NameEntry{{Name: "target"}}),
		finishPacket(appendStatVFS(beginExtendedReply(nil, 14), &StatVFS{BlockSize: 4096, Blocks: 10})),
		finishPacket(appendNameList(appendNameList(beginExtendedReply(nil, 15), []string{"root"}), []string{"root"})),
	}
	var all []byte
	for i, p := range happy {
		all = append(all, p...)
		if i == 3 || i == 9 {
			f.Add(all) // the stream ending half way
		}
	}
	f.Add(all)
	f.Add(append(append([]byte(nil), version...), appendStatus(nil, 7, StatusOK, "reply to no request")...))
	f.Add(append(append(append([]byte(nil), version...), limits...), data(2, "data where attrs belong")...))
	f.Add(append(append([]byte(nil), version...), 0, 0, 0, 9, fxpData, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff))
	f.Fuzz(func(t *testing.T, replies []byte) {
		driveClient(t, replies)
	})
}

// driveClient runs a series of operations against a server answering
// with replies, one packet per request.
func driveClient(t *testing.T, replies []byte) {
	cr, sw := io.Pipe() // server to client
	sr, cw := io.Pipe() // client to server
	served := make(chan struct{})
	go func() {
		defer close(served)
		defer sw.Close()
		in := bufio.NewReader(sr)
		for len(replies) > 0 {
			if _, err := readPacket(in, nil, 1<<20); err != nil {
				return
			}
			n := len(replies)
			if n >= 4 {
				n = int(min(4+uint64(binary.BigEndian.Uint32(replies)), uint64(n)))
			}
			if _, err := sw.Write(replies[:n]); err != nil {
				return
			}
			replies = replies[n:]
		}
		// Out of replies: end the stream (with the last packet perhaps
		// incomplete, so the client must not wait for another request).
		sw.Close()
		io.Copy(io.Discard, sr)
	}()
	defer func() { <-served }()
	ctx := context.Background()
	c, err := NewClientPipe(ctx, cr, cw)
	if err != nil {
		return
	}
	defer c.Close()
	c.Stat(ctx, "a")
	if f, err := c.Open(ctx, "a"); err == nil {
		p := make([]byte, 3000)
		if n, _ := f.ReadAt(p, 0); n < 0 || n > len(p) {
			t.Fatalf("ReadAt read %d bytes into %d", n, len(p))
		}
		f.Write([]byte("x"))
		f.Close()
	}
	if ents, err := c.ReadDir(ctx, "/"); err == nil {
		for _, e := range ents {
			if e.Name() == "." || e.Name() == ".." {
				t.Fatalf("ReadDir returned %q", e.Name())
			}
		}
	}
	c.Readlink(ctx, "l")
	c.StatVFS(ctx, "/")
	if users, groups, err := c.UsersGroupsByID(ctx, []uint32{0}, []uint32{0}); err == nil && (len(users) != 1 || len(groups) != 1) {
		t.Fatalf("users-groups-by-id: %d users, %d groups for one id each", len(users), len(groups))
	}
	if n, err := c.Download(ctx, "a", filepath.Join(t.TempDir(), "a"), nil); err == nil && n < 0 {
		t.Fatalf("Download: %d bytes", n)
	}
}
