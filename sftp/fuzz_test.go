package sftp

import (
	"bytes"
	"context"
	"io"
	"testing"
	"testing/fstest"
)

// FuzzDecodeRequest is the server-side decoder: it must never panic, and
// what it accepts must re-encode to the same bytes.
func FuzzDecodeRequest(f *testing.F) {
	seeds := []*request{
		{typ: fxpOpen, id: 1, path: "a", flags: FlagRead | FlagCreate, attrs: Attributes{Flags: AttrPermissions, Mode: 0o644}},
		{typ: fxpRead, id: 2, handle: "h", offset: 10, length: 100},
		{typ: fxpWrite, id: 3, handle: "h", offset: 5, data: []byte("xyz")},
		{typ: fxpSetstat, id: 4, path: "p", attrs: Attributes{Flags: AttrSize | AttrUIDGID | AttrACModTime | AttrExtended, Extended: []ExtendedAttr{{"a", "b"}}}},
		{typ: fxpRename, id: 5, path: "a", path2: "b"},
		{typ: fxpExtended, id: 6, ext: extCopyData, handle: "s", handle2: "d", length64: 9},
		{typ: fxpExtended, id: 7, ext: extUsersGroups, uids: []uint32{0, 1}, gids: []uint32{2}},
		{typ: fxpExtended, id: 8, ext: "other@x", extData: []byte{1, 2}},
	}
	for _, r := range seeds {
		f.Add(appendRequest(nil, r)[4:])
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r request
		if err := decodeRequest(body, &r); err != nil {
			return
		}
		again := appendRequest(nil, &r)[4:]
		// Unknown attribute flag bits are dropped, so compare decoded forms.
		var r2 request
		if err := decodeRequest(again, &r2); err != nil {
			t.Fatalf("re-encoded request does not decode: %v", err)
		}
		if !bytes.Equal(appendRequest(nil, &r2), appendRequest(nil, &r)) {
			t.Fatal("request does not round-trip")
		}
	})
}

// FuzzDecodeReply is the client-side decoder.
func FuzzDecodeReply(f *testing.F) {
	f.Add(appendStatus(nil, 1, StatusEOF, "eof")[4:])
	f.Add(appendHandleReply(nil, 2, "handle")[4:])
	f.Add(finishPacket(append(appendDataHeader(nil, 3, 3), "abc"...))[4:])
	f.Add(appendNameReply(nil, 4, []NameEntry{{Name: "a", LongName: "-rw a", Attrs: Attributes{Flags: AttrSize, Size: 1}}})[4:])
	f.Add(appendAttrsReply(nil, 5, &Attributes{Flags: AttrPermissions, Mode: 0o755})[4:])
	f.Add(finishPacket(appendLimits(beginExtendedReply(nil, 6), &Limits{1, 2, 3, 4}))[4:])
	f.Fuzz(func(t *testing.T, body []byte) {
		var r reply
		if err := decodeReply(body, &r); err != nil {
			return
		}
		if r.typ == fxpExtendedReply {
			d := decoder{b: r.data}
			decodeStatVFS(&d)
			d = decoder{b: r.data}
			decodeNameList(&d)
			decodeNameList(&d)
		}
	})
}

// FuzzDecodeVersion covers INIT and VERSION packets.
func FuzzDecodeVersion(f *testing.F) {
	f.Add(appendVersion(nil, 3, []Extension{{extLimits, "1"}})[4:])
	f.Add(appendInit(nil, 3)[4:])
	f.Fuzz(func(t *testing.T, body []byte) {
		decodeVersion(body, fxpVersion)
		decodeVersion(body, fxpInit)
	})
}

// FuzzServer feeds an arbitrary byte stream to a server session after a
// valid INIT: it must end (with or without an error), never panic or hang.
func FuzzServer(f *testing.F) {
	f.Add(appendRequest(nil, &request{typ: fxpOpen, id: 1, path: "a", flags: FlagRead}))
	f.Add(append(appendRequest(nil, &request{typ: fxpOpendir, id: 1, path: "/"}),
		appendRequest(nil, &request{typ: fxpReaddir, id: 2, handle: "f1"})...))
	f.Add(appendRequest(nil, &request{typ: fxpRead, id: 1, handle: "f1", length: 1 << 30}))
	fsys := fstest.MapFS{"a": {Data: []byte("hello")}, "d/b": {Data: []byte("b")}}
	f.Fuzz(func(t *testing.T, stream []byte) {
		in := append(appendInit(nil, 3), stream...)
		srv := &Server{Handler: NewFSHandler(fsys), MaxPacket: 40000}
		srv.ServePipe(context.Background(), bytes.NewReader(in), io.Discard)
	})
}
