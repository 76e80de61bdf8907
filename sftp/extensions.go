package sftp

import (
	"context"
	"fmt"
)

// Extension names a client can check with [Client.HasExtension].
const (
	ExtPosixRename = extPosixRename
	ExtStatVFS     = extStatVFS
	ExtFStatVFS    = extFStatVFS
	ExtHardlink    = extHardlink
	ExtFsync       = extFsync
	ExtLsetstat    = extLsetstat
	ExtLimits      = extLimits
	ExtExpandPath  = extExpandPath
	ExtCopyData    = extCopyData
	ExtHomeDir     = extHomeDir
	ExtUsersGroups = extUsersGroups
)

// StatVFS returns statistics of the file system holding p
// (statvfs@openssh.com).
func (c *Client) StatVFS(ctx context.Context, p string) (*StatVFS, error) {
	r, err := c.extRequest(extStatVFS)
	var s StatVFS
	if err == nil {
		r.path = p
		err = c.expectExtReply(ctx, r, func(d *decoder) { s = decodeStatVFS(d) })
	}
	if err != nil {
		return nil, pathErr("statvfs", p, err)
	}
	return &s, nil
}

// ExpandPath canonicalises p on the server, expanding a leading "~" or
// "~user" (expand-path@openssh.com).
func (c *Client) ExpandPath(ctx context.Context, p string) (string, error) {
	r, err := c.extRequest(extExpandPath)
	var s string
	if err == nil {
		r.path = p
		s, err = c.expectOneName(ctx, r)
	}
	return s, pathErr("expand-path", p, err)
}

// HomeDir returns the home directory of user, or of the session's user
// when user is empty (home-directory).
func (c *Client) HomeDir(ctx context.Context, user string) (string, error) {
	r, err := c.extRequest(extHomeDir)
	var s string
	if err == nil {
		r.path = user
		s, err = c.expectOneName(ctx, r)
	}
	if err != nil {
		return "", fmt.Errorf("sftp: home directory of %q: %w", user, err)
	}
	return s, nil
}

// UsersGroupsByID maps numeric user and group ids to names on the server
// (users-groups-by-id@openssh.com). Unknown ids map to "".
func (c *Client) UsersGroupsByID(ctx context.Context, uids, gids []uint32) (users, groups []string, err error) {
	r, err := c.extRequest(extUsersGroups)
	if err == nil {
		r.uids, r.gids = uids, gids
		err = c.expectExtReply(ctx, r, func(d *decoder) {
			users = decodeNameList(d)
			groups = decodeNameList(d)
		})
	}
	if err == nil && (len(users) != len(uids) || len(groups) != len(gids)) {
		err = fmt.Errorf("%w: users-groups-by-id answered %d/%d names for %d/%d ids",
			ErrMalformed, len(users), len(groups), len(uids), len(gids))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sftp: users-groups-by-id: %w", err)
	}
	return users, groups, nil
}

// CopyData asks the server to copy length bytes (all to EOF when 0) from
// src at srcOff to dst at dstOff without sending the data over the
// connection (copy-data).
func (c *Client) CopyData(ctx context.Context, src *File, srcOff, length int64, dst *File, dstOff int64) error {
	r, err := c.extRequest(extCopyData)
	if err == nil {
		if srcOff < 0 || length < 0 || dstOff < 0 {
			return fmt.Errorf("sftp: copy-data: negative offset or length")
		}
		r.handle, r.offset, r.length64 = src.handle, uint64(srcOff), uint64(length)
		r.handle2, r.offset2 = dst.handle, uint64(dstOff)
		err = c.expectStatus(ctx, r)
	}
	if err != nil {
		return fmt.Errorf("sftp: copy-data %s to %s: %w", src.name, dst.name, err)
	}
	return nil
}
