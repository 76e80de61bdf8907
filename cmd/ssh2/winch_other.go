//go:build !unix

package main

import "github.com/ssh2go/ssh2"

// watchWindowSize does nothing where there is no SIGWINCH.
func watchWindowSize(int, *ssh2.Channel) (stop func()) { return func() {} }
