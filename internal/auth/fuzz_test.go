package auth

import (
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// scriptConn plays a fixed list of packets and discards what is written.
type scriptConn struct {
	packets [][]byte
	writes  int
}

func (s *scriptConn) ReadPacket() ([]byte, error) {
	if len(s.packets) == 0 {
		return nil, io.EOF
	}
	p := s.packets[0]
	s.packets = s.packets[1:]
	return p, nil
}

func (s *scriptConn) WritePacket(p []byte) error {
	s.writes++
	if s.writes > 10000 {
		return errors.New("too many writes")
	}
	return nil
}

func (s *scriptConn) SessionID() []byte { return fuzzSID }

var fuzzSID = []byte("fuzz-session-id")

// splitPackets cuts data into packets, each a 2-byte length and its bytes.
func splitPackets(data []byte) [][]byte {
	var ps [][]byte
	for len(data) >= 2 {
		n := int(binary.BigEndian.Uint16(data))
		data = data[2:]
		if n > len(data) {
			n = len(data)
		}
		ps = append(ps, data[:n])
		data = data[n:]
	}
	return ps
}

func joinPackets(ps ...[]byte) []byte {
	var b []byte
	for _, p := range ps {
		b = binary.BigEndian.AppendUint16(b, uint16(len(p)))
		b = append(b, p...)
	}
	return b
}

var fuzzKey = mustSigner(ed25519.NewKeyFromSeed(make([]byte, 32)))

func fuzzServerConfig() *ServerConfig {
	return &ServerConfig{
		NoneCallback: func(context.Context, *Attempt) Decision { return Reject() },
		PasswordCallback: func(ctx context.Context, r *PasswordRequest) Decision {
			switch {
			case r.Password == "old" && !r.Change:
				return RequirePasswordChange("change")
			case r.Password == "secret":
				return Partial("keyboard-interactive", "publickey")
			}
			return Reject()
		},
		PublicKeyCallback: func(ctx context.Context, r *PublicKeyRequest) Decision {
			if keys.Equal(r.Key, fuzzKey.PublicKey()) {
				return Accept()
			}
			return Reject()
		},
		KeyboardInteractiveCallback: func(ctx context.Context, r *KeyboardInteractiveRequest, ch Challenge) Decision {
			a, err := ch("n", "i", []Prompt{{Text: "p"}})
			if err != nil {
				return Accept() // ignored: a failed round fails the attempt
			}
			if _, err := ch("", "", nil); err != nil || a[0] != "ok" {
				return Reject()
			}
			return Accept()
		},
		BannerCallback: func(context.Context, string) string { return "banner" },
	}
}

func FuzzServer(f *testing.F) {
	blob := fuzzKey.PublicKey().Marshal()
	sig, _ := fuzzKey.Sign(nil, "ssh-ed25519", wire.PublicKeySignedData(fuzzSID, "u", "ssh-connection", "ssh-ed25519", blob))
	query := (&wire.PublicKeyBody{Algorithm: "ssh-ed25519", PublicKey: blob}).Append(nil)
	signed := (&wire.PublicKeyBody{Signed: true, Algorithm: "ssh-ed25519", PublicKey: blob, Signature: sig}).Append(nil)
	ki := (&wire.KeyboardInteractiveBody{}).Append(nil)
	f.Add(joinPackets(serviceRequest, userauthRequest("u", "none", nil), userauthRequest("u", "publickey", query), userauthRequest("u", "publickey", signed)))
	f.Add(joinPackets(serviceRequest, userauthRequest("u", "password", (&wire.PasswordBody{Password: "secret"}).Append(nil)),
		userauthRequest("u", "keyboard-interactive", ki),
		(&wire.UserAuthInfoResponse{Responses: []string{"ok"}}).Marshal(nil),
		(&wire.UserAuthInfoResponse{Responses: []string{}}).Marshal(nil)))
	f.Add(joinPackets(serviceRequest, userauthRequest("u", "password", (&wire.PasswordBody{Password: "old"}).Append(nil)),
		userauthRequest("u", "password", (&wire.PasswordBody{Change: true, Password: "old", NewPassword: "n"}).Append(nil))))
	f.Add(joinPackets(serviceRequest, userauthRequest("u", "keyboard-interactive", ki), userauthRequest("u", "none", nil)))
	// A certificate for fuzzKey, signed by fuzzKey itself, queried and
	// signed under the certificate algorithm.
	cert := &keys.Certificate{Nonce: []byte("n"), Key: fuzzKey.PublicKey(), CertType: keys.UserCert,
		ValidPrincipals: []string{"u"}, ValidBefore: keys.CertTimeInfinity}
	if err := keys.SignCertificate(fuzzKey, cert); err != nil {
		f.Fatal(err)
	}
	const certAlg = "ssh-ed25519-cert-v01@openssh.com"
	cblob := cert.Marshal()
	csig, _ := fuzzKey.Sign(nil, "ssh-ed25519", wire.PublicKeySignedData(fuzzSID, "u", "ssh-connection", certAlg, cblob))
	f.Add(joinPackets(serviceRequest,
		userauthRequest("u", "publickey", (&wire.PublicKeyBody{Algorithm: certAlg, PublicKey: cblob}).Append(nil)),
		userauthRequest("u", "publickey", (&wire.PublicKeyBody{Signed: true, Algorithm: certAlg, PublicKey: cblob, Signature: csig}).Append(nil))))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := RunServer(context.Background(), &scriptConn{packets: splitPackets(data)}, fuzzServerConfig())
		if (res == nil) == (err == nil) {
			t.Fatalf("result %v and error %v", res, err)
		}
		if res != nil {
			// Only fuzzKey's own signature can produce a key.
			if res.PublicKey != nil && !keys.Equal(res.PublicKey, fuzzKey.PublicKey()) {
				t.Fatal("result names a key the application never accepted")
			}
			last := res.Steps[len(res.Steps)-1].Method
			if last == "password" || last == "none" {
				t.Fatalf("access granted by %s, which only ever partially succeeds", last)
			}
		}
	})
}

func fuzzClientConfig() *ClientConfig {
	pw := Password(func() (string, error) { return "pw", nil })
	pw.ChangePassword = func(string, string) (string, error) { return "new", nil }
	return &ClientConfig{
		User: "u",
		Methods: []Method{
			PublicKeys(fuzzKey),
			pw,
			KeyboardInteractive(func(name, instr string, prompts []Prompt) ([]string, error) {
				return make([]string, len(prompts)), nil
			}),
		},
		BannerCallback: func(string, string) error { return nil },
	}
}

func FuzzClient(f *testing.F) {
	accept := (&wire.ServiceAccept{Service: "ssh-userauth"}).Marshal(nil)
	all := (&wire.UserAuthFailure{Methods: []string{"publickey", "password", "keyboard-interactive"}}).Marshal(nil)
	blob := fuzzKey.PublicKey().Marshal()
	pkok := (&wire.UserAuthPKOK{Algorithm: "ssh-ed25519", PublicKey: blob}).Marshal(nil)
	success := wire.MarshalUserAuthSuccess(nil)
	f.Add(joinPackets(accept, all, pkok, success))
	f.Add(joinPackets(accept, (&wire.UserAuthBanner{Message: "hi"}).Marshal(nil), all, all,
		(&wire.UserAuthPasswdChangeReq{Prompt: "p"}).Marshal(nil), (&wire.UserAuthFailure{Methods: []string{"keyboard-interactive"}, PartialSuccess: true}).Marshal(nil),
		(&wire.UserAuthInfoRequest{Prompts: []wire.Prompt{{Text: "x"}}}).Marshal(nil), (&wire.UserAuthInfoRequest{}).Marshal(nil), success))
	ext := wire.ExtInfo{Extensions: []wire.Extension{{Name: "server-sig-algs", Value: []byte("rsa-sha2-256")}}}
	f.Add(joinPackets(ext.Marshal(nil), accept, all, all, success))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := &scriptConn{packets: splitPackets(data)}
		err := RunClient(context.Background(), sc, fuzzClientConfig())
		if sc.writes > maxClientRequests+maxKIRounds*maxClientRequests+2 {
			t.Fatalf("%d writes", sc.writes)
		}
		var ae *AuthError
		var de *DisconnectError
		if err != nil && !errors.As(err, &ae) && !errors.As(err, &de) && !errors.Is(err, io.EOF) && !errors.Is(err, ErrPeerDisconnected) {
			t.Fatalf("untyped error %v", err)
		}
	})
}
