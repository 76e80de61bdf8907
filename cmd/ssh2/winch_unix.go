//go:build unix

package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/ssh2go/ssh2"
	"golang.org/x/term"
)

// watchWindowSize forwards terminal size changes (SIGWINCH) to the
// session until the returned function is called.
func watchWindowSize(fd int, ch *ssh2.Channel) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGWINCH)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-sigs:
				if w, h, err := term.GetSize(fd); err == nil {
					_ = ch.WindowChange(uint32(w), uint32(h), 0, 0)
				}
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}
