package keys

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// TestArgon2dRFC9106 checks argon2dKey against the Argon2d test vector of
// RFC 9106 §5.1, which exercises four lanes, three passes, a secret and
// associated data.
func TestArgon2dRFC9106(t *testing.T) {
	password := bytes.Repeat([]byte{0x01}, 32)
	salt := bytes.Repeat([]byte{0x02}, 16)
	secret := bytes.Repeat([]byte{0x03}, 8)
	data := bytes.Repeat([]byte{0x04}, 12)
	got := argon2dKey(password, salt, secret, data, 3, 32, 4, 32)
	want := "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb"
	if hex.EncodeToString(got) != want {
		t.Fatalf("Argon2d tag %x, want %s", got, want)
	}
}
