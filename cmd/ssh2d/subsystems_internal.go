package main

import "strings"

// internalSFTP is the Subsystem command that, as in sshd_config, selects
// the built-in SFTP server rather than a program.
const internalSFTP = "internal-sftp"

// internalSFTPArgs reports whether the Subsystem command cmd selects the
// built-in SFTP server, and returns the arguments after its name.
func internalSFTPArgs(cmd string) ([]string, bool) {
	f := strings.Fields(cmd)
	if len(f) == 0 || f[0] != internalSFTP {
		return nil, false
	}
	return f[1:], true
}
