package sftp

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestJailEscape checks that no request reaches outside the served root,
// and that what lies outside stays as it was.
func TestJailEscape(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	os.Mkdir(root, 0o755)
	secret := filepath.Join(base, "secret")
	os.WriteFile(secret, []byte("top secret"), 0o644)
	outdir := filepath.Join(base, "outdir")
	os.Mkdir(outdir, 0o755)
	// A real file behind the directory link, so that requests through it
	// would succeed if they were allowed to get there.
	outfile := filepath.Join(outdir, "x")
	os.WriteFile(outfile, []byte("outside file"), 0o644)
	// Links planted inside the root by someone with local access.
	os.Symlink(secret, filepath.Join(root, "abs-link"))
	os.Symlink("../secret", filepath.Join(root, "rel-link"))
	os.Symlink("../outdir", filepath.Join(root, "dir-link"))
	os.Symlink("chain-2", filepath.Join(root, "chain-1"))
	os.Symlink("dir-link/x", filepath.Join(root, "chain-2"))
	os.WriteFile(filepath.Join(root, "inside"), []byte("inside"), 0o644)
	before := snapshot(t, base, root)

	c := dirPair(t, root)
	ctx := context.Background()
	refused := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: allowed", what)
		}
	}
	for _, p := range []string{"../secret", "/../secret", "../../secret", "abs-link", "rel-link", "dir-link/x", "chain-1", "/dir-link/../outdir/x", secret, outfile} {
		f, err := c.Open(ctx, p)
		if err == nil {
			b, _ := io.ReadAll(f)
			f.Close()
			if strings.Contains(string(b), "secret") || strings.Contains(string(b), "outside") {
				t.Errorf("read %s: got %q from outside", p, b)
			}
		}
	}
	// ".." is resolved against the root, which is "/" to the client.
	if f, err := c.Open(ctx, "../inside"); err != nil {
		t.Errorf("../inside should resolve to /inside: %v", err)
	} else {
		f.Close()
	}
	_, err := c.Stat(ctx, "abs-link")
	refused("stat through absolute link", err)
	_, err = c.Stat(ctx, "rel-link")
	refused("stat through relative link", err)
	_, err = c.Stat(ctx, "dir-link/x")
	refused("stat through dir link", err)
	_, err = c.ReadDir(ctx, "dir-link")
	refused("readdir through link", err)
	_, err = c.Readlink(ctx, "dir-link/x")
	refused("readlink through dir link", err)
	refused("open for writing through dir link", writeErr(c, "dir-link/x"))
	refused("create through dir link", createErr(c, "dir-link/new"))
	refused("mkdir through dir link", c.Mkdir(ctx, "dir-link/newdir", 0o755))
	refused("rmdir through link", c.Rmdir(ctx, "dir-link"))
	refused("chmod through link", c.Chmod(ctx, "rel-link", 0o777))
	refused("chmod through dir link", c.Chmod(ctx, "dir-link/x", 0o777))
	refused("chmod through a chain of links", c.Chmod(ctx, "chain-1", 0o777))
	refused("chown through dir link", c.Chown(ctx, "dir-link/x", os.Getuid(), os.Getgid()))
	refused("truncate through link", c.Truncate(ctx, "abs-link", 0))
	refused("truncate through dir link", c.Truncate(ctx, "dir-link/x", 0))
	refused("setstat times through link", c.Chtimes(ctx, "rel-link", zeroTime, zeroTime))
	refused("setstat times through dir link", c.Chtimes(ctx, "dir-link/x", zeroTime, zeroTime))
	refused("lsetstat through dir link", c.Lsetstat(ctx, "dir-link/x", &Attributes{Flags: AttrACModTime}))
	refused("rename out", c.PosixRename(ctx, "inside", "dir-link/stolen"))
	refused("rename in", c.PosixRename(ctx, "dir-link/x", "stolen"))
	refused("plain rename in", c.Rename(ctx, "dir-link/x", "stolen2"))
	refused("symlink into dir link", c.Symlink(ctx, "x", "dir-link/ln"))
	refused("remove through dir link", c.Remove(ctx, "dir-link/x"))
	refused("hard link to a file behind a dir link", c.Link(ctx, "dir-link/x", "h2"))
	refused("hard link into a dir link", c.Link(ctx, "inside", "dir-link/h3"))
	// A hard link to the symlink links the symlink itself, which still
	// cannot be followed.
	if err := c.Link(ctx, "rel-link", "hard-to-link"); err == nil {
		if f, err := c.Open(ctx, "hard-to-link"); err == nil {
			f.Close()
			t.Errorf("opened a hard link to an escaping symlink")
		}
	}
	// copy-data reads only handles opened inside.
	if src, err := c.Open(ctx, "inside"); err == nil {
		if dst, err := c.Create(ctx, "copy"); err == nil {
			if err := c.CopyData(ctx, src, 0, 0, dst, 0); err != nil {
				t.Errorf("copy-data inside: %v", err)
			}
			dst.Close()
		}
		src.Close()
	}
	// A client-made symlink to an absolute path cannot be followed.
	if err := c.Symlink(ctx, secret, "mine"); err != nil {
		t.Fatal(err)
	}
	_, err = c.Stat(ctx, "mine")
	refused("stat through client-made link", err)
	cf, err := c.Open(ctx, "mine")
	if err == nil {
		cf.Close()
		t.Errorf("opened a client-made escaping link")
	}
	refused("chmod through client-made link", c.Chmod(ctx, "mine", 0o600))
	// Realpath never names anything above "/".
	if rp, err := c.RealPath(ctx, "../../.."); err != nil || rp != "/" {
		t.Errorf("realpath: %q %v", rp, err)
	}
	// Everything outside the root is untouched: names, contents, modes,
	// owners and times.
	if after := snapshot(t, base, root); !maps.Equal(before, after) {
		t.Errorf("outside the root changed:\nbefore %v\nafter  %v", before, after)
	}
	mustEqualFile(t, secret, []byte("top secret"))
	mustEqualFile(t, outfile, []byte("outside file"))
}

// fileState is what snapshot records of one file: all a request could
// change.
type fileState struct {
	mode     fs.FileMode
	size     int64
	mtime    int64
	uid, gid uint32
	nlink    uint64
	data     string // contents of a regular file, target of a link
}

// snapshot records every file under base except the tree at skip (whose
// root directory it records, without its contents).
func snapshot(t testing.TB, base, skip string) map[string]fileState {
	t.Helper()
	m := map[string]fileState{}
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		s := fileState{mode: fi.Mode(), size: fi.Size(), mtime: fi.ModTime().UnixNano(),
			uid: st.Uid, gid: st.Gid, nlink: uint64(st.Nlink)}
		switch {
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s.data = string(b)
		case fi.Mode()&fs.ModeSymlink != 0:
			s.data, _ = os.Readlink(p)
		}
		rel, _ := filepath.Rel(base, p)
		if p == skip {
			// The root's own entry can change (its times do as the
			// client works inside): record that it is there.
			s = fileState{mode: fi.Mode().Type()}
		}
		m[rel] = s
		if p == skip {
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func writeErr(c *Client, p string) error {
	f, err := c.OpenFile(context.Background(), p, os.O_WRONLY, 0)
	if err == nil {
		f.Close()
	}
	return err
}

func createErr(c *Client, p string) error {
	f, err := c.Create(context.Background(), p)
	if err == nil {
		f.Close()
	}
	return err
}

func TestReadOnly(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "f"), []byte("data"), 0o644)
	c := dirPair(t, root, ReadOnly())
	ctx := context.Background()
	f, err := c.Open(ctx, "f")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "data" {
		t.Fatalf("read %q", b)
	}
	for what, err := range map[string]error{
		"create": createErr(c, "g"),
		"mkdir":  c.Mkdir(ctx, "d", 0o755),
		"remove": c.Remove(ctx, "f"),
		"chmod":  c.Chmod(ctx, "f", 0o600),
		"rename": c.Rename(ctx, "f", "h"),
		"link":   c.Symlink(ctx, "f", "s"),
	} {
		if !errors.Is(err, fs.ErrPermission) {
			t.Errorf("%s on a read-only server: %v", what, err)
		}
	}
	mustEqualFile(t, filepath.Join(root, "f"), []byte("data"))
}

var zeroTime = time.Unix(0, 0)

// TestFSHandlerConfinement checks what FSHandler's documentation says:
// over (*os.Root).FS() a planted link leading outside is refused, while
// os.DirFS follows it (which is why the documentation steers away from
// it). Inside links work on both.
func TestFSHandlerConfinement(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "root")
	os.Mkdir(dir, 0o755)
	secret := filepath.Join(base, "secret")
	os.WriteFile(secret, []byte("top secret"), 0o644)
	os.Symlink(secret, filepath.Join(dir, "abs-link"))
	os.Symlink("../secret", filepath.Join(dir, "rel-link"))
	os.WriteFile(filepath.Join(dir, "inside"), []byte("inside"), 0o644)
	os.Symlink("inside", filepath.Join(dir, "in-link"))
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	ctx := context.Background()
	read := func(c *Client, p string) (string, error) {
		f, err := c.Open(ctx, p)
		if err != nil {
			return "", err
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		return string(b), err
	}
	rootFS := pipePair(t, &Server{Handler: NewFSHandler(root.FS())})
	dirFS := pipePair(t, &Server{Handler: NewFSHandler(os.DirFS(dir))})
	for _, c := range []*Client{rootFS, dirFS} {
		if b, err := read(c, "in-link"); err != nil || b != "inside" {
			t.Errorf("link inside: %q, %v", b, err)
		}
	}
	for _, p := range []string{"abs-link", "rel-link"} {
		if b, err := read(rootFS, p); err == nil {
			t.Errorf("root FS: read %s: %q", p, b)
		}
		if _, err := rootFS.Stat(ctx, p); err == nil {
			t.Errorf("root FS: stat %s allowed", p)
		}
		if b, err := read(dirFS, p); err != nil || b != "top secret" {
			t.Errorf("os.DirFS no longer follows %s outside (%q, %v): update FSHandler's documentation", p, b, err)
		}
	}
}

// TestPlantedHardLinkIsServed checks the limit DirHandler documents: a
// hard link made inside the root to an outside file is that file, and no
// path check refuses it.
func TestPlantedHardLinkIsServed(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	os.Mkdir(root, 0o755)
	outside := filepath.Join(base, "outside")
	os.WriteFile(outside, []byte("outside"), 0o644)
	if err := os.Link(outside, filepath.Join(root, "planted")); err != nil {
		t.Skipf("cannot make a hard link here: %v", err)
	}
	c := dirPair(t, root)
	f, err := c.Open(context.Background(), "planted")
	if err != nil {
		t.Fatalf("the planted hard link is refused (%v): update DirHandler's documentation", err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "outside" {
		t.Fatalf("read %q", b)
	}
}
