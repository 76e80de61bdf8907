//go:build unix

package sftp

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"testing"
)

// fuzzMaxPacket is the packet bound of the fuzzed servers.
const fuzzMaxPacket = 40000

// FuzzDirServer feeds an arbitrary request stream, after a valid INIT, to
// a server with a DirHandler over a small tree (files, a directory, links
// inside and links leading out) and checks that it ends without a panic
// and that nothing outside the root changed.
func FuzzDirServer(f *testing.F) {
	open := func(id uint32, p string, flags uint32) *request {
		return &request{typ: fxpOpen, id: id, path: p, flags: flags}
	}
	seeds := [][]*request{
		{open(1, "file", FlagRead), {typ: fxpRead, id: 2, handle: "h1", length: 100}, {typ: fxpClose, id: 3, handle: "h1"}},
		{open(1, "new", FlagWrite|FlagCreate), {typ: fxpWrite, id: 2, handle: "h1", offset: 3, data: []byte("abc")},
			{typ: fxpFsetstat, id: 3, handle: "h1", attrs: Attributes{Flags: AttrPermissions, Mode: 0o600}}},
		{{typ: fxpOpendir, id: 1, path: "/"}, {typ: fxpReaddir, id: 2, handle: "h1"}, {typ: fxpReaddir, id: 3, handle: "h1"}},
		{open(1, "../outside/secret", FlagWrite|FlagTrunc), open(2, "out-dir/secret", FlagWrite), open(3, "out-link", FlagWrite|FlagAppend)},
		{{typ: fxpSetstat, id: 1, path: "out-link", attrs: Attributes{Flags: AttrPermissions | AttrSize, Mode: 0o777}},
			{typ: fxpSetstat, id: 2, path: "out-dir/secret", attrs: Attributes{Flags: AttrACModTime}},
			{typ: fxpExtended, id: 3, ext: extLsetstat, path: "out-dir/sub/x", attrs: Attributes{Flags: AttrUIDGID}}},
		{{typ: fxpRemove, id: 1, path: "out-dir/secret"}, {typ: fxpRmdir, id: 2, path: "out-dir/sub"},
			{typ: fxpRename, id: 3, path: "out-dir/secret", path2: "stolen"}, {typ: fxpMkdir, id: 4, path: "out-dir/made"}},
		{{typ: fxpExtended, id: 1, ext: extHardlink, path: "out-dir/secret", path2: "hard"},
			{typ: fxpExtended, id: 2, ext: extPosixRename, path: "file", path2: "out-dir/file"},
			{typ: fxpSymlink, id: 3, path: "../outside/secret", path2: "mine"},
			{typ: fxpSetstat, id: 4, path: "mine", attrs: Attributes{Flags: AttrPermissions, Mode: 0}}},
		{open(1, "file", FlagRead), open(2, "copy", FlagWrite|FlagCreate),
			{typ: fxpExtended, id: 3, ext: extCopyData, handle: "h1", handle2: "h2", length64: 5}},
		{{typ: fxpSetstat, id: 1, path: "link", attrs: Attributes{Flags: AttrPermissions, Mode: 0o640}},
			{typ: fxpSetstat, id: 2, path: "/", attrs: Attributes{Flags: AttrPermissions, Mode: 0o700}},
			{typ: fxpReadlink, id: 3, path: "out-link"}, {typ: fxpRealpath, id: 4, path: "../.."}},
	}
	for _, s := range seeds {
		var b []byte
		for _, r := range s {
			b = append(b, appendRequest(nil, r)...) // appendRequest frames from the start of its buffer
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, stream []byte) {
		if !boundedEffects(stream) {
			return
		}
		base := t.TempDir()
		root := filepath.Join(base, "root")
		for _, d := range []string{"root/dir", "outside/sub"} {
			if err := os.MkdirAll(filepath.Join(base, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for name, data := range map[string]string{"root/file": "hello", "root/dir/inner": "inner",
			"outside/secret": "secret", "outside/sub/x": "x"} {
			if err := os.WriteFile(filepath.Join(base, name), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for name, target := range map[string]string{"root/link": "file", "root/dir/up": "../file",
			"root/out-link": "../outside/secret", "root/out-dir": "../outside", "root/abs-link": filepath.Join(base, "outside/secret")} {
			if err := os.Symlink(target, filepath.Join(base, name)); err != nil {
				t.Fatal(err)
			}
		}
		before := snapshot(t, base, root)
		h, err := NewDirHandler(root)
		if err != nil {
			t.Fatal(err)
		}
		srv := &Server{Handler: h, MaxPacket: fuzzMaxPacket}
		srv.ServePipe(context.Background(), bytes.NewReader(append(appendInit(nil, 3), stream...)), io.Discard)
		h.Release()
		if after := snapshot(t, base, root); !maps.Equal(before, after) {
			t.Fatalf("outside the root changed:\nbefore %v\nafter  %v", before, after)
		}
		makeRemovable(root)
	})
}

// fuzzFileBound bounds the size a fuzzed request may give a file.
const fuzzFileBound = 1 << 20

// boundedEffects reports whether the requests of stream (as the server
// would frame them) keep files small, so that fuzzing cannot fill the
// disk: writes and sizes end below fuzzFileBound, and copy-data moves at
// most 64 KiB to an offset below it.
func boundedEffects(stream []byte) bool {
	for len(stream) >= 4 {
		n := binary.BigEndian.Uint32(stream)
		if n > fuzzMaxPacket || int64(n) > int64(len(stream)-4) {
			return true // the server stops here
		}
		var r request
		if decodeRequest(stream[4:4+n], &r) == nil {
			switch {
			case r.attrs.Has(AttrSize) && r.attrs.Size > fuzzFileBound:
				return false
			case r.typ == fxpWrite && (r.offset > fuzzFileBound || r.offset+uint64(len(r.data)) > fuzzFileBound):
				return false
			case r.typ == fxpExtended && r.ext == extCopyData && (r.length64 == 0 || r.length64 > 64<<10 || r.offset2 > fuzzFileBound):
				return false
			}
		}
		stream = stream[4+n:]
	}
	return true
}

// makeRemovable gives the owner full access to every directory under
// root, which a fuzzed request may have taken away, so that the test's
// clean-up can remove the tree.
func makeRemovable(root string) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o700)
		}
		return nil
	})
}
