package keys

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
)

// TestRFC4716AndPEMInterop exports keys with ssh-keygen -e in every mode
// and parses them, compares our RFC 4716 output byte for byte with
// ssh-keygen's, and has ssh-keygen -i import what we write.
func TestRFC4716AndPEMInterop(t *testing.T) {
	kg := sshKeygen(t)
	dir := t.TempDir()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range keygenSpecs {
		kp := genKeygen(t, kg, dir, c.t, c.bits)
		pub := readPub(t, kp+".pub")
		line := strings.TrimSpace(string(MarshalAuthorizedKey(pub)))

		exported := runTool(t, nil, kg, "-e", "-f", kp+".pub")
		got, hdrs, err := ParseRFC4716PublicKey(exported)
		if err != nil || !Equal(got, pub) || len(hdrs) != 1 || hdrs[0].Tag != "Comment" {
			t.Fatalf("%s: parse ssh-keygen -e: %v %v", c.t, err, hdrs)
		}
		comment := fmt.Sprintf("%q", fmt.Sprintf("%d-bit %s, converted by %s@%s from OpenSSH", KeyBits(pub), KeyTypeLabel(pub), u.Username, host))
		ours := MarshalRFC4716PublicKey(pub, []RFC4716Header{{"Comment", comment}})
		if !bytes.Equal(ours, exported) {
			t.Errorf("%s: RFC 4716 differs:\n%s\n%s", c.t, ours, exported)
		}
		p := filepath.Join(dir, "x.rfc")
		os.WriteFile(p, ours, 0o600)
		if imp := strings.TrimSpace(string(runTool(t, nil, kg, "-i", "-f", p))); imp != line {
			t.Errorf("%s: ssh-keygen -i: %q want %q", c.t, imp, line)
		}

		if c.t == "ed25519" {
			if _, err := MarshalPKCS1PublicKey(pub); !errors.Is(err, ErrUnsupportedKeyType) {
				t.Errorf("%s: PKCS1 %v", c.t, err)
			}
			continue
		}
		for _, m := range []string{"PKCS8", "PEM"} {
			exp := runTool(t, nil, kg, "-e", "-m", m, "-f", kp+".pub")
			got, err := ParsePEMPublicKey(exp)
			if err != nil || !Equal(got, pub) {
				t.Errorf("%s %s: %v", c.t, m, err)
			}
			var ours []byte
			if m == "PEM" && c.t == "rsa" {
				ours, err = MarshalPKCS1PublicKey(pub)
			} else {
				ours, err = MarshalPKIXPublicKey(pub)
			}
			if err != nil || !bytes.Equal(ours, exp) {
				t.Errorf("%s %s: ours differ: %v\n%s\n%s", c.t, m, err, ours, exp)
			}
			os.WriteFile(p, ours, 0o600)
			im := m
			if !bytes.Contains(ours, []byte("RSA PUBLIC KEY")) {
				im = "PKCS8" // ssh-keygen -i -m PEM reads only PKCS #1
			}
			if imp := strings.TrimSpace(string(runTool(t, nil, kg, "-i", "-m", im, "-f", p))); imp != line {
				t.Errorf("%s %s: ssh-keygen -i: %q want %q", c.t, m, imp, line)
			}
		}
	}
}

// TestPEMPrivateWriteReadByKeygen writes PKCS #8 and PKCS #1/SEC 1 keys
// and has ssh-keygen -y derive the public key from them.
func TestPEMPrivateWriteReadByKeygen(t *testing.T) {
	kg := sshKeygen(t)
	dir := t.TempDir()
	for i, s := range testSigners(t) {
		want := strings.TrimSpace(string(MarshalAuthorizedKey(s.PublicKey())))
		for _, f := range []func(Signer) ([]byte, error){MarshalPKCS8PrivateKey, MarshalPEMPrivateKey} {
			data, err := f(s)
			if s.PublicKey().Type() == TypeED25519 && err != nil {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParsePrivateKey(data)
			if err != nil || !Equal(back.PublicKey(), s.PublicKey()) {
				t.Errorf("%d: read back: %v", i, err)
			}
			if s.PublicKey().Type() == TypeED25519 {
				continue // OpenSSH 9.2 cannot load Ed25519 PKCS #8 keys
			}
			p := filepath.Join(dir, fmt.Sprint("k", i))
			os.WriteFile(p, data, 0o600)
			if got := strings.TrimSpace(string(runTool(t, nil, kg, "-y", "-f", p))); got != want {
				t.Errorf("%d: ssh-keygen -y %q want %q", i, got, want)
			}
		}
	}
}

func TestRFC4716Continuation(t *testing.T) {
	pub := testSigners(t)[0].PublicKey()
	long := `"` + strings.Repeat("x", 150) + `"`
	out := MarshalRFC4716PublicKey(pub, []RFC4716Header{{"Comment", long}, {"x-Other", "v"}})
	for _, l := range strings.Split(string(out), "\n") {
		if len(l) > 72 {
			t.Errorf("line too long: %q", l)
		}
	}
	got, hdrs, err := ParseRFC4716PublicKey(out)
	if err != nil || !Equal(got, pub) || len(hdrs) != 2 || hdrs[0].Value != long || hdrs[1] != (RFC4716Header{"x-Other", "v"}) {
		t.Fatalf("round trip: %v %+v", err, hdrs)
	}
	for name, in := range map[string]string{
		"no begin": "AAAA",
		"no end":   rfc4716Begin + "\nAAAA\n",
		"bad b64":  rfc4716Begin + "\n!!\n" + rfc4716End,
		"dangling": rfc4716Begin + "\nComment: x\\",
	} {
		if _, _, err := ParseRFC4716PublicKey([]byte(in)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
