// Package sftp implements the SSH File Transfer Protocol, version 3
// (draft-ietf-secsh-filexfer-02), with the extensions OpenSSH defines in its
// PROTOCOL file: posix-rename, statvfs, fstatvfs, hardlink, fsync, lsetstat,
// limits, expand-path, copy-data, home-directory and users-groups-by-id.
//
// The package has three parts:
//
//   - [Client] speaks to any SFTP server over a byte stream. Its methods
//     mirror the os package ([Client.Stat], [Client.OpenFile],
//     [Client.ReadDir], [Client.MkdirAll], …); a remote [File] is an
//     io.Reader, io.ReaderAt, io.Writer, io.WriterAt, io.Seeker,
//     io.ReaderFrom and io.WriterTo, and io.Copy to or from it keeps many
//     requests in flight. [Client.Download] and [Client.Upload] move whole
//     files with a chosen concurrency, chunk size and progress callback.
//     [Client.DirFS] views the remote side as an io/fs.FS.
//   - [Server] decodes requests from a byte stream and calls a [Handler],
//     one method per request kind; optional interfaces add extensions.
//   - [DirHandler] serves a real directory tree, confined to its root, and
//     [FSHandler] serves any io/fs.FS read-only.
//
// Both sides work over any io.ReadWriteCloser or a reader and writer pair,
// such as the stdin and stdout of an SSH "sftp" subsystem channel or of a
// local sftp-server process. Over SSH, [NewSSHClient] opens the "sftp"
// subsystem of an [ssh2.Client], and [SubsystemHandler] serves it in an
// [ssh2.Server].
//
// Errors the server reports come back as *[StatusError]; errors.Is maps
// them onto fs.ErrNotExist, fs.ErrPermission and fs.ErrExist.
package sftp
