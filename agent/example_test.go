package agent_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/agent"
)

// Authenticate an SSH connection with the keys of the running agent.
func ExampleClient_Signers() {
	ac, err := agent.Dial() // $SSH_AUTH_SOCK
	if err != nil {
		log.Fatal(err)
	}
	defer ac.Close()
	cfg := &ssh2.ClientConfig{
		User:            "alice",
		Auth:            []ssh2.AuthMethod{ssh2.PublicKeysCallback(ac.Signers)},
		HostKeyCallback: ssh2.InsecureIgnoreHostKey(), // use knownhosts in real code
	}
	c, err := ssh2.Dial(context.Background(), "tcp", "example.com:22", cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

// Serve an in-memory keyring to ssh and ssh-add on a private socket.
func ExampleServe() {
	l, sock, err := agent.Listen()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("export SSH_AUTH_SOCK=" + sock)
	go func() {
		if err := agent.Serve(l, agent.NewKeyring()); err != nil && !errors.Is(err, net.ErrClosed) {
			log.Print(err)
		}
	}()
	// ... later: l.Close()
}
