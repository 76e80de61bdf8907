package wire

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// unmarshaler is implemented by every message type in userauth.go.
type userauthMsg interface {
	Marshal([]byte) []byte
	Unmarshal([]byte) error
}

func userauthSamples() []userauthMsg {
	return []userauthMsg{
		&ServiceRequest{Service: ServiceUserAuth},
		&ServiceAccept{Service: ServiceUserAuth},
		&UserAuthRequest{User: "jöhn", Service: ServiceConnection, Method: MethodNone, Body: []byte{}},
		&UserAuthRequest{User: "u", Service: ServiceConnection, Method: MethodPassword,
			Body: (&PasswordBody{Password: "pw"}).Append(nil)},
		&UserAuthFailure{Methods: []string{"publickey", "password"}, PartialSuccess: true},
		&UserAuthFailure{},
		&UserAuthBanner{Message: "hello\n", Language: "en"},
		&UserAuthPKOK{Algorithm: "ssh-ed25519", PublicKey: []byte("blob")},
		&UserAuthPasswdChangeReq{Prompt: "change it", Language: ""},
		&UserAuthInfoRequest{Name: "n", Instruction: "i", Language: "",
			Prompts: []Prompt{{Text: "Password: ", Echo: false}, {Text: "Code: ", Echo: true}}},
		&UserAuthInfoRequest{Prompts: []Prompt{}},
		&UserAuthInfoResponse{Responses: []string{"a", "", "c"}},
		&UserAuthInfoResponse{Responses: []string{}},
	}
}

func TestUserAuthRoundTrip(t *testing.T) {
	for _, m := range userauthSamples() {
		b := m.Marshal(nil)
		got := reflect.New(reflect.TypeOf(m).Elem()).Interface().(userauthMsg)
		if err := got.Unmarshal(b); err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		if !reflect.DeepEqual(normalize(got), normalize(m)) {
			t.Errorf("%T: round trip got %+v want %+v", m, got, m)
		}
		if again := got.Marshal(nil); !bytes.Equal(again, b) {
			t.Errorf("%T: re-marshal differs", m)
		}
		// Every strict prefix is malformed, and so is a trailing byte
		// (UserAuthRequest keeps the rest as its body).
		for i := 0; i < len(b); i++ {
			if err := got.Unmarshal(b[:i]); err == nil {
				if _, ok := m.(*UserAuthRequest); ok && i >= len(b)-len(m.(*UserAuthRequest).Body) {
					continue
				}
				t.Errorf("%T: prefix of %d bytes decoded", m, i)
			}
		}
		if _, ok := m.(*UserAuthRequest); !ok {
			if err := got.Unmarshal(append(b[:len(b):len(b)], 0)); !errors.Is(err, ErrMalformed) {
				t.Errorf("%T: trailing byte accepted", m)
			}
		}
	}
}

// normalize maps nil and empty slices together for comparison.
func normalize(m userauthMsg) userauthMsg {
	switch v := m.(type) {
	case *UserAuthRequest:
		c := *v
		if len(c.Body) == 0 {
			c.Body = nil
		}
		return &c
	case *UserAuthFailure:
		c := *v
		if len(c.Methods) == 0 {
			c.Methods = nil
		}
		return &c
	case *UserAuthInfoRequest:
		c := *v
		if len(c.Prompts) == 0 {
			c.Prompts = nil
		}
		return &c
	case *UserAuthInfoResponse:
		c := *v
		if len(c.Responses) == 0 {
			c.Responses = nil
		}
		return &c
	}
	return m
}

func TestUserAuthRequestBytes(t *testing.T) {
	body := (&PublicKeyBody{Signed: true, Algorithm: "ssh-ed25519", PublicKey: []byte{1, 2}, Signature: []byte{3}}).Append(nil)
	m := UserAuthRequest{User: "u", Service: "ssh-connection", Method: "publickey", Body: body}
	want := []byte{50,
		0, 0, 0, 1, 'u',
		0, 0, 0, 14, 's', 's', 'h', '-', 'c', 'o', 'n', 'n', 'e', 'c', 't', 'i', 'o', 'n',
		0, 0, 0, 9, 'p', 'u', 'b', 'l', 'i', 'c', 'k', 'e', 'y',
		1,
		0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9',
		0, 0, 0, 2, 1, 2,
		0, 0, 0, 1, 3,
	}
	if got := m.Marshal(nil); !bytes.Equal(got, want) {
		t.Fatalf("got %x\nwant %x", got, want)
	}
	var back UserAuthRequest
	if err := back.Unmarshal(want); err != nil {
		t.Fatal(err)
	}
	var pk PublicKeyBody
	if err := pk.Unmarshal(back.Body); err != nil {
		t.Fatal(err)
	}
	if !pk.Signed || pk.Algorithm != "ssh-ed25519" || !bytes.Equal(pk.PublicKey, []byte{1, 2}) || !bytes.Equal(pk.Signature, []byte{3}) {
		t.Fatalf("decoded %+v", pk)
	}
}

func TestBodies(t *testing.T) {
	pw := PasswordBody{Change: true, Password: "old", NewPassword: "new"}
	var pw2 PasswordBody
	if err := pw2.Unmarshal(pw.Append(nil)); err != nil || pw2 != pw {
		t.Fatalf("password body: %+v %v", pw2, err)
	}
	plain := PasswordBody{Password: "x"}
	if err := pw2.Unmarshal(plain.Append(nil)); err != nil || pw2 != plain {
		t.Fatalf("password body: %+v %v", pw2, err)
	}
	if err := pw2.Unmarshal(append(plain.Append(nil), 0, 0, 0, 0)); err == nil {
		t.Fatal("new password accepted without the change flag")
	}
	q := PublicKeyBody{Algorithm: "rsa-sha2-512", PublicKey: []byte("k")}
	var q2 PublicKeyBody
	if err := q2.Unmarshal(q.Append(nil)); err != nil || q2.Signed || q2.Algorithm != q.Algorithm || string(q2.PublicKey) != "k" || q2.Signature != nil {
		t.Fatalf("query body: %+v %v", q2, err)
	}
	ki := KeyboardInteractiveBody{Submethods: "pam"}
	var ki2 KeyboardInteractiveBody
	if err := ki2.Unmarshal(ki.Append(nil)); err != nil || ki2 != ki {
		t.Fatalf("kbd body: %+v %v", ki2, err)
	}
}

func TestUserAuthMalformed(t *testing.T) {
	cases := map[string]struct {
		m userauthMsg
		b []byte
	}{
		"wrong number":        {&ServiceRequest{}, []byte{6, 0, 0, 0, 1, 'x'}},
		"empty service":       {&ServiceRequest{}, []byte{5, 0, 0, 0, 0}},
		"service with space":  {&ServiceAccept{}, []byte{6, 0, 0, 0, 1, ' '}},
		"user not utf8":       {&UserAuthRequest{}, []byte{50, 0, 0, 0, 1, 0xff, 0, 0, 0, 1, 's', 0, 0, 0, 1, 'm'}},
		"method control char": {&UserAuthRequest{}, []byte{50, 0, 0, 0, 1, 'u', 0, 0, 0, 1, 's', 0, 0, 0, 1, 1}},
		"empty name in list":  {&UserAuthFailure{}, []byte{51, 0, 0, 0, 2, 'a', ',', 0}},
		"too many prompts":    {&UserAuthInfoRequest{}, []byte{60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 65}},
		"huge prompt count":   {&UserAuthInfoRequest{}, []byte{60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}},
		"count beyond data":   {&UserAuthInfoRequest{}, []byte{60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1}},
		"too many responses":  {&UserAuthInfoResponse{}, []byte{61, 0, 0, 1, 0}},
		"success with data":   {nil, []byte{52, 0}},
		"pkok bad alg":        {&UserAuthPKOK{}, []byte{60, 0, 0, 0, 0, 0, 0, 0, 0}},
	}
	for name, c := range cases {
		var err error
		if c.m == nil {
			err = UnmarshalUserAuthSuccess(c.b)
		} else {
			err = c.m.Unmarshal(c.b)
		}
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: got %v, want ErrMalformed", name, err)
		}
	}
	if err := UnmarshalUserAuthSuccess(MarshalUserAuthSuccess(nil)); err != nil {
		t.Fatal(err)
	}
}

func TestPublicKeySignedData(t *testing.T) {
	got := PublicKeySignedData([]byte{0xaa}, "u", "s", "alg", []byte{7})
	want := []byte{0, 0, 0, 1, 0xaa, 50, 0, 0, 0, 1, 'u', 0, 0, 0, 1, 's',
		0, 0, 0, 9, 'p', 'u', 'b', 'l', 'i', 'c', 'k', 'e', 'y', 1,
		0, 0, 0, 3, 'a', 'l', 'g', 0, 0, 0, 1, 7}
	if !bytes.Equal(got, want) {
		t.Fatalf("got %x\nwant %x", got, want)
	}
	if cap(got) != len(got) {
		t.Errorf("capacity %d, want exact %d", cap(got), len(got))
	}
}

func FuzzUserAuthMessages(f *testing.F) {
	for _, m := range userauthSamples() {
		f.Add(m.Marshal(nil))
	}
	f.Add([]byte{60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range userauthSamples() {
			if m.Unmarshal(b) != nil {
				continue
			}
			// A message that decodes re-encodes to the same bytes,
			// except for non-canonical booleans.
			again := m.Marshal(nil)
			if len(again) != len(b) {
				t.Fatalf("%T: re-encoded length %d, input %d", m, len(again), len(b))
			}
		}
		var r UserAuthRequest
		if r.Unmarshal(b) == nil {
			var pw PasswordBody
			_ = pw.Unmarshal(r.Body)
			var pk PublicKeyBody
			_ = pk.Unmarshal(r.Body)
			var ki KeyboardInteractiveBody
			_ = ki.Unmarshal(r.Body)
		}
		_ = UnmarshalUserAuthSuccess(b)
	})
}
