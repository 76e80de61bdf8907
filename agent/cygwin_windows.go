//go:build windows

package agent

import (
	"io"
	"os"
)

// isCygwinSocketFile reports whether path is a regular file that starts
// like a Cygwin socket file.
func isCygwinSocketFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, len(cygwinSocketPrefix))
	_, err = io.ReadFull(f, buf)
	return err == nil && string(buf) == cygwinSocketPrefix
}
