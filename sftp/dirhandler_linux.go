package sftp

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// renameNoReplace renames without replacing an existing target.
func renameNoReplace(olddir int, oldname string, newdir int, newname string) error {
	err := unix.Renameat2(olddir, oldname, newdir, newname, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		// File systems without RENAME_NOREPLACE: check, then rename.
		var st unix.Stat_t
		if unix.Fstatat(newdir, newname, &st, unix.AT_SYMLINK_NOFOLLOW) == nil {
			return unix.EEXIST
		}
		err = unix.Renameat(olddir, oldname, newdir, newname)
	}
	return err
}

func fstatvfs(f *os.File) (*StatVFS, error) {
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil {
		return nil, err
	}
	s := &StatVFS{
		BlockSize:     uint64(st.Bsize),
		FragmentSize:  uint64(st.Frsize),
		Blocks:        st.Blocks,
		BlocksFree:    st.Bfree,
		BlocksAvail:   st.Bavail,
		Files:         st.Files,
		FilesFree:     st.Ffree,
		FilesAvail:    st.Ffree,
		FilesystemID:  uint64(uint32(st.Fsid.Val[0]))<<32 | uint64(uint32(st.Fsid.Val[1])),
		MaxNameLength: uint64(st.Namelen),
	}
	if st.Flags&unix.ST_RDONLY != 0 {
		s.Flag |= VFSReadOnly
	}
	if st.Flags&unix.ST_NOSUID != 0 {
		s.Flag |= VFSNoSUID
	}
	return s, nil
}
