package sftp

import "context"

// Handler serves the requests of one SFTP session, one method per request
// kind. The [Server] decodes packets, checks handles, bounds sizes and
// turns results into replies: a nil error becomes SSH_FX_OK, io.EOF
// becomes SSH_FX_EOF, errors matching fs.ErrNotExist or fs.ErrPermission
// become the matching codes, a *StatusError (see [Status]) is sent as is,
// and anything else becomes SSH_FX_FAILURE with the error's text (for
// *fs.PathError, only the inner error, so local paths never leak).
//
// Handles are opaque strings of 1 to 256 bytes chosen by the handler. The
// Server only passes a handle to methods after the handler returned it from
// Open (file methods) or OpenDir (ReadDir) and before Close; it calls
// Close for handles still open when the session ends.
//
// Read and Write calls may run concurrently with each other (for distinct
// requests in flight); every other call runs alone, after earlier requests
// finished, so the result is as if requests ran in order (draft section 6).
//
// Optional interfaces ([PosixRenameHandler], [StatVFSHandler], …) add
// OpenSSH's extensions; the Server announces those the handler implements.
type Handler interface {
	// Open opens path with SFTP pflags (FlagRead, FlagWrite, …); attrs
	// holds the initial attributes for a created file.
	Open(ctx context.Context, path string, pflags uint32, attrs *Attributes) (handle string, err error)
	// Close releases a file or directory handle.
	Close(ctx context.Context, handle string) error
	// Read reads up to len(p) bytes at offset into p. It returns io.EOF
	// (and no data) at or past the end of the file.
	Read(ctx context.Context, handle string, offset int64, p []byte) (int, error)
	// Write writes p at offset. p is only valid during the call.
	Write(ctx context.Context, handle string, offset int64, p []byte) error
	// Fstat returns the attributes of an open file.
	Fstat(ctx context.Context, handle string) (*Attributes, error)
	// Fsetstat changes the attributes of an open file whose flags are set.
	Fsetstat(ctx context.Context, handle string, attrs *Attributes) error
	// OpenDir opens a directory for ReadDir.
	OpenDir(ctx context.Context, path string) (handle string, err error)
	// ReadDir returns the next entries of a directory, or io.EOF at the
	// end. The Server sends as many entries as fit in one packet and keeps
	// the rest for the next READDIR.
	ReadDir(ctx context.Context, handle string) ([]NameEntry, error)
	// Remove removes a file.
	Remove(ctx context.Context, path string) error
	// Mkdir creates a directory with attrs.
	Mkdir(ctx context.Context, path string, attrs *Attributes) error
	// Rmdir removes an empty directory.
	Rmdir(ctx context.Context, path string) error
	// RealPath canonicalises path to an absolute path.
	RealPath(ctx context.Context, path string) (string, error)
	// Stat returns the attributes of path, following symbolic links.
	Stat(ctx context.Context, path string) (*Attributes, error)
	// Lstat returns the attributes of path, not following a final link.
	Lstat(ctx context.Context, path string) (*Attributes, error)
	// Setstat changes the attributes of path whose flags are set.
	Setstat(ctx context.Context, path string, attrs *Attributes) error
	// Rename renames oldpath to newpath, failing if newpath exists.
	Rename(ctx context.Context, oldpath, newpath string) error
	// ReadLink returns the target of a symbolic link.
	ReadLink(ctx context.Context, path string) (string, error)
	// Symlink creates linkpath as a symbolic link to target.
	Symlink(ctx context.Context, target, linkpath string) error
}

// PosixRenameHandler adds posix-rename@openssh.com: rename replacing an
// existing newpath.
type PosixRenameHandler interface {
	PosixRename(ctx context.Context, oldpath, newpath string) error
}

// StatVFSHandler adds statvfs@openssh.com and fstatvfs@openssh.com.
type StatVFSHandler interface {
	StatVFS(ctx context.Context, path string) (*StatVFS, error)
	FStatVFS(ctx context.Context, handle string) (*StatVFS, error)
}

// HardlinkHandler adds hardlink@openssh.com.
type HardlinkHandler interface {
	Link(ctx context.Context, oldpath, newpath string) error
}

// FsyncHandler adds fsync@openssh.com.
type FsyncHandler interface {
	Fsync(ctx context.Context, handle string) error
}

// LsetstatHandler adds lsetstat@openssh.com: Setstat without following a
// final symbolic link.
type LsetstatHandler interface {
	Lsetstat(ctx context.Context, path string, attrs *Attributes) error
}

// ExpandPathHandler adds expand-path@openssh.com: RealPath with "~"
// expansion.
type ExpandPathHandler interface {
	ExpandPath(ctx context.Context, path string) (string, error)
}

// CopyDataHandler adds copy-data: copy length bytes (to EOF when 0) from
// one open file to another on the server. The Server checks both handles
// are open files and distinct.
type CopyDataHandler interface {
	CopyData(ctx context.Context, src string, srcOffset, length int64, dst string, dstOffset int64) error
}

// HomeDirHandler adds home-directory: the home directory of a user ("" for
// the session's user).
type HomeDirHandler interface {
	HomeDir(ctx context.Context, user string) (string, error)
}

// UsersGroupsHandler adds users-groups-by-id@openssh.com. The returned
// slices must have the lengths of uids and gids; unknown ids map to "".
// The Server keeps the reply within one packet a client accepts (the
// smaller of its MaxPacket and 256 KiB, OpenSSH's bound): names that do
// not fit are sent as "", which tells the client the id has no name.
type UsersGroupsHandler interface {
	UsersGroupsByID(ctx context.Context, uids, gids []uint32) (users, groups []string, err error)
}

// ExtendedHandler serves extended requests this package does not know.
// Extensions lists what the Server announces for them; Extended returns
// the payload of an SSH_FXP_EXTENDED_REPLY, or an error for a status.
type ExtendedHandler interface {
	Extensions() []Extension
	Extended(ctx context.Context, name string, data []byte) ([]byte, error)
}
