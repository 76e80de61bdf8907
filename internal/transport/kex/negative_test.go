package kex

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"math/big"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
)

// serverWith runs a method's server on one client message.
func serverWith(t *testing.T, name string, msg []byte) ([][]byte, error) {
	t.Helper()
	sc := &scriptConn{replies: [][]byte{msg}}
	_, err := mustLookup(t, name).Server(sc, rand.Reader, testMagics(), newTestHostKey())
	return sc.sent, err
}

// clientWith runs a method's client against one server message.
func clientWith(t *testing.T, name string, msg []byte) error {
	t.Helper()
	sc := &scriptConn{replies: [][]byte{msg}}
	_, err := mustLookup(t, name).Client(sc, rand.Reader, testMagics())
	return err
}

func replyWith(pub []byte, mpint bool) []byte {
	b := sshString([]byte{31}, []byte("K_S"))
	if mpint {
		b = sshMpint(b, pub)
	} else {
		b = sshString(b, pub)
	}
	return sshString(b, []byte("sig"))
}

func TestDHRejectsPublicValues(t *testing.T) {
	for _, name := range []string{DHGroup14SHA256, DHGroup16SHA512, DHGroup1SHA1} {
		m, _ := Lookup(name)
		p := m.(oneRound).a.(dhAgreement).group.P
		bad := map[string][]byte{
			"0":     nil,
			"1":     {1},
			"p-1":   new(big.Int).Sub(p, bigOne).Bytes(),
			"p":     p.Bytes(),
			"p+1":   new(big.Int).Add(p, bigOne).Bytes(),
			"2^n+5": new(big.Int).Add(new(big.Int).Lsh(bigOne, uint(p.BitLen()+64)), big.NewInt(5)).Bytes(),
		}
		for what, v := range bad {
			sent, err := serverWith(t, name, sshMpint([]byte{30}, v))
			wantErr(t, err, ErrInvalidPublicValue)
			if len(sent) != 0 {
				t.Errorf("%s e=%s: server replied", name, what)
			}
			wantErr(t, clientWith(t, name, replyWith(v, true)), ErrInvalidPublicValue)
		}
		// A negative mpint.
		_, err := serverWith(t, name, sshString([]byte{30}, []byte{0xff, 0x01}))
		wantErr(t, err, ErrInvalidPublicValue)
		// A non-minimal mpint is malformed.
		_, err = serverWith(t, name, sshString([]byte{30}, []byte{0, 0x05}))
		wantErr(t, err, wire.ErrMalformed)
	}
}

func TestX25519RejectsPublicValues(t *testing.T) {
	zeroOrder := make([]byte, 32)
	one := make([]byte, 32)
	one[0] = 1
	// A point of order 8 (RFC 7748 §6.1 says such inputs give all zeros).
	order8 := unhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")
	for _, pub := range [][]byte{nil, make([]byte, 31), make([]byte, 33), zeroOrder, one, order8} {
		for _, name := range []string{Curve25519SHA256, Curve25519SHA256LibSSH} {
			sent, err := serverWith(t, name, sshString([]byte{30}, pub))
			wantErr(t, err, ErrInvalidPublicValue)
			if len(sent) != 0 {
				t.Error("server replied")
			}
			wantErr(t, clientWith(t, name, replyWith(pub, false)), ErrInvalidPublicValue)
		}
	}
}

func TestECDHRejectsPublicValues(t *testing.T) {
	for _, name := range []string{ECDHSHA2NISTP256, ECDHSHA2NISTP384, ECDHSHA2NISTP521} {
		a := mustLookup(t, name).(oneRound).a.(nistAgreement)
		k, _ := a.curve.GenerateKey(rand.Reader)
		good := k.PublicKey().Bytes()
		offCurve := bytes.Clone(good)
		offCurve[len(offCurve)-1] ^= 1
		compressed := append([]byte{2 + good[len(good)-1]&1}, good[1:1+a.scalarLen]...)
		// x = p (field prime, out of range): 0xff... is above every
		// field prime here.
		outOfRange := append([]byte{4}, bytes.Repeat([]byte{0xff}, len(good)-1)...)
		for what, pub := range map[string][]byte{
			"empty": nil, "infinity": {0}, "off curve": offCurve, "compressed": compressed,
			"short": good[:len(good)-1], "long": append(bytes.Clone(good), 0), "out of range": outOfRange,
		} {
			sent, err := serverWith(t, name, sshString([]byte{30}, pub))
			if !errors.Is(err, ErrInvalidPublicValue) || len(sent) != 0 {
				t.Errorf("%s %s: server: %v", name, what, err)
			}
			if err := clientWith(t, name, replyWith(pub, false)); !errors.Is(err, ErrInvalidPublicValue) {
				t.Errorf("%s %s: client: %v", name, what, err)
			}
		}
		if _, err := ecdh.P256().NewPublicKey(good); name == ECDHSHA2NISTP256 && err != nil {
			t.Fatal("test key is bad")
		}
	}
}

func TestMLKEMRejects(t *testing.T) {
	x, _ := ecdh.X25519().GenerateKey(rand.Reader)
	xpub := x.PublicKey().Bytes()
	dk, _, _ := (mlkemAgreement{}).clientInit(rand.Reader)
	ek := dk[:1184]
	// Encapsulation key whose first coefficient is 0xfff ≥ q = 3329.
	badEK := bytes.Clone(ek)
	badEK[0], badEK[1] = 0xff, badEK[1]|0x0f
	for what, init := range map[string][]byte{
		"short":        dk[:1215],
		"long":         append(bytes.Clone(dk), 0),
		"empty":        nil,
		"bad ek":       append(badEK, xpub...),
		"zero x25519":  append(bytes.Clone(ek), make([]byte, 32)...),
		"ek only":      ek,
		"x25519 first": append(bytes.Clone(xpub), ek...),
	} {
		sent, err := serverWith(t, MLKEM768X25519SHA256, sshString([]byte{30}, init))
		if !errors.Is(err, ErrInvalidPublicValue) || len(sent) != 0 {
			t.Errorf("%s: %v", what, err)
		}
	}
	ct := make([]byte, 1088)
	for what, reply := range map[string][]byte{
		"short ciphertext": append(ct[:1087], xpub...),
		"long ciphertext":  append(append(bytes.Clone(ct), 0), xpub...),
		"empty":            nil,
		"zero x25519":      make([]byte, 1120),
	} {
		if err := clientWith(t, MLKEM768X25519SHA256, replyWith(reply, false)); !errors.Is(err, ErrInvalidPublicValue) {
			t.Errorf("%s: %v", what, err)
		}
	}
}

// TestWrongMessages sends each method a message of the wrong number, an
// empty packet, trailing bytes and truncations.
func TestWrongMessages(t *testing.T) {
	for _, name := range allNames() {
		t.Run(name, func(t *testing.T) {
			// Real messages, recorded from a good run.
			_, _, clog, slog, cerr, serr := runPair(mustLookup(t, name), rand.Reader, rand.Reader)
			if cerr != nil || serr != nil {
				t.Fatal(cerr, serr)
			}
			first := clog[0] // the client's first message
			for _, n := range []byte{1, 2, 20, 21, 31, 32, 33, 35, 50} {
				if n == first[0] || (name == DHGEXSHA256 || name == DHGEXSHA1) && n == 30 {
					continue
				}
				m := append([]byte{n}, first[1:]...)
				_, err := serverWith(t, name, m)
				wantErr(t, err, ErrUnexpectedMessage)
			}
			_, err := serverWith(t, name, []byte{})
			wantErr(t, err, wire.ErrMalformed)
			_, err = serverWith(t, name, append(bytes.Clone(first), 0))
			wantErr(t, err, wire.ErrMalformed)
			_, err = serverWith(t, name, first[:len(first)-1])
			if err == nil {
				t.Error("server accepted a truncated message")
			}

			// Client: replace the server's first reply.
			rep := slog[0]
			for _, n := range []byte{20, 21, 30, 32, 34, 50} {
				if n == rep[0] {
					continue
				}
				err := clientWith(t, name, append([]byte{n}, rep[1:]...))
				wantErr(t, err, ErrUnexpectedMessage)
			}
			wantErr(t, clientWith(t, name, append(bytes.Clone(rep), 0)), wire.ErrMalformed)
			if clientWith(t, name, rep[:len(rep)-1]) == nil {
				t.Error("client accepted a truncated message")
			}
		})
	}
}

// TestPeerGone checks that a closed connection is reported, not hung on.
func TestPeerGone(t *testing.T) {
	for _, name := range allNames() {
		m := mustLookup(t, name)
		if _, err := m.Client(&scriptConn{}, rand.Reader, testMagics()); err == nil {
			t.Errorf("%s: client succeeded with no peer", name)
		}
		if _, err := m.Server(&scriptConn{}, rand.Reader, testMagics(), newTestHostKey()); err == nil {
			t.Errorf("%s: server succeeded with no peer", name)
		}
		if _, err := m.Client(&scriptConn{}, rand.Reader, nil); err == nil {
			t.Errorf("%s: client accepted nil Magics", name)
		}
	}
}
