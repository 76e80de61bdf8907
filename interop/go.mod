module github.com/ssh2go/ssh2/interop

go 1.26.0

require (
	github.com/pkg/sftp v1.13.12
	github.com/ssh2go/ssh2 v0.0.0
	golang.org/x/crypto v0.58.0
)

require (
	github.com/kr/fs v0.1.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

replace github.com/ssh2go/ssh2 => ../
