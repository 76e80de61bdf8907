package sftp

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestJailEscape checks that no request reaches outside the served root.
func TestJailEscape(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	os.Mkdir(root, 0o755)
	secret := filepath.Join(base, "secret")
	os.WriteFile(secret, []byte("top secret"), 0o644)
	os.Mkdir(filepath.Join(base, "outdir"), 0o755)
	// Links planted inside the root by someone with local access.
	os.Symlink(secret, filepath.Join(root, "abs-link"))
	os.Symlink("../secret", filepath.Join(root, "rel-link"))
	os.Symlink("../outdir", filepath.Join(root, "dir-link"))
	os.WriteFile(filepath.Join(root, "inside"), []byte("inside"), 0o644)

	c := dirPair(t, root)
	ctx := context.Background()
	refused := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: allowed", what)
		}
	}
	for _, p := range []string{"../secret", "/../secret", "../../secret", "abs-link", "rel-link", "dir-link/x", secret} {
		f, err := c.Open(ctx, p)
		if err == nil {
			b, _ := io.ReadAll(f)
			f.Close()
			if strings.Contains(string(b), "secret") {
				t.Errorf("read %s: got the secret", p)
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
	_, err = c.ReadDir(ctx, "dir-link")
	refused("readdir through link", err)
	refused("create through dir link", createErr(c, "dir-link/new"))
	refused("mkdir through dir link", c.Mkdir(ctx, "dir-link/newdir", 0o755))
	refused("chmod through link", c.Chmod(ctx, "rel-link", 0o777))
	refused("truncate through link", c.Truncate(ctx, "abs-link", 0))
	refused("setstat times through link", c.Chtimes(ctx, "rel-link", zeroTime, zeroTime))
	refused("rename out", c.PosixRename(ctx, "inside", "dir-link/stolen"))
	refused("symlink into dir link", c.Symlink(ctx, "x", "dir-link/ln"))
	refused("remove through dir link", c.Remove(ctx, "dir-link/x"))
	// A hard link to the symlink links the symlink itself, which still
	// cannot be followed.
	if err := c.Link(ctx, "rel-link", "hard-to-link"); err == nil {
		if f, err := c.Open(ctx, "hard-to-link"); err == nil {
			f.Close()
			t.Errorf("opened a hard link to an escaping symlink")
		}
	}
	refused("hard link from outside", c.Link(ctx, "dir-link/../secret", "h2"))
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
	// Realpath never names anything above "/".
	if rp, err := c.RealPath(ctx, "../../.."); err != nil || rp != "/" {
		t.Errorf("realpath: %q %v", rp, err)
	}
	// The secret and the outside dir are untouched.
	mustEqualFile(t, secret, []byte("top secret"))
	if ents, _ := os.ReadDir(filepath.Join(base, "outdir")); len(ents) != 0 {
		t.Errorf("outside directory was written: %v", ents)
	}
	if fi, _ := os.Stat(secret); fi.Mode().Perm() != 0o644 || fi.Size() != 10 {
		t.Errorf("secret changed: %v", fi)
	}
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
