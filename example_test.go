package ssh2_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"

	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/keys"
)

// A server and a client in one program: the server greets each user, the
// client runs a command and prints what it got.
func Example() {
	hostKey, _ := keys.GenerateEd25519(nil)
	srv := &ssh2.Server{
		Config: &ssh2.ServerConfig{
			HostKeys: []ssh2.Signer{hostKey},
			PasswordCallback: func(_ context.Context, r *ssh2.PasswordRequest) ssh2.Decision {
				if r.User == "demo" && r.Password == "demo" {
					return ssh2.Accept()
				}
				return ssh2.Reject()
			},
		},
		Handler: func(s *ssh2.Session) {
			fmt.Fprintf(s, "hello %s, you ran %q\n", s.User(), s.Command())
			s.Exit(0)
		},
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Close()

	client, err := ssh2.Dial(context.Background(), "tcp", ln.Addr().String(), &ssh2.ClientConfig{
		User:            "demo",
		Auth:            []ssh2.AuthMethod{ssh2.Password("demo")},
		HostKeyCallback: ssh2.FixedHostKey(hostKey.PublicKey()),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	out, err := client.Output(context.Background(), "uptime")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(out))
	// Output: hello demo, you ran "uptime"
}

// Exec streams a command's stdout and stderr and reports its exit status.
func ExampleClient_Exec() {
	client, err := ssh2.Dial(context.Background(), "tcp", "example.com:22", &ssh2.ClientConfig{
		User:            "me",
		Auth:            []ssh2.AuthMethod{ssh2.Password("secret")},
		HostKeyCallback: ssh2.InsecureIgnoreHostKey(), // use knownhosts.New in real code
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ch, err := client.Exec(context.Background(), "uname -a", nil)
	if err != nil {
		log.Fatal(err)
	}
	go io.Copy(os.Stderr, ch.Stderr())
	io.Copy(os.Stdout, ch)
	if err := ch.Wait(); err != nil {
		log.Fatal(err) // *ssh2.ExitError for a non-zero status
	}
}

// Shell asks for a PTY and starts an interactive shell.
func ExampleClient_Shell() {
	var client *ssh2.Client // from ssh2.Dial
	ch, err := client.Shell(context.Background(), &ssh2.ExecOptions{
		Pty: &ssh2.PtyOptions{Term: "xterm-256color", Columns: 120, Rows: 40},
		Env: map[string]string{"LANG": "C.UTF-8"},
	})
	if err != nil {
		log.Fatal(err)
	}
	go io.Copy(ch, os.Stdin)
	io.Copy(os.Stdout, ch)
	ch.Wait()
}

// A server that needs a public key and then a one-time code
// (partial success, RFC 4252 §5.1).
func ExampleServer_multiFactor() {
	var allowed keys.PublicKey // e.g. from keys.ParseAuthorizedKey
	cfg := &ssh2.ServerConfig{
		PublicKeyCallback: func(_ context.Context, r *ssh2.PublicKeyRequest) ssh2.Decision {
			if keys.Equal(r.Key, allowed) {
				return ssh2.Partial("keyboard-interactive")
			}
			return ssh2.Reject()
		},
		KeyboardInteractiveCallback: func(_ context.Context, r *ssh2.KeyboardInteractiveRequest, ask ssh2.Challenge) ssh2.Decision {
			answers, err := ask("", "", []ssh2.Prompt{{Text: "Code: "}})
			if err == nil && len(answers) == 1 && answers[0] == "123456" {
				return ssh2.Accept()
			}
			return ssh2.Reject()
		},
	}
	_ = &ssh2.Server{Config: cfg}
}

// A server can decide each session request itself before the default
// handling, here refusing PTYs and every exec but "uptime".
func ExampleServer_sessionRequestCallback() {
	srv := &ssh2.Server{
		Config: &ssh2.ServerConfig{ /* host keys and auth callbacks */ },
		SessionRequestCallback: func(s *ssh2.Session, r *ssh2.SessionRequest) bool {
			switch r.Type {
			case "pty-req":
				return false
			case "exec":
				return string(r.Payload) == "\x00\x00\x00\x06uptime" // an SSH string
			}
			return true
		},
		Handler: func(s *ssh2.Session) {
			fmt.Fprintf(s, "%s: up\n", s.Command())
			s.Exit(0)
		},
	}
	log.Fatal(srv.ListenAndServe("127.0.0.1:2222"))
}
