package auth_test

import (
	"context"
	"crypto/subtle"
	"fmt"

	"github.com/ssh2go/ssh2/internal/auth"
	"github.com/ssh2go/ssh2/keys"
)

// A server that requires a known key and then a one-time code. The
// public-key callback only ever decides about a key whose signature has
// been checked (Verified) or that the client merely asks about; access
// comes only from the values the callbacks return.
func ExampleRunServer() {
	var authorized []keys.PublicKey // e.g. from authorized_keys
	cfg := &auth.ServerConfig{
		PublicKeyCallback: func(ctx context.Context, r *auth.PublicKeyRequest) auth.Decision {
			for _, k := range authorized {
				if keys.Equal(k, r.Key) {
					return auth.Partial("keyboard-interactive")
				}
			}
			return auth.Reject()
		},
		KeyboardInteractiveCallback: func(ctx context.Context, r *auth.KeyboardInteractiveRequest, challenge auth.Challenge) auth.Decision {
			if len(r.Previous) != 1 || r.Previous[0].Method != "publickey" {
				return auth.Reject()
			}
			answers, err := challenge("", "", []auth.Prompt{{Text: "Code: "}})
			if err != nil || subtle.ConstantTimeCompare([]byte(answers[0]), []byte("123456")) != 1 {
				return auth.Reject()
			}
			return auth.AcceptWith(&auth.Permissions{Extensions: map[string]string{
				"key": keys.FingerprintSHA256(r.Previous[0].PublicKey),
			}})
		},
	}
	var conn auth.Conn // the transport after key exchange
	if conn == nil {
		return
	}
	res, err := auth.RunServer(context.Background(), conn, cfg)
	if err != nil {
		return // on *auth.DisconnectError send DISCONNECT, then close
	}
	fmt.Println(res.User, res.Methods(), keys.FingerprintSHA256(res.PublicKey))
}

// A client trying a key, then a password, answering prompts for any
// keyboard-interactive second factor.
func ExampleRunClient() {
	var signer keys.Signer // e.g. from keys.ParsePrivateKey
	cfg := &auth.ClientConfig{
		User: "alice",
		Methods: []auth.Method{
			auth.PublicKeys(signer),
			auth.Password(func() (string, error) { return "secret", nil }),
			auth.KeyboardInteractive(func(name, instruction string, prompts []auth.Prompt) ([]string, error) {
				answers := make([]string, len(prompts))
				for i := range prompts {
					answers[i] = "123456"
				}
				return answers, nil
			}),
		},
		// From the transport's EXT_INFO, for RSA algorithm choice.
		ServerSigAlgs: func() ([]string, bool) { return nil, false },
	}
	var conn auth.Conn
	if conn == nil {
		return
	}
	if err := auth.RunClient(context.Background(), conn, cfg); err != nil {
		fmt.Println(err)
	}
}
