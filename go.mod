module github.com/ssh2go/ssh2

go 1.24.0

require (
	github.com/creack/pty v1.1.24
	go.uber.org/goleak v1.3.0
	golang.org/x/crypto v0.47.0
	golang.org/x/sys v0.40.0
	golang.org/x/term v0.39.0
)
