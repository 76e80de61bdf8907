package auth

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// hostileClient drives RunServer with hand-made packets.
type hostileClient struct {
	t    *testing.T
	c    *pipeConn
	done chan struct{}
	res  *Result
	err  error
}

func startServer(t *testing.T, ctx context.Context, cfg *ServerConfig) *hostileClient {
	t.Helper()
	c, s := newPipe()
	h := &hostileClient{t: t, c: c, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		h.res, h.err = RunServer(ctx, s, cfg)
		if h.err != nil {
			s.Close() // as the caller would; unblocks the test's reads
		}
	}()
	t.Cleanup(func() { c.Close(); <-h.done })
	return h
}

// begin does the service request.
func (h *hostileClient) begin() {
	h.t.Helper()
	h.c.mustWrite(h.t, serviceRequest)
	var acc wire.ServiceAccept
	if err := acc.Unmarshal(h.c.mustRead(h.t)); err != nil || acc.Service != "ssh-userauth" {
		h.t.Fatalf("service accept: %v %+v", err, acc)
	}
}

// wait returns RunServer's result.
func (h *hostileClient) wait() (*Result, error) {
	<-h.done
	return h.res, h.err
}

// expectFailure reads a USERAUTH_FAILURE.
func (h *hostileClient) expectFailure() wire.UserAuthFailure {
	h.t.Helper()
	p := h.c.mustRead(h.t)
	var f wire.UserAuthFailure
	if err := f.Unmarshal(p); err != nil {
		h.t.Fatalf("want USERAUTH_FAILURE, got message %d", p[0])
	}
	return f
}

func pkBody(t *testing.T, user string, s keys.Signer, alg string, blob []byte, signed bool, sid []byte) []byte {
	t.Helper()
	b := wire.PublicKeyBody{Algorithm: alg, PublicKey: blob, Signed: signed}
	if signed {
		sig, err := s.Sign(nil, alg, wire.PublicKeySignedData(sid, user, "ssh-connection", alg, blob))
		if err != nil {
			t.Fatal(err)
		}
		b.Signature = sig
	}
	return b.Append(nil)
}

// TestOfferedKeyIsNotTheSigningKey is the CVE-2024-45337 scenario: the
// client queries key A, which the application accepts, then signs with
// key B, which it rejects. Access must be refused, and the only
// Verified call the application sees is for B.
func TestOfferedKeyIsNotTheSigningKey(t *testing.T) {
	testKeys(t)
	keyA, keyB := edSigner, ed2Signer
	rec := &keyRecorder{allow: []keys.PublicKey{keyA.PublicKey()}}
	h := startServer(t, context.Background(), &ServerConfig{PublicKeyCallback: rec.callback})
	h.begin()
	sid := h.c.sid
	blobA, blobB := keyA.PublicKey().Marshal(), keyB.PublicKey().Marshal()

	h.c.mustWrite(t, userauthRequest("u", "publickey", pkBody(t, "u", keyA, "ssh-ed25519", blobA, false, sid)))
	var ok wire.UserAuthPKOK
	if err := ok.Unmarshal(h.c.mustRead(t)); err != nil || !bytes.Equal(ok.PublicKey, blobA) {
		t.Fatalf("want PK_OK for A: %v", err)
	}
	// Properly signed by B.
	h.c.mustWrite(t, userauthRequest("u", "publickey", pkBody(t, "u", keyB, "ssh-ed25519", blobB, true, sid)))
	if f := h.expectFailure(); f.PartialSuccess {
		t.Fatal("partial success")
	}
	// Signed by B but claiming A's blob: the signature does not verify
	// and the application is not asked at all.
	forged := wire.PublicKeyBody{Signed: true, Algorithm: "ssh-ed25519", PublicKey: blobA}
	forged.Signature, _ = keyB.Sign(nil, "ssh-ed25519", wire.PublicKeySignedData(sid, "u", "ssh-connection", "ssh-ed25519", blobA))
	h.c.mustWrite(t, userauthRequest("u", "publickey", forged.Append(nil)))
	h.expectFailure()
	// A's blob with a signature over another session's identifier.
	h.c.mustWrite(t, userauthRequest("u", "publickey", pkBody(t, "u", keyA, "ssh-ed25519", blobA, true, []byte("other session"))))
	h.expectFailure()

	want := []string{call("ssh-ed25519", "query", keyA), call("ssh-ed25519", "signed", keyB)}
	rec.mu.Lock()
	got := rec.summary()
	rec.mu.Unlock()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("calls %v, want %v", got, want)
	}
	// A itself, properly signed, does get in, and the Result names A.
	h.c.mustWrite(t, userauthRequest("u", "publickey", pkBody(t, "u", keyA, "ssh-ed25519", blobA, true, sid)))
	if err := wire.UnmarshalUserAuthSuccess(h.c.mustRead(t)); err != nil {
		t.Fatal(err)
	}
	res, err := h.wait()
	if err != nil || !keys.Equal(res.PublicKey, keyA.PublicKey()) || res.Steps[0].Algorithm != "ssh-ed25519" {
		t.Fatalf("%v %+v", err, res)
	}
}

func TestPublicKeyAlgorithmChecks(t *testing.T) {
	testKeys(t)
	rec := &keyRecorder{allow: []keys.PublicKey{rsaSigner.PublicKey(), edSigner.PublicKey()}}
	h := startServer(t, context.Background(), &ServerConfig{PublicKeyCallback: rec.callback, MaxAuthTries: 100})
	h.begin()
	sid := h.c.sid
	rsaBlob, edBlob := rsaSigner.PublicKey().Marshal(), edSigner.PublicKey().Marshal()
	bad := [][]byte{
		// ssh-rsa (SHA-1) is not in the default list.
		pkBody(t, "u", rsaSigner, "ssh-rsa", rsaBlob, true, sid),
		pkBody(t, "u", rsaSigner, "ssh-rsa", rsaBlob, false, sid),
		// Algorithm of another key type.
		(&wire.PublicKeyBody{Algorithm: "ssh-ed25519", PublicKey: rsaBlob}).Append(nil),
		// Request says rsa-sha2-512, signature is rsa-sha2-256.
		func() []byte {
			b := wire.PublicKeyBody{Signed: true, Algorithm: "rsa-sha2-512", PublicKey: rsaBlob}
			b.Signature, _ = rsaSigner.Sign(nil, "rsa-sha2-256", wire.PublicKeySignedData(sid, "u", "ssh-connection", "rsa-sha2-512", rsaBlob))
			return b.Append(nil)
		}(),
		// Garbage key blob and garbage signature.
		(&wire.PublicKeyBody{Algorithm: "ssh-ed25519", PublicKey: []byte("junk")}).Append(nil),
		(&wire.PublicKeyBody{Signed: true, Algorithm: "ssh-ed25519", PublicKey: edBlob, Signature: []byte{0, 0, 0, 1}}).Append(nil),
		// Signed for another user name.
		pkBody(t, "root", edSigner, "ssh-ed25519", edBlob, true, sid),
	}
	for i, b := range bad {
		h.c.mustWrite(t, userauthRequest("u", "publickey", b))
		if f := h.expectFailure(); f.PartialSuccess {
			t.Fatalf("case %d: partial success", i)
		}
	}
	rec.mu.Lock()
	for _, c := range rec.calls {
		if c.Verified {
			t.Errorf("application asked about an unverified request: %v", rec.summary())
		}
	}
	rec.mu.Unlock()
}

func TestMaxAuthTries(t *testing.T) {
	h := startServer(t, context.Background(), &ServerConfig{PasswordCallback: pwOnly, MaxAuthTries: 3})
	h.begin()
	// "none" does not count.
	for i := 0; i < 10; i++ {
		h.c.mustWrite(t, userauthRequest("alice", "none", nil))
		h.expectFailure()
	}
	for i := 0; i < 2; i++ {
		h.c.mustWrite(t, userauthRequest("alice", "password", (&wire.PasswordBody{Password: "no"}).Append(nil)))
		h.expectFailure()
	}
	h.c.mustWrite(t, userauthRequest("alice", "password", (&wire.PasswordBody{Password: "no"}).Append(nil)))
	_, err := h.wait()
	var de *DisconnectError
	if !errors.As(err, &de) || de.Reason != wire.DisconnectNoMoreAuthMethodsAvailable || !errors.Is(err, ErrTooManyAuthFailures) {
		t.Fatalf("got %v", err)
	}
}

func TestDefaultMaxAuthTriesWithClient(t *testing.T) {
	testKeys(t)
	// Ten keys the server refuses: OpenSSH's default of 6 stops the client.
	var signers []keys.Signer
	for i := 0; i < 10; i++ {
		signers = append(signers, edSigner)
	}
	cerr, _, serr := runPair(t, &ClientConfig{User: "u", Methods: []Method{PublicKeys(signers...)}},
		&ServerConfig{PublicKeyCallback: func(context.Context, *PublicKeyRequest) Decision { return Reject() }})
	if !errors.Is(serr, ErrTooManyAuthFailures) || cerr == nil {
		t.Fatalf("client %v server %v", cerr, serr)
	}
}

func TestRequestCap(t *testing.T) {
	h := startServer(t, context.Background(), &ServerConfig{PasswordCallback: pwOnly})
	h.begin()
	for i := 0; i < maxServerRequests; i++ {
		h.c.mustWrite(t, userauthRequest("alice", "none", nil))
		h.expectFailure()
	}
	h.c.mustWrite(t, userauthRequest("alice", "none", nil))
	if _, err := h.wait(); !errors.Is(err, ErrTooManyAuthFailures) {
		t.Fatalf("got %v", err)
	}
}

func TestServerProtocolViolations(t *testing.T) {
	long := strings.Repeat("a", MaxUserLen+1)
	cases := []struct {
		name    string
		packets [][]byte
		reason  uint32
	}{
		{"userauth before service request", [][]byte{userauthRequest("u", "none", nil)}, wire.DisconnectProtocolError},
		{"wrong service", [][]byte{(&wire.ServiceRequest{Service: "ssh-connection"}).Marshal(nil)}, wire.DisconnectServiceNotAvailable},
		{"malformed service request", [][]byte{{wire.MsgServiceRequest, 0, 0}}, wire.DisconnectProtocolError},
		{"user changes", [][]byte{serviceRequest, userauthRequest("a", "none", nil), userauthRequest("b", "none", nil)}, wire.DisconnectProtocolError},
		{"service changes", [][]byte{serviceRequest, userauthRequest("a", "none", nil),
			(&wire.UserAuthRequest{User: "a", Service: "other", Method: "none"}).Marshal(nil)}, wire.DisconnectProtocolError},
		{"unknown service", [][]byte{serviceRequest, (&wire.UserAuthRequest{User: "a", Service: "ssh-other", Method: "none"}).Marshal(nil)}, wire.DisconnectServiceNotAvailable},
		{"user too long", [][]byte{serviceRequest, userauthRequest(long, "none", nil)}, wire.DisconnectIllegalUserName},
		{"user with NUL", [][]byte{serviceRequest, userauthRequest("a\x00b", "none", nil)}, wire.DisconnectIllegalUserName},
		{"empty user", [][]byte{serviceRequest, userauthRequest("", "none", nil)}, wire.DisconnectIllegalUserName},
		{"user not UTF-8", [][]byte{serviceRequest, userauthRequest("\xff", "none", nil)}, wire.DisconnectProtocolError},
		{"malformed password body", [][]byte{serviceRequest, userauthRequest("a", "password", []byte{0, 0, 0})}, wire.DisconnectProtocolError},
		{"stray info response", [][]byte{serviceRequest, (&wire.UserAuthInfoResponse{}).Marshal(nil)}, wire.DisconnectProtocolError},
		{"channel open before auth", [][]byte{serviceRequest, {wire.MsgChannelOpen}}, wire.DisconnectProtocolError},
		{"empty packet", [][]byte{serviceRequest, {}}, wire.DisconnectProtocolError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := startServer(t, context.Background(), &ServerConfig{PasswordCallback: pwOnly})
			for _, p := range tc.packets {
				h.c.mustWrite(t, p)
			}
			go func() { // drain replies
				for {
					if _, err := h.c.ReadPacket(); err != nil {
						return
					}
				}
			}()
			res, err := h.wait()
			var de *DisconnectError
			if res != nil || !errors.As(err, &de) || de.Reason != tc.reason {
				t.Fatalf("got %v %v, want reason %d", res, err, tc.reason)
			}
		})
	}
}

func TestUnofferedMethodsRejected(t *testing.T) {
	called := false
	h := startServer(t, context.Background(), &ServerConfig{PasswordCallback: func(context.Context, *PasswordRequest) Decision {
		called = true
		return Accept()
	}})
	h.begin()
	for _, m := range []string{"publickey", "keyboard-interactive", "hostbased", "gssapi-with-mic"} {
		h.c.mustWrite(t, userauthRequest("u", m, []byte("whatever")))
		if f := h.expectFailure(); strings.Join(f.Methods, ",") != "password" {
			t.Fatalf("methods %v", f.Methods)
		}
	}
	// "none" has no callback: rejected, and not listed.
	h.c.mustWrite(t, userauthRequest("u", "none", nil))
	h.expectFailure()
	if called {
		t.Fatal("password callback called")
	}
}

func TestPartialRestrictsNextMethods(t *testing.T) {
	var pwCalled bool
	h := startServer(t, context.Background(), &ServerConfig{
		PasswordCallback: func(context.Context, *PasswordRequest) Decision {
			pwCalled = true
			return Accept()
		},
		NoneCallback: func(context.Context, *Attempt) Decision { return Accept() },
		KeyboardInteractiveCallback: func(ctx context.Context, r *KeyboardInteractiveRequest, ch Challenge) Decision {
			if len(r.Previous) == 0 {
				return Partial("keyboard-interactive", "bogus-method")
			}
			return Reject()
		},
	})
	h.begin()
	h.c.mustWrite(t, userauthRequest("u", "keyboard-interactive", (&wire.KeyboardInteractiveBody{}).Append(nil)))
	if f := h.expectFailure(); !f.PartialSuccess || strings.Join(f.Methods, ",") != "keyboard-interactive" {
		t.Fatalf("%+v", f)
	}
	// Password and none were allowed alone, but not as a second factor.
	h.c.mustWrite(t, userauthRequest("u", "password", (&wire.PasswordBody{Password: "x"}).Append(nil)))
	h.expectFailure()
	h.c.mustWrite(t, userauthRequest("u", "none", nil))
	h.expectFailure()
	if pwCalled {
		t.Fatal("password callback called outside the required methods")
	}
}

func TestPartialWithNoValidNextRejects(t *testing.T) {
	h := startServer(t, context.Background(), &ServerConfig{
		PasswordCallback: func(context.Context, *PasswordRequest) Decision { return Partial("no-such-method") },
	})
	h.begin()
	h.c.mustWrite(t, userauthRequest("u", "password", (&wire.PasswordBody{Password: "x"}).Append(nil)))
	if f := h.expectFailure(); f.PartialSuccess || strings.Join(f.Methods, ",") != "password" {
		t.Fatalf("%+v", f)
	}
}

func TestKeyboardInteractiveAbandoned(t *testing.T) {
	var chErr error
	h := startServer(t, context.Background(), &ServerConfig{
		PasswordCallback: pwOnly,
		KeyboardInteractiveCallback: func(ctx context.Context, r *KeyboardInteractiveRequest, ch Challenge) Decision {
			_, chErr = ch("", "", []Prompt{{Text: "p"}})
			return Accept() // must be ignored
		},
	})
	h.begin()
	h.c.mustWrite(t, userauthRequest("alice", "keyboard-interactive", (&wire.KeyboardInteractiveBody{}).Append(nil)))
	if p := h.c.mustRead(t); p[0] != wire.MsgUserAuthInfoRequest {
		t.Fatalf("got %d", p[0])
	}
	// Abandon it for a password request; the reply is for the password.
	h.c.mustWrite(t, userauthRequest("alice", "password", (&wire.PasswordBody{Password: "secret"}).Append(nil)))
	if err := wire.UnmarshalUserAuthSuccess(h.c.mustRead(t)); err != nil {
		t.Fatal(err)
	}
	res, err := h.wait()
	if err != nil || res.Steps[0].Method != "password" || !errors.Is(chErr, ErrChallengeAborted) {
		t.Fatalf("%v %+v %v", err, res, chErr)
	}
}

func TestChallengeAfterReturn(t *testing.T) {
	var saved Challenge
	h := startServer(t, context.Background(), &ServerConfig{
		KeyboardInteractiveCallback: func(ctx context.Context, r *KeyboardInteractiveRequest, ch Challenge) Decision {
			saved = ch
			return Reject()
		},
	})
	h.begin()
	h.c.mustWrite(t, userauthRequest("u", "keyboard-interactive", (&wire.KeyboardInteractiveBody{}).Append(nil)))
	h.expectFailure()
	if _, err := saved("", "", nil); !errors.Is(err, ErrChallengeClosed) {
		t.Fatalf("got %v", err)
	}
}

func TestKeyboardInteractiveBadResponse(t *testing.T) {
	h := startServer(t, context.Background(), &ServerConfig{
		KeyboardInteractiveCallback: func(ctx context.Context, r *KeyboardInteractiveRequest, ch Challenge) Decision {
			ch("", "", []Prompt{{Text: "a"}, {Text: "b"}})
			return Accept()
		},
	})
	h.begin()
	h.c.mustWrite(t, userauthRequest("u", "keyboard-interactive", (&wire.KeyboardInteractiveBody{}).Append(nil)))
	h.c.mustRead(t)
	h.c.mustWrite(t, (&wire.UserAuthInfoResponse{Responses: []string{"only one"}}).Marshal(nil))
	res, err := h.wait()
	if res != nil || !errors.Is(err, ErrProtocol) {
		t.Fatalf("%v %v", res, err)
	}
}

func TestServerContextCancelWhileReading(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	h := startServer(t, ctx, &ServerConfig{PasswordCallback: pwOnly})
	h.begin()
	cancel() // the server is in, or about to be in, ReadPacket
	res, err := h.wait()
	if res != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("%v %v", res, err)
	}
}
