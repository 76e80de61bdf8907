//go:build linux

package sftp

import (
	"io/fs"
	"syscall"
	"time"
)

// ownerFromSys fills owner and access time from a syscall.Stat_t.
func ownerFromSys(fi fs.FileInfo, a *Attributes) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	a.SetOwner(st.Uid, st.Gid)
	a.SetTimes(time.Unix(int64(st.Atim.Sec), 0), fi.ModTime())
}
