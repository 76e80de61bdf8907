//go:build unix && !linux

package sftp

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// renameNoReplace renames without replacing an existing target (checked
// first; not atomic on this system).
func renameNoReplace(olddir int, oldname string, newdir int, newname string) error {
	var st unix.Stat_t
	if unix.Fstatat(newdir, newname, &st, unix.AT_SYMLINK_NOFOLLOW) == nil {
		return unix.EEXIST
	}
	return unix.Renameat(olddir, oldname, newdir, newname)
}

func fstatvfs(f *os.File) (*StatVFS, error) { return nil, errors.ErrUnsupported }
