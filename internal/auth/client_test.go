package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// hostileServer drives RunClient with hand-made packets.
type hostileServer struct {
	t    *testing.T
	s    *pipeConn
	done chan struct{}
	err  error
}

func startClient(t *testing.T, ctx context.Context, cfg *ClientConfig) *hostileServer {
	t.Helper()
	c, s := newPipe()
	h := &hostileServer{t: t, s: s, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		h.err = RunClient(ctx, c, cfg)
		if h.err != nil {
			c.Close()
		}
	}()
	t.Cleanup(func() { s.Close(); <-h.done })
	return h
}

// begin accepts the service request and answers the none probe with
// the given methods.
func (h *hostileServer) begin(methods ...string) {
	h.t.Helper()
	if p := h.s.mustRead(h.t); string(p) != string(serviceRequest) {
		h.t.Fatalf("got %x", p)
	}
	h.s.mustWrite(h.t, (&wire.ServiceAccept{Service: "ssh-userauth"}).Marshal(nil))
	h.expectRequest("none")
	h.s.mustWrite(h.t, (&wire.UserAuthFailure{Methods: methods}).Marshal(nil))
}

func (h *hostileServer) expectRequest(method string) wire.UserAuthRequest {
	h.t.Helper()
	var r wire.UserAuthRequest
	if err := r.Unmarshal(h.s.mustRead(h.t)); err != nil || r.Method != method || r.User != "u" || r.Service != "ssh-connection" {
		h.t.Fatalf("want %s request: %v %+v", method, err, r)
	}
	return r
}

func (h *hostileServer) wait() error {
	<-h.done
	return h.err
}

func wantProtocolError(t *testing.T, err error) {
	t.Helper()
	var de *DisconnectError
	if !errors.As(err, &de) || de.Reason != wire.DisconnectProtocolError || !errors.Is(err, ErrProtocol) {
		t.Fatalf("got %v, want protocol error", err)
	}
}

func TestClientRejectsPKOKForOtherKey(t *testing.T) {
	testKeys(t)
	h := startClient(t, context.Background(), &ClientConfig{User: "u", Methods: []Method{PublicKeys(edSigner)}})
	h.begin("publickey")
	h.expectRequest("publickey")
	h.s.mustWrite(t, (&wire.UserAuthPKOK{Algorithm: "ssh-ed25519", PublicKey: ed2Signer.PublicKey().Marshal()}).Marshal(nil))
	wantProtocolError(t, h.wait())
}

func TestClientSignsWithSessionID(t *testing.T) {
	testKeys(t)
	h := startClient(t, context.Background(), &ClientConfig{User: "u", Methods: []Method{PublicKeys(edSigner)}})
	h.begin("publickey")
	h.expectRequest("publickey")
	blob := edSigner.PublicKey().Marshal()
	h.s.mustWrite(t, (&wire.UserAuthPKOK{Algorithm: "ssh-ed25519", PublicKey: blob}).Marshal(nil))
	r := h.expectRequest("publickey")
	var b wire.PublicKeyBody
	if err := b.Unmarshal(r.Body); err != nil || !b.Signed {
		t.Fatalf("%v %+v", err, b)
	}
	data := wire.PublicKeySignedData(h.s.sid, "u", "ssh-connection", "ssh-ed25519", blob)
	if err := edSigner.PublicKey().Verify(data, b.Signature); err != nil {
		t.Fatalf("signature does not verify over the RFC 4252 data: %v", err)
	}
	h.s.mustWrite(t, wire.MarshalUserAuthSuccess(nil))
	if err := h.wait(); err != nil {
		t.Fatal(err)
	}
}

func TestClientBoundsKeyboardInteractiveRounds(t *testing.T) {
	calls := 0
	h := startClient(t, context.Background(), &ClientConfig{User: "u", Methods: []Method{KeyboardInteractive(
		func(string, string, []Prompt) ([]string, error) { calls++; return nil, nil })}})
	h.begin("keyboard-interactive")
	h.expectRequest("keyboard-interactive")
	for i := 0; i <= maxKIRounds; i++ {
		h.s.mustWrite(t, (&wire.UserAuthInfoRequest{}).Marshal(nil))
		if i < maxKIRounds {
			var resp wire.UserAuthInfoResponse
			if err := resp.Unmarshal(h.s.mustRead(t)); err != nil || len(resp.Responses) != 0 {
				t.Fatalf("round %d: %v %+v", i, err, resp)
			}
		}
	}
	wantProtocolError(t, h.wait())
	if calls != maxKIRounds {
		t.Fatalf("%d calls", calls)
	}
}

func TestClientRejectsLongPrompt(t *testing.T) {
	h := startClient(t, context.Background(), &ClientConfig{User: "u", Methods: []Method{KeyboardInteractive(
		func(string, string, []Prompt) ([]string, error) { t.Error("callback called"); return nil, nil })}})
	h.begin("keyboard-interactive")
	h.expectRequest("keyboard-interactive")
	h.s.mustWrite(t, (&wire.UserAuthInfoRequest{Prompts: []wire.Prompt{{Text: strings.Repeat("x", maxDisplayText+1)}}}).Marshal(nil))
	wantProtocolError(t, h.wait())
}

func TestClientDropsExcessBanners(t *testing.T) {
	var n int
	h := startClient(t, context.Background(), &ClientConfig{User: "u", BannerCallback: func(string, string) error { n++; return nil }})
	h.s.mustRead(t)
	for i := 0; i < maxBanners+5; i++ {
		h.s.mustWrite(t, (&wire.UserAuthBanner{Message: "b"}).Marshal(nil))
	}
	h.s.mustWrite(t, (&wire.UserAuthBanner{Message: strings.Repeat("x", maxBannerLen+1)}).Marshal(nil))
	h.s.mustWrite(t, (&wire.ServiceAccept{Service: "ssh-userauth"}).Marshal(nil))
	h.expectRequest("none")
	h.s.mustWrite(t, wire.MarshalUserAuthSuccess(nil))
	if err := h.wait(); err != nil || n != maxBanners {
		t.Fatalf("%v, %d banners", err, n)
	}
}

func TestClientProtocolViolations(t *testing.T) {
	cases := map[string][][]byte{
		"success before service accept": {wire.MarshalUserAuthSuccess(nil)},
		"wrong service accepted":        {(&wire.ServiceAccept{Service: "ssh-connection"}).Marshal(nil)},
		"success with trailing byte":    {(&wire.ServiceAccept{Service: "ssh-userauth"}).Marshal(nil), {wire.MsgUserAuthSuccess, 0}},
		"malformed failure":             {(&wire.ServiceAccept{Service: "ssh-userauth"}).Marshal(nil), {wire.MsgUserAuthFailure, 0, 0, 0, 9}},
		"pk_ok to none":                 {(&wire.ServiceAccept{Service: "ssh-userauth"}).Marshal(nil), (&wire.UserAuthPKOK{Algorithm: "x", PublicKey: nil}).Marshal(nil)},
		"channel message":               {(&wire.ServiceAccept{Service: "ssh-userauth"}).Marshal(nil), {wire.MsgChannelData}},
		"malformed banner":              {{wire.MsgUserAuthBanner, 1}},
		"empty packet":                  {{}},
	}
	for name, packets := range cases {
		t.Run(name, func(t *testing.T) {
			h := startClient(t, context.Background(), &ClientConfig{User: "u"})
			go func() { // drain requests
				for {
					if _, err := h.s.ReadPacket(); err != nil {
						return
					}
				}
			}()
			for _, p := range packets {
				h.s.mustWrite(t, p)
			}
			wantProtocolError(t, h.wait())
		})
	}
}

func TestClientPeerDisconnect(t *testing.T) {
	h := startClient(t, context.Background(), &ClientConfig{User: "u"})
	h.s.mustRead(t)
	h.s.mustWrite(t, (&wire.Disconnect{Reason: 2, Message: "bye"}).Marshal(nil))
	if err := h.wait(); !errors.Is(err, ErrPeerDisconnected) {
		t.Fatalf("got %v", err)
	}
}

func TestClientRequestBound(t *testing.T) {
	testKeys(t)
	// A server that fails every query but keeps listing publickey: the
	// client stops after its own bound even with endless keys.
	signers := make([]keys.Signer, 2*maxClientRequests)
	for i := range signers {
		signers[i] = edSigner
	}
	h := startClient(t, context.Background(), &ClientConfig{User: "u", Methods: []Method{PublicKeys(signers...)}})
	h.begin("publickey")
	for {
		p, err := h.s.ReadPacket()
		if err != nil {
			break
		}
		if p[0] != wire.MsgUserAuthRequest {
			t.Fatalf("got %d", p[0])
		}
		h.s.mustWrite(t, (&wire.UserAuthFailure{Methods: []string{"publickey"}}).Marshal(nil))
	}
	var ae *AuthError
	if err := h.wait(); !errors.As(err, &ae) || !errors.Is(err, ErrTooManyAttempts) {
		t.Fatalf("got %v", err)
	}
}

func TestClientConfigValidation(t *testing.T) {
	c, _ := newPipe()
	defer c.Close()
	for _, user := range []string{"\xff", strings.Repeat("a", MaxUserLen+1)} {
		if err := RunClient(context.Background(), c, &ClientConfig{User: user}); err == nil {
			t.Errorf("user %q accepted", user)
		}
	}
}

func TestClientContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	h := startClient(t, ctx, &ClientConfig{User: "u"})
	h.s.mustRead(t) // the service request; no reply comes
	cancel()
	if err := h.wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}
