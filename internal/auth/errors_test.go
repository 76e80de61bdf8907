package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
)

func TestErrorStrings(t *testing.T) {
	inner := errors.New("agent refused")
	ae := &AuthError{Tried: []string{"none", "publickey"}, Remaining: []string{"password"}, PartialSuccess: true, Errors: []error{inner}}
	want := "auth: unable to authenticate, attempted methods [none publickey], server allows [password] after partial success; agent refused"
	if ae.Error() != want || !errors.Is(ae, inner) {
		t.Fatalf("%q", ae.Error())
	}
	de := &DisconnectError{Reason: 14, Message: "too many", Err: ErrTooManyAuthFailures}
	if de.Error() != "auth: disconnect (reason 14): too many" || !errors.Is(de, ErrTooManyAuthFailures) {
		t.Fatalf("%q", de.Error())
	}
}

func TestNoneMethodListed(t *testing.T) {
	cerr, res, serr := runPair(t, &ClientConfig{User: "u", Methods: []Method{None(), Password(staticPassword("secret"))}},
		&ServerConfig{PasswordCallback: func(context.Context, *PasswordRequest) Decision { return Accept() }})
	if cerr != nil || serr != nil || res.Methods()[0] != "password" {
		t.Fatalf("%v %v %+v", cerr, serr, res)
	}
	var ae *AuthError
	cerr, _, _ = runPair(t, &ClientConfig{User: "u", Methods: []Method{None()}},
		&ServerConfig{PasswordCallback: func(context.Context, *PasswordRequest) Decision { return Accept() }})
	if !errors.As(cerr, &ae) || strings.Join(ae.Tried, ",") != "none" {
		t.Fatalf("%v", cerr)
	}
}

func TestServerIgnoresExtInfoAndMalformedDisconnect(t *testing.T) {
	h := startServer(t, context.Background(), &ServerConfig{NoneCallback: func(context.Context, *Attempt) Decision { return Accept() }})
	h.c.mustWrite(t, (&wire.ExtInfo{}).Marshal(nil))
	h.begin()
	h.c.mustWrite(t, []byte{wire.MsgDisconnect, 1})
	if _, err := h.wait(); !errors.Is(err, ErrPeerDisconnected) {
		t.Fatalf("got %v", err)
	}
}

func TestChallengeLimits(t *testing.T) {
	var errs []error
	h := startServer(t, context.Background(), &ServerConfig{
		KeyboardInteractiveCallback: func(ctx context.Context, r *KeyboardInteractiveRequest, ch Challenge) Decision {
			switch r.Submethods {
			case "prompts":
				_, err := ch("", "", make([]Prompt, MaxPrompts+1))
				errs = append(errs, err)
			case "rounds":
				for i := 0; i <= maxKIRounds; i++ {
					if _, err := ch("", "", nil); err != nil {
						errs = append(errs, err)
						break
					}
				}
			case "answer":
				_, err := ch("", "", []Prompt{{Text: "x"}})
				errs = append(errs, err)
			}
			return Accept() // ignored: a round failed
		},
	})
	h.begin()
	req := func(sub string) {
		h.c.mustWrite(t, userauthRequest("u", "keyboard-interactive", (&wire.KeyboardInteractiveBody{Submethods: sub}).Append(nil)))
	}
	req("prompts")
	h.expectFailure()
	req("rounds")
	for i := 0; i < maxKIRounds; i++ {
		h.c.mustRead(t)
		h.c.mustWrite(t, (&wire.UserAuthInfoResponse{}).Marshal(nil))
	}
	h.expectFailure()
	req("answer")
	h.c.mustRead(t)
	h.c.mustWrite(t, (&wire.UserAuthInfoResponse{Responses: []string{strings.Repeat("a", maxResponseLen+1)}}).Marshal(nil))
	h.expectFailure()
	if len(errs) != 3 {
		t.Fatalf("errors %v", errs)
	}
	for _, err := range errs {
		if err == nil {
			t.Fatal("limit not enforced")
		}
	}
}
