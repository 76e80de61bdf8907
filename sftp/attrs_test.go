package sftp

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"
)

func TestFileModeRoundTrip(t *testing.T) {
	for _, m := range []fs.FileMode{
		0o644, fs.ModeDir | 0o755, fs.ModeSymlink | 0o777, fs.ModeNamedPipe | 0o600,
		fs.ModeSocket | 0o700, fs.ModeDevice | fs.ModeCharDevice | 0o620, fs.ModeDevice | 0o660,
		fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky | 0o755,
	} {
		if got := FileMode(FromFileMode(m)); got != m {
			t.Errorf("%v -> %o -> %v", m, FromFileMode(m), got)
		}
	}
	if FromFileMode(0o644) != ModeRegular|0o644 {
		t.Errorf("regular file bits: %o", FromFileMode(0o644))
	}
}

func TestAttrsRoundTrip(t *testing.T) {
	a := Attributes{Flags: AttrSize | AttrUIDGID | AttrPermissions | AttrACModTime,
		Size: 1 << 40, UID: 1000, GID: 100, Mode: ModeRegular | 0o600, ATime: 1, MTime: 2,
		Extended: []ExtendedAttr{{"t@x", "d"}}}
	d := decoder{b: appendAttrs(nil, &a)}
	var b Attributes
	decodeAttrs(&d, &b)
	if d.finish() != nil || b.Size != a.Size || b.UID != 1000 || b.Mode != a.Mode || b.MTime != 2 ||
		len(b.Extended) != 1 || b.Extended[0] != a.Extended[0] || !b.Has(AttrExtended) {
		t.Fatalf("%+v", b)
	}
	var c Attributes
	c.SetTimes(time.Unix(-5, 0), time.Unix(1<<40, 0))
	if c.ATime != 0 || c.MTime != 1<<32-1 {
		t.Fatalf("clamping: %d %d", c.ATime, c.MTime)
	}
}

func TestLongName(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	a := &Attributes{Flags: AttrSize | AttrPermissions | AttrACModTime, Size: 42,
		Mode: ModeDir | 0o755 | ModeSticky, MTime: uint32(now.Add(-time.Hour).Unix())}
	got := LongName("d", a, now)
	if !strings.HasPrefix(got, "drwxr-xr-t ") || !strings.HasSuffix(got, " 42 May  1 11:00 d") {
		t.Fatalf("%q", got)
	}
	a.MTime = uint32(now.AddDate(-1, 0, 0).Unix())
	if got := LongName("d", a, now); !strings.Contains(got, "May  1  2025 d") {
		t.Fatalf("%q", got)
	}
}

func TestStatusErrorIs(t *testing.T) {
	for code, target := range map[StatusCode]error{
		StatusNoSuchFile: fs.ErrNotExist, StatusPermissionDenied: fs.ErrPermission,
		StatusFileAlreadyExists: fs.ErrExist,
	} {
		err := error(&fs.PathError{Op: "x", Path: "p", Err: &StatusError{Code: code}})
		if !errorsIs(err, target) {
			t.Errorf("%v does not match %v", code, target)
		}
	}
	if errorsIs(&StatusError{Code: StatusFailure}, fs.ErrExist) {
		t.Error("plain failure matched ErrExist")
	}
	for _, tc := range []struct {
		err  error
		code StatusCode
	}{
		{fs.ErrNotExist, StatusNoSuchFile},
		{&fs.PathError{Op: "open", Path: "/secret/path", Err: fs.ErrPermission}, StatusPermissionDenied},
		{Status(StatusFileAlreadyExists, "x"), StatusFileAlreadyExists},
	} {
		if code, msg := statusFromError(tc.err); code != tc.code || strings.Contains(msg, "/secret") {
			t.Errorf("%v -> %v %q", tc.err, code, msg)
		}
	}
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func TestModeString(t *testing.T) {
	for m, want := range map[uint32]string{
		ModeRegular | 0o644:   "-rw-r--r--",
		ModeDir | 0o1777:      "drwxrwxrwt",
		ModeDir | 0o1770:      "drwxrwx--T",
		ModeRegular | 0o4755:  "-rwsr-xr-x",
		ModeRegular | 0o2644:  "-rw-r-Sr--",
		ModeSymlink | 0o777:   "lrwxrwxrwx",
		ModeNamedPipe | 0o600: "prw-------",
		ModeSocket | 0o755:    "srwxr-xr-x",
		ModeChar | 0o620:      "crw--w----",
		ModeBlock | 0o660:     "brw-rw----",
		0:                     "?---------",
		ModeType | 0o770:      "?rwxrwx---",
	} {
		if got := ModeString(m); got != want {
			t.Errorf("ModeString(%o) = %q, want %q", m, got, want)
		}
	}
}
