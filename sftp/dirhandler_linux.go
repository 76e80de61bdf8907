package sftp

import (
	"errors"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// chmodAt changes the mode of name in the directory dirfd without
// following a symbolic link (which fails: a link has no mode of its own)
// and without opening the file to read or write it.
func chmodAt(dirfd int, name string, mode uint32) error {
	// fchmodat2 (Linux 6.6 and later) honours AT_SYMLINK_NOFOLLOW; when
	// it is missing, x/sys reports EOPNOTSUPP.
	err := unix.Fchmodat(dirfd, name, mode, unix.AT_SYMLINK_NOFOLLOW)
	if !errors.Is(err, unix.EOPNOTSUPP) {
		return err
	}
	return chmodViaProc(dirfd, name, mode)
}

// chmodViaProc is chmodAt for kernels without fchmodat2, as glibc and
// musl do it: pin the file with an O_PATH descriptor, which needs no
// permission on it, refuse a symbolic link, and change the mode through
// the descriptor's /proc/self/fd entry, which names that very file.
func chmodViaProc(dirfd int, name string, mode uint32) error {
	fd, err := unix.Openat(dirfd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return unix.EOPNOTSUPP
	}
	return unix.Fchmodat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), mode, 0)
}

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
