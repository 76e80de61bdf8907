package keys

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// Vectors computed with the independent implementation in Python's bcrypt
// package (bcrypt.kdf, version 3.2.2, the OpenBSD algorithm), covering one
// and several output blocks, output lengths that do not divide evenly, and
// binary passwords and salts.
var bcryptPBKDFVectors = []struct {
	pass, salt string
	keyLen     int
	rounds     int
	want       string
}{
	{"password", "salt", 32, 4, "5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9"},
	{"password", "salt", 48, 16, "c339d704ec235f27690d3f12167c05a55bf86d572f270adbf9fe04c379da5f8c7942a939245dbb39ebe26fc2bd19b88b"},
	{"\x00\x00\x00", "\x00\x00\x00\x00", 64, 8, "b8bde15c77e92f8cbce178e0bb08164b5f0d9d6a3c6f9a19529aca7d748ab42bf07ff4b968f0f2141474a8d9d13aa854c961ec6cb863b35bbf8613e6fc7d8630"},
	{"passphrase", "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 48, 16, "212a897561db3c99cded2c61bed3e0afda49b5d2cc2453ca8c6ef02e6270d367d82c8be676955dedaddd1a8e4fc1b682"},
	{"x", "y", 1, 1, "8f"},
	{"pw", "NaCl", 100, 2, "9cf04ea33aee4d09b3f7c68442e513ccf5b5b2e2149c09b2681633ec9c19d06b6eb01a0adcbf025ac07137d0eee4d198b8bb5f66cf321844780d4ac6a240d361efe4e44438080bb095f98c52207ca53b2e08bf7b0c309719c9097b470f73a1d8e578d0b3"},
}

func TestBcryptPBKDF(t *testing.T) {
	for _, v := range bcryptPBKDFVectors {
		got, err := bcryptPBKDF([]byte(v.pass), []byte(v.salt), v.rounds, v.keyLen)
		if err != nil {
			t.Fatalf("%q/%q: %v", v.pass, v.salt, err)
		}
		want, _ := hex.DecodeString(v.want)
		if !bytes.Equal(got, want) {
			t.Errorf("bcryptPBKDF(%q, %q, %d, %d) = %x, want %x", v.pass, v.salt, v.rounds, v.keyLen, got, want)
		}
	}
}

func TestBcryptPBKDFBadParams(t *testing.T) {
	for _, c := range []struct {
		pass, salt   string
		rounds, klen int
	}{
		{"", "salt", 1, 32}, {"p", "", 1, 32}, {"p", "s", 0, 32}, {"p", "s", 1, 0}, {"p", "s", 1, 1025},
	} {
		if _, err := bcryptPBKDF([]byte(c.pass), []byte(c.salt), c.rounds, c.klen); err == nil {
			t.Errorf("bcryptPBKDF(%+v) succeeded", c)
		}
	}
}

func BenchmarkBcryptPBKDF16(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := bcryptPBKDF([]byte("passphrase"), []byte("0123456789abcdef"), 16, 48); err != nil {
			b.Fatal(err)
		}
	}
}
