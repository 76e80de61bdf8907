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

// chmodAt changes the mode of name in the directory dirfd without
// following a symbolic link and without opening the file.
func chmodAt(dirfd int, name string, mode uint32) error {
	return unix.Fchmodat(dirfd, name, mode, unix.AT_SYMLINK_NOFOLLOW)
}

func fstatvfs(f *os.File) (*StatVFS, error) { return nil, errors.ErrUnsupported }
