//go:build !linux

package terminal

import "github.com/ssh2go/ssh2/internal/wire"

// Modes returns no terminal modes where reading them is not implemented;
// the server then uses its defaults.
func Modes(fd int) (wire.TerminalModes, error) { return nil, nil }
