package auth

import (
	"context"
	"errors"
	"io"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// pwOnly accepts user "alice" with password "secret".
func pwOnly(ctx context.Context, r *PasswordRequest) Decision {
	if r.User == "alice" && r.Password == "secret" && !r.Change {
		return Accept()
	}
	return Reject()
}

func staticPassword(pw string) func() (string, error) {
	return func() (string, error) { return pw, nil }
}

func TestNone(t *testing.T) {
	perms := &Permissions{Value: 7}
	cerr, res, serr := runPair(t, &ClientConfig{User: "guest"}, &ServerConfig{
		NoneCallback: func(ctx context.Context, a *Attempt) Decision {
			if a.User == "guest" {
				return AcceptWith(perms)
			}
			return Reject()
		},
	})
	if cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if res.User != "guest" || !slices.Equal(res.Methods(), []string{"none"}) || res.Permissions != perms || res.PublicKey != nil {
		t.Fatalf("result %+v", res)
	}
}

func TestPassword(t *testing.T) {
	cerr, res, serr := runPair(t, &ClientConfig{User: "alice", Methods: []Method{Password(staticPassword("secret"))}},
		&ServerConfig{PasswordCallback: pwOnly})
	if cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if !slices.Equal(res.Methods(), []string{"password"}) {
		t.Fatalf("methods %v", res.Methods())
	}
}

func TestWrongPasswordRejected(t *testing.T) {
	cerr, res, serr := runPair(t, &ClientConfig{User: "alice", Methods: []Method{Password(staticPassword("guess"))}},
		&ServerConfig{PasswordCallback: pwOnly, KeyboardInteractiveCallback: func(context.Context, *KeyboardInteractiveRequest, Challenge) Decision {
			return Reject()
		}})
	var ae *AuthError
	if !errors.As(cerr, &ae) {
		t.Fatalf("client error %v, want *AuthError", cerr)
	}
	if !slices.Equal(ae.Tried, []string{"none", "password"}) || !slices.Equal(ae.Remaining, []string{"password", "keyboard-interactive"}) || ae.PartialSuccess {
		t.Fatalf("AuthError %+v", ae)
	}
	if res != nil || !errors.Is(serr, errClosed) {
		t.Fatalf("server: %v %v", res, serr)
	}
}

func TestPasswordChange(t *testing.T) {
	var mu sync.Mutex
	var seen []PasswordRequest
	server := func(ctx context.Context, r *PasswordRequest) Decision {
		mu.Lock()
		seen = append(seen, PasswordRequest{Password: r.Password, Change: r.Change, NewPassword: r.NewPassword})
		mu.Unlock()
		switch {
		case !r.Change && r.Password == "old":
			return RequirePasswordChange("Password expired\x1b[2J")
		case r.Change && r.Password == "old" && r.NewPassword == "new":
			return Accept()
		case r.Change && r.Password == "old":
			return RequirePasswordChange("too weak")
		}
		return Reject()
	}
	var prompts []string
	pm := Password(staticPassword("old"))
	answers := []string{"weak", "new"}
	pm.ChangePassword = func(prompt, lang string) (string, error) {
		prompts = append(prompts, prompt)
		a := answers[0]
		answers = answers[1:]
		return a, nil
	}
	cerr, res, serr := runPair(t, &ClientConfig{User: "bob", Methods: []Method{pm}}, &ServerConfig{PasswordCallback: server})
	if cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	want := []PasswordRequest{{Password: "old"}, {Password: "old", Change: true, NewPassword: "weak"}, {Password: "old", Change: true, NewPassword: "new"}}
	if !reflect.DeepEqual(seen, want) {
		t.Fatalf("server saw %+v", seen)
	}
	if !slices.Equal(prompts, []string{"Password expired?[2J", "too weak"}) {
		t.Fatalf("prompts %q", prompts)
	}
	if !slices.Equal(res.Methods(), []string{"password"}) {
		t.Fatalf("methods %v", res.Methods())
	}
}

func TestPasswordChangeWithoutCallbackFallsThrough(t *testing.T) {
	cerr, _, _ := runPair(t, &ClientConfig{User: "bob", Methods: []Method{Password(staticPassword("old"))}},
		&ServerConfig{PasswordCallback: func(context.Context, *PasswordRequest) Decision { return RequirePasswordChange("expired") }})
	var ae *AuthError
	if !errors.As(cerr, &ae) || !slices.Equal(ae.Tried, []string{"none", "password"}) {
		t.Fatalf("got %v", cerr)
	}
}

// keyRecorder is a PublicKeyCallback accepting the keys in allow and
// recording every call.
type keyRecorder struct {
	mu    sync.Mutex
	allow []keys.PublicKey
	algs  []string // algorithms accepted; nil = any
	calls []PublicKeyRequest
}

func (k *keyRecorder) callback(ctx context.Context, r *PublicKeyRequest) Decision {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls = append(k.calls, *r)
	if k.algs != nil && !slices.Contains(k.algs, r.Algorithm) {
		return Reject()
	}
	for _, a := range k.allow {
		if keys.Equal(a, r.Key) {
			return AcceptWith(&Permissions{Extensions: map[string]string{"fp": keys.FingerprintSHA256(r.Key)}})
		}
	}
	return Reject()
}

// summary lists calls as "alg/verified/fingerprint".
func (k *keyRecorder) summary() []string {
	var s []string
	for _, c := range k.calls {
		v := "query"
		if c.Verified {
			v = "signed"
		}
		s = append(s, c.Algorithm+"/"+v+"/"+keys.FingerprintSHA256(c.Key))
	}
	return s
}

func call(alg, kind string, k keys.Signer) string {
	return alg + "/" + kind + "/" + keys.FingerprintSHA256(k.PublicKey())
}

func TestPublicKey(t *testing.T) {
	testKeys(t)
	for _, s := range []keys.Signer{edSigner, ecSigner, rsaSigner} {
		rec := &keyRecorder{allow: []keys.PublicKey{s.PublicKey()}}
		cerr, res, serr := runPair(t, &ClientConfig{User: "u", Methods: []Method{PublicKeys(s)}},
			&ServerConfig{PublicKeyCallback: rec.callback})
		if cerr != nil || serr != nil {
			t.Fatalf("%s: client %v, server %v", s.PublicKey().Type(), cerr, serr)
		}
		alg := s.Algorithms()[0]
		if !keys.Equal(res.PublicKey, s.PublicKey()) || res.Steps[0].Algorithm != alg ||
			res.Permissions.Extensions["fp"] != keys.FingerprintSHA256(s.PublicKey()) {
			t.Fatalf("%s: result %+v", alg, res)
		}
		if got, want := rec.summary(), []string{call(alg, "query", s), call(alg, "signed", s)}; !slices.Equal(got, want) {
			t.Fatalf("calls %v, want %v", got, want)
		}
	}
}

func TestPublicKeySecondKey(t *testing.T) {
	testKeys(t)
	rec := &keyRecorder{allow: []keys.PublicKey{ecSigner.PublicKey()}}
	var loaded int
	m := PublicKeysCallback(func() ([]keys.Signer, error) { loaded++; return []keys.Signer{edSigner, ecSigner}, nil })
	cerr, res, serr := runPair(t, &ClientConfig{User: "u", Methods: []Method{m}}, &ServerConfig{PublicKeyCallback: rec.callback})
	if cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if !keys.Equal(res.PublicKey, ecSigner.PublicKey()) || loaded != 1 {
		t.Fatalf("result %+v loaded %d", res, loaded)
	}
	want := []string{call("ssh-ed25519", "query", edSigner), call("ecdsa-sha2-nistp256", "query", ecSigner), call("ecdsa-sha2-nistp256", "signed", ecSigner)}
	if !slices.Equal(rec.summary(), want) {
		t.Fatalf("calls %v", rec.summary())
	}
}

func TestPublicKeyRejected(t *testing.T) {
	testKeys(t)
	rec := &keyRecorder{allow: []keys.PublicKey{ed2Signer.PublicKey()}}
	cerr, _, _ := runPair(t, &ClientConfig{User: "u", Methods: []Method{PublicKeys(edSigner, ecSigner)}},
		&ServerConfig{PublicKeyCallback: rec.callback})
	var ae *AuthError
	if !errors.As(cerr, &ae) || !slices.Equal(ae.Tried, []string{"none", "publickey"}) {
		t.Fatalf("got %v", cerr)
	}
	for _, c := range rec.calls {
		if c.Verified {
			t.Fatalf("a rejected query was followed by a signed request: %v", rec.summary())
		}
	}
}

// refusingSigner refuses to sign, like a security key nobody touched.
type refusingSigner struct{ keys.Signer }

var errNoTouch = errors.New("user did not touch the key")

func (*refusingSigner) Sign(io.Reader, string, []byte) ([]byte, error) { return nil, errNoTouch }

func TestSignerErrorSkipsKey(t *testing.T) {
	testKeys(t)
	rec := &keyRecorder{allow: []keys.PublicKey{edSigner.PublicKey(), ecSigner.PublicKey()}}
	bad := &refusingSigner{edSigner}
	cerr, res, serr := runPair(t, &ClientConfig{User: "u", Methods: []Method{PublicKeys(bad, ecSigner)}},
		&ServerConfig{PublicKeyCallback: rec.callback})
	if cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if !keys.Equal(res.PublicKey, ecSigner.PublicKey()) {
		t.Fatalf("authenticated with %v", res.PublicKey)
	}
	// Only the refusing signer: the error is reported in the AuthError.
	cerr, _, _ = runPair(t, &ClientConfig{User: "u", Methods: []Method{PublicKeys(bad)}},
		&ServerConfig{PublicKeyCallback: rec.callback})
	var ae *AuthError
	if !errors.As(cerr, &ae) || !errors.Is(cerr, errNoTouch) {
		t.Fatalf("got %v", cerr)
	}
}

func TestRSAAlgorithmSelection(t *testing.T) {
	testKeys(t)
	cases := []struct {
		name       string
		serverAlgs []string // nil: no server-sig-algs
		clientAlgs []string // nil: defaults
		accept     []string // algorithms the server accepts
		want       []string // algorithms of the callback calls, in order
		fail       bool
	}{
		{"sha512 advertised", []string{"ssh-ed25519", "rsa-sha2-256", "rsa-sha2-512"}, nil, nil,
			[]string{"rsa-sha2-512", "rsa-sha2-512"}, false},
		{"only sha256 advertised", []string{"rsa-sha2-256"}, nil, nil,
			[]string{"rsa-sha2-256", "rsa-sha2-256"}, false},
		{"no extension, strongest first", nil, nil, nil,
			[]string{"rsa-sha2-512", "rsa-sha2-512"}, false},
		{"no extension, fall back to sha256", nil, nil, []string{"rsa-sha2-256"},
			[]string{"rsa-sha2-512", "rsa-sha2-256", "rsa-sha2-256"}, false},
		{"only ssh-rsa advertised, client refuses SHA-1", []string{"ssh-rsa"}, nil, nil, nil, true},
		{"only ssh-rsa advertised, client allows SHA-1", []string{"ssh-rsa"}, []string{"ssh-rsa", "rsa-sha2-256"}, nil,
			[]string{"ssh-rsa", "ssh-rsa"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &keyRecorder{allow: []keys.PublicKey{rsaSigner.PublicKey()}, algs: tc.accept}
			ccfg := &ClientConfig{User: "u", Methods: []Method{PublicKeys(rsaSigner)}, PublicKeyAlgorithms: tc.clientAlgs}
			if tc.serverAlgs != nil {
				ccfg.ServerSigAlgs = func() ([]string, bool) { return tc.serverAlgs, true }
			}
			scfg := &ServerConfig{PublicKeyCallback: rec.callback,
				PublicKeyAlgorithms: []string{"ssh-rsa", "rsa-sha2-256", "rsa-sha2-512"}}
			cerr, res, serr := runPair(t, ccfg, scfg)
			var got []string
			for _, c := range rec.calls {
				got = append(got, c.Algorithm)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("algorithms %v, want %v", got, tc.want)
			}
			if tc.fail {
				var ae *AuthError
				if !errors.As(cerr, &ae) {
					t.Fatalf("client %v, want AuthError", cerr)
				}
				return
			}
			if cerr != nil || serr != nil || res.Steps[0].Algorithm != tc.want[len(tc.want)-1] {
				t.Fatalf("client %v, server %v, result %+v", cerr, serr, res)
			}
		})
	}
}

func TestServerRefusesSHA1ByDefault(t *testing.T) {
	testKeys(t)
	rec := &keyRecorder{allow: []keys.PublicKey{rsaSigner.PublicKey()}}
	cerr, _, _ := runPair(t, &ClientConfig{User: "u", Methods: []Method{PublicKeys(rsaSigner)}, PublicKeyAlgorithms: []string{"ssh-rsa"}},
		&ServerConfig{PublicKeyCallback: rec.callback})
	var ae *AuthError
	if !errors.As(cerr, &ae) || len(rec.calls) != 0 {
		t.Fatalf("client %v, calls %v", cerr, rec.summary())
	}
}

func TestInbandExtInfo(t *testing.T) {
	testKeys(t)
	c, s := newPipe()
	defer c.Close()
	errc := make(chan error, 1)
	go func() {
		errc <- RunClient(context.Background(), c, &ClientConfig{User: "u", Methods: []Method{PublicKeys(rsaSigner)}})
	}()
	if p := s.mustRead(t); string(p) != string(serviceRequest) {
		t.Fatalf("got %x", p)
	}
	ext := wire.ExtInfo{Extensions: []wire.Extension{{Name: "server-sig-algs", Value: []byte("rsa-sha2-256,ssh-ed25519")}}}
	s.mustWrite(t, ext.Marshal(nil))
	s.mustWrite(t, (&wire.ServiceAccept{Service: "ssh-userauth"}).Marshal(nil))
	s.mustRead(t) // none
	s.mustWrite(t, (&wire.UserAuthFailure{Methods: []string{"publickey"}}).Marshal(nil))
	var req wire.UserAuthRequest
	var body wire.PublicKeyBody
	if req.Unmarshal(s.mustRead(t)) != nil || body.Unmarshal(req.Body) != nil || body.Algorithm != "rsa-sha2-256" || body.Signed {
		t.Fatalf("query %+v", body)
	}
	s.mustWrite(t, wire.MarshalUserAuthSuccess(nil))
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestKeyboardInteractiveRounds(t *testing.T) {
	var rounds [][]Prompt
	var names []string
	client := KeyboardInteractive(func(name, instruction string, prompts []Prompt) ([]string, error) {
		rounds = append(rounds, prompts)
		names = append(names, name+"|"+instruction)
		var a []string
		for _, p := range prompts {
			switch p.Text {
			case "Password: ":
				a = append(a, "pw")
			case "Code: ":
				a = append(a, "123456")
			case "Nick: ":
				a = append(a, "al")
			}
		}
		return a, nil
	})
	var got [][]string
	server := func(ctx context.Context, r *KeyboardInteractiveRequest, ch Challenge) Decision {
		a1, err := ch("", "", []Prompt{{Text: "Password: "}})
		if err != nil {
			return Reject()
		}
		a2, err := ch("Notice", "Your account expires soon\x07", nil)
		if err != nil {
			return Reject()
		}
		a3, err := ch("OTP", "", []Prompt{{Text: "Code: "}, {Text: "Nick: ", Echo: true}})
		if err != nil {
			return Reject()
		}
		got = [][]string{a1, a2, a3}
		if a1[0] == "pw" && a3[0] == "123456" {
			return Accept()
		}
		return Reject()
	}
	cerr, res, serr := runPair(t, &ClientConfig{User: "u", Methods: []Method{client}},
		&ServerConfig{KeyboardInteractiveCallback: server})
	if cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if !reflect.DeepEqual(got, [][]string{{"pw"}, {}, {"123456", "al"}}) {
		t.Fatalf("server got %q", got)
	}
	wantRounds := [][]Prompt{{{Text: "Password: "}}, {}, {{Text: "Code: "}, {Text: "Nick: ", Echo: true}}}
	if !reflect.DeepEqual(rounds, wantRounds) || !slices.Equal(names, []string{"|", "Notice|Your account expires soon?", "OTP|"}) {
		t.Fatalf("client saw %+v %q", rounds, names)
	}
	if !slices.Equal(res.Methods(), []string{"keyboard-interactive"}) {
		t.Fatalf("methods %v", res.Methods())
	}
}

func TestPartialSuccessChain(t *testing.T) {
	testKeys(t)
	var kiPrev []Step
	scfg := &ServerConfig{
		PublicKeyCallback: func(ctx context.Context, r *PublicKeyRequest) Decision {
			if keys.Equal(r.Key, edSigner.PublicKey()) {
				return Partial("keyboard-interactive")
			}
			return Reject()
		},
		PasswordCallback: func(context.Context, *PasswordRequest) Decision { return Accept() },
		KeyboardInteractiveCallback: func(ctx context.Context, r *KeyboardInteractiveRequest, ch Challenge) Decision {
			kiPrev = r.Previous
			if len(r.Previous) != 1 || !keys.Equal(r.Previous[0].PublicKey, edSigner.PublicKey()) {
				return Reject()
			}
			a, err := ch("", "", []Prompt{{Text: "OTP: "}})
			if err == nil && a[0] == "42" {
				return AcceptWith(&Permissions{Value: "mfa"})
			}
			return Reject()
		},
	}
	var pwCalls int
	ccfg := &ClientConfig{User: "u", Methods: []Method{
		Password(func() (string, error) { pwCalls++; return "x", nil }),
		KeyboardInteractive(func(string, string, []Prompt) ([]string, error) { return []string{"42"}, nil }),
		PublicKeys(edSigner),
	}}
	// The password method comes first in the client's order; the server
	// accepts any password alone. To exercise the chain, offer only
	// publickey and keyboard-interactive first.
	scfgNoPW := *scfg
	scfgNoPW.PasswordCallback = nil
	cerr, res, serr := runPair(t, ccfg, &scfgNoPW)
	if cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if pwCalls != 0 {
		t.Fatalf("password asked %d times though the server never offered it", pwCalls)
	}
	if !slices.Equal(res.Methods(), []string{"publickey", "keyboard-interactive"}) || !keys.Equal(res.PublicKey, edSigner.PublicKey()) ||
		res.Permissions.Value != "mfa" || len(kiPrev) != 1 {
		t.Fatalf("result %+v", res)
	}
}

func TestPartialSuccessClientLacksSecondFactor(t *testing.T) {
	testKeys(t)
	scfg := &ServerConfig{
		PublicKeyCallback: func(ctx context.Context, r *PublicKeyRequest) Decision { return Partial("password") },
		PasswordCallback:  func(context.Context, *PasswordRequest) Decision { return Accept() },
	}
	// The client only has a key: after the partial success nothing is left.
	cerr, _, _ := runPair(t, &ClientConfig{User: "u", Methods: []Method{PublicKeys(edSigner)}}, scfg)
	var ae *AuthError
	if !errors.As(cerr, &ae) || !ae.PartialSuccess || !slices.Equal(ae.Remaining, []string{"password"}) {
		t.Fatalf("got %v", cerr)
	}
}

func TestTwoKeysRequired(t *testing.T) {
	testKeys(t)
	scfg := &ServerConfig{PublicKeyCallback: func(ctx context.Context, r *PublicKeyRequest) Decision {
		if !r.Verified {
			return Accept()
		}
		if len(r.Previous) == 0 && keys.Equal(r.Key, edSigner.PublicKey()) {
			return Partial("publickey")
		}
		if len(r.Previous) == 1 && keys.Equal(r.Key, ecSigner.PublicKey()) {
			return Accept()
		}
		return Reject()
	}}
	cerr, res, serr := runPair(t, &ClientConfig{User: "u", Methods: []Method{PublicKeys(edSigner, ecSigner)}}, scfg)
	if cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if len(res.Steps) != 2 || !keys.Equal(res.Steps[0].PublicKey, edSigner.PublicKey()) || !keys.Equal(res.PublicKey, ecSigner.PublicKey()) {
		t.Fatalf("result %+v", res)
	}
}

func TestBanner(t *testing.T) {
	var got []string
	cerr, _, serr := runPair(t, &ClientConfig{User: "u", BannerCallback: func(msg, lang string) error {
		got = append(got, msg)
		return nil
	}}, &ServerConfig{
		BannerCallback: func(ctx context.Context, user string) string { return "Welcome " + user + "\x1b]0;pwned\x07\n" },
		NoneCallback:   func(context.Context, *Attempt) Decision { return Accept() },
	})
	if cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if !slices.Equal(got, []string{"Welcome u?]0;pwned?\n"}) {
		t.Fatalf("banner %q", got)
	}
}

func TestBannerCallbackErrorAborts(t *testing.T) {
	stop := errors.New("stop")
	cerr, _, _ := runPair(t, &ClientConfig{User: "u", BannerCallback: func(string, string) error { return stop }},
		&ServerConfig{BannerCallback: func(context.Context, string) string { return "hi" }})
	if !errors.Is(cerr, stop) {
		t.Fatalf("got %v", cerr)
	}
}

func TestCallbackErrorsAbort(t *testing.T) {
	boom := errors.New("boom")
	for _, m := range []Method{
		Password(func() (string, error) { return "", boom }),
		KeyboardInteractive(func(string, string, []Prompt) ([]string, error) { return nil, boom }),
		PublicKeysCallback(func() ([]keys.Signer, error) { return nil, boom }),
	} {
		cerr, _, _ := runPair(t, &ClientConfig{User: "u", Methods: []Method{m}}, &ServerConfig{
			PasswordCallback:  pwOnly,
			PublicKeyCallback: func(context.Context, *PublicKeyRequest) Decision { return Reject() },
			KeyboardInteractiveCallback: func(ctx context.Context, r *KeyboardInteractiveRequest, ch Challenge) Decision {
				_, err := ch("", "", []Prompt{{Text: "x"}})
				if err == nil {
					t.Error("challenge succeeded though the client failed")
				}
				return Accept() // ignored: the exchange failed
			},
		})
		if !errors.Is(cerr, boom) {
			t.Fatalf("%s: got %v", m.Name(), cerr)
		}
	}
}

func TestKeyboardInteractiveWrongAnswerCount(t *testing.T) {
	cerr, res, _ := runPair(t, &ClientConfig{User: "u", Methods: []Method{KeyboardInteractive(func(string, string, []Prompt) ([]string, error) {
		return []string{"a", "b"}, nil
	})}}, &ServerConfig{KeyboardInteractiveCallback: func(ctx context.Context, r *KeyboardInteractiveRequest, ch Challenge) Decision {
		ch("", "", []Prompt{{Text: "x"}})
		return Accept()
	}})
	if cerr == nil || res != nil {
		t.Fatalf("client %v result %v", cerr, res)
	}
}

func TestContextTimeoutBothSides(t *testing.T) {
	// A server stuck in a keyboard-interactive callback: the client
	// waits for an INFO_REQUEST that never comes, until ctx ends.
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	var once sync.Once
	scfg := &ServerConfig{KeyboardInteractiveCallback: func(ctx context.Context, r *KeyboardInteractiveRequest, ch Challenge) Decision {
		once.Do(cancel)
		<-ctx.Done()
		close(release)
		return Accept()
	}}
	cerr, res, serr := runPairCtx(ctx, t, &ClientConfig{User: "u", Methods: []Method{KeyboardInteractive(func(string, string, []Prompt) ([]string, error) {
		return nil, nil
	})}}, scfg)
	<-release
	if !errors.Is(cerr, context.Canceled) {
		t.Fatalf("client %v", cerr)
	}
	if res != nil || !errors.Is(serr, context.Canceled) {
		t.Fatalf("server %v %v", res, serr)
	}
}

func BenchmarkPublicKeyAuth(b *testing.B) {
	testKeys(b)
	scfg := &ServerConfig{PublicKeyCallback: func(context.Context, *PublicKeyRequest) Decision { return Accept() }}
	ccfg := &ClientConfig{User: "u", Methods: []Method{PublicKeys(edSigner)}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c, s := newPipe()
		done := make(chan error, 1)
		go func() {
			_, err := RunServer(context.Background(), s, scfg)
			done <- err
		}()
		if err := RunClient(context.Background(), c, ccfg); err != nil {
			b.Fatal(err)
		}
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
