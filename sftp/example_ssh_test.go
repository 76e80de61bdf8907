package sftp_test

import (
	"context"
	"log"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/sftp"
)

// An SFTP client over an SSH connection: the "sftp" subsystem's channel
// carries the session, and closing the client closes the channel.
func ExampleNewSSHClient() {
	ctx := context.Background()
	conn, err := ssh2.Dial(ctx, "tcp", "example.com:22", &ssh2.ClientConfig{
		User:            "alice",
		Auth:            []ssh2.AuthMethod{ssh2.Password("secret")},
		HostKeyCallback: ssh2.InsecureIgnoreHostKey(), // check it in real code
	})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	c, err := sftp.NewSSHClient(ctx, conn)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Download(ctx, "remote.txt", "local.txt", nil); err != nil {
		log.Fatal(err)
	}
}

// An SSH server offering SFTP over a directory tree, confined to it.
func ExampleSubsystemHandler() {
	h, err := sftp.NewDirHandler("/srv/files")
	if err != nil {
		log.Fatal(err)
	}
	defer h.Release()
	var hostKey ssh2.Signer // load or generate a host key
	srv := &ssh2.Server{
		Config: &ssh2.ServerConfig{HostKeys: []ssh2.Signer{hostKey} /* and auth callbacks */},
		SubsystemHandlers: map[string]func(*ssh2.Session){
			sftp.SubsystemName: sftp.SubsystemHandler(h),
		},
	}
	log.Fatal(srv.ListenAndServe(":2022"))
}
