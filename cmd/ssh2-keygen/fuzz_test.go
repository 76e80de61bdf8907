package main

import (
	"testing"
	"time"

	"github.com/ssh2go/ssh2/keys"
)

func FuzzParseValidity(f *testing.F) {
	for _, s := range []string{"+52w", "-1d:+1w", "20260101:20270101", "always:forever", "20260101123000Z:+1h30m"} {
		f.Add(s)
	}
	now := time.Unix(1800000000, 0)
	f.Fuzz(func(t *testing.T, spec string) {
		from, to, err := parseValidity(spec, now)
		if err == nil && to <= from {
			t.Fatalf("%q: empty interval %d..%d accepted", spec, from, to)
		}
	})
}

func FuzzAllowedSigners(f *testing.F) {
	s, err := keys.GenerateEd25519(nil)
	if err != nil {
		f.Fatal(err)
	}
	line := "a@b,*.x namespaces=\"file\" " + string(keys.MarshalAuthorizedKey(s.PublicKey()))
	f.Add([]byte(line), "a@b", "file")
	f.Add([]byte("\"q id\" cert-authority "+string(keys.MarshalAuthorizedKey(s.PublicKey()))), "q id", "git")
	f.Fuzz(func(t *testing.T, data []byte, identity, ns string) {
		_ = allowedSignerMatch(data, identity, ns, s.PublicKey(), time.Unix(1800000000, 0))
		_ = matchPatternList(identity, ns)
	})
}
