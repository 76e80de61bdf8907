package kex

import (
	"bytes"
	"crypto/mlkem"
	"crypto/sha1"
	"crypto/sha256"
	"math/big"
	"testing"

	"golang.org/x/crypto/curve25519"
)

// RFC 7748 §6.1 Diffie-Hellman test vector.
var (
	rfc7748AlicePriv = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
	rfc7748AlicePub  = unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
	rfc7748BobPriv   = unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
	rfc7748BobPub    = unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
	rfc7748Shared    = unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
)

// TestX25519ClientKAT drives the curve25519-sha256 client with Alice's
// private key as its randomness and a scripted reply carrying Bob's public
// key, then checks Q_C, K and H against values built by following RFC 8731
// §3 step by step.
func TestX25519ClientKAT(t *testing.T) {
	hostKey := []byte("test host key blob")
	sig := []byte("test signature blob")
	reply := []byte{31}
	reply = sshString(reply, hostKey)
	reply = sshString(reply, rfc7748BobPub)
	reply = sshString(reply, sig)
	sc := &scriptConn{replies: [][]byte{reply}}
	m := mustLookup(t, Curve25519SHA256)
	res, err := m.Client(sc, bytes.NewReader(rfc7748AlicePriv), testMagics())
	if err != nil {
		t.Fatal(err)
	}
	wantInit := sshString([]byte{30}, rfc7748AlicePub)
	if len(sc.sent) != 1 || !bytes.Equal(sc.sent[0], wantInit) {
		t.Fatalf("client sent %x, want %x", sc.sent, wantInit)
	}
	// RFC 8731 §3.1: the 32 output bytes read as a big-endian integer, as
	// an mpint. Its top bit (0x4a) is clear, so no sign byte.
	wantK := sshString(nil, rfc7748Shared)
	if !bytes.Equal(res.K, wantK) {
		t.Fatalf("K = %x, want %x", res.K, wantK)
	}
	in := magicsPrefix(testMagics(), hostKey)
	in = sshString(in, rfc7748AlicePub)
	in = sshString(in, rfc7748BobPub)
	in = append(in, wantK...)
	wantH := sha256.Sum256(in)
	if !bytes.Equal(res.H, wantH[:]) {
		t.Fatalf("H = %x, want %x", res.H, wantH)
	}
	if !bytes.Equal(res.HostKey, hostKey) || !bytes.Equal(res.Signature, sig) {
		t.Fatal("host key or signature not passed through")
	}
}

// TestX25519ServerKAT runs the server with Bob's private key.
func TestX25519ServerKAT(t *testing.T) {
	sc := &scriptConn{replies: [][]byte{sshString([]byte{30}, rfc7748AlicePub)}}
	m := mustLookup(t, Curve25519SHA256LibSSH)
	hk := newTestHostKey()
	res, err := m.Server(sc, bytes.NewReader(rfc7748BobPriv), testMagics(), hk)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.K, sshString(nil, rfc7748Shared)) {
		t.Fatalf("K = %x", res.K)
	}
	parts := splitStrings(t, sc.sent[0][1:])
	if sc.sent[0][0] != 31 || len(parts) != 3 || !bytes.Equal(parts[1], rfc7748BobPub) {
		t.Fatal("server reply does not carry Bob's public key")
	}
	verifyHostSig(t, parts[0], parts[2], res.H)
}

// TestX25519ScalarMultKAT runs the RFC 7748 §5.2 single-multiplication
// vectors through the server path: the scalar is the server's randomness
// and the u-coordinate is the client's public value.
func TestX25519ScalarMultKAT(t *testing.T) {
	vectors := []struct{ scalar, u, out string }{
		{"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
			"e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
			"c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
		{"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
			"e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
			"95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
	}
	for _, v := range vectors {
		_, k, err := curve25519Agreement{}.serverReply(bytes.NewReader(unhex(v.scalar)), unhex(v.u))
		if err != nil {
			t.Fatal(err)
		}
		if want := sshMpint(nil, unhex(v.out)); !bytes.Equal(k, want) {
			t.Errorf("K = %x, want %x", k, want)
		}
	}
}

// TestX25519LeadingZeroK checks the mpint conversion of an X25519 output
// whose first byte is zero: the byte is dropped (RFC 8731 §3.1).
func TestX25519LeadingZeroK(t *testing.T) {
	for i := 0; i < 100000; i++ {
		var priv [32]byte
		priv[0], priv[1], priv[2] = byte(i), byte(i>>8), byte(i>>16)
		pub, _ := curve25519.X25519(priv[:], curve25519.Basepoint)
		ss, _ := curve25519.X25519(rfc7748BobPriv, pub)
		if ss[0] != 0 || ss[1] < 0x80 {
			continue
		}
		_, k, err := curve25519Agreement{}.serverReply(bytes.NewReader(rfc7748BobPriv), pub)
		if err != nil {
			t.Fatal(err)
		}
		// 00 00 00 20, 00, ss[1:]: length 32 with the sign byte.
		want := append([]byte{0, 0, 0, 32, 0}, ss[1:]...)
		if !bytes.Equal(k, want) {
			t.Fatalf("K = %x, want %x", k, want)
		}
		return
	}
	t.Fatal("no output with a leading zero found")
}

// TestDHGroup14KAT drives diffie-hellman-group14-sha1 with a known 256-bit
// exponent and checks e, K and H against RFC 4253 §8 computed here.
func TestDHGroup14KAT(t *testing.T) {
	x := unhex("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	y := big.NewInt(0xdeadbeef)
	p, g := groupMODP14.P, big.NewInt(2)
	e := new(big.Int).Exp(g, new(big.Int).SetBytes(x), p)
	f := new(big.Int).Exp(g, y, p)
	k := new(big.Int).Exp(f, new(big.Int).SetBytes(x), p)

	hostKey := []byte("K_S")
	reply := []byte{31}
	reply = sshString(reply, hostKey)
	reply = sshMpint(reply, f.Bytes())
	reply = sshString(reply, []byte("sig"))
	sc := &scriptConn{replies: [][]byte{reply}}
	res, err := mustLookup(t, DHGroup14SHA1).Client(sc, bytes.NewReader(x), testMagics())
	if err != nil {
		t.Fatal(err)
	}
	if want := sshMpint([]byte{30}, e.Bytes()); !bytes.Equal(sc.sent[0], want) {
		t.Fatal("client e is not g^x mod p")
	}
	wantK := sshMpint(nil, k.Bytes())
	if !bytes.Equal(res.K, wantK) {
		t.Fatal("K is not f^x mod p")
	}
	in := magicsPrefix(testMagics(), hostKey)
	in = sshMpint(in, e.Bytes())
	in = sshMpint(in, f.Bytes())
	in = append(in, wantK...)
	wantH := sha1.Sum(in)
	if !bytes.Equal(res.H, wantH[:]) {
		t.Fatal("H does not follow RFC 4253 §8")
	}
}

// TestMLKEMClientKAT drives the hybrid client with a fixed seed and X25519
// scalar, plays the server by hand with crypto/mlkem and x/crypto's X25519,
// and checks C_INIT, K and H against the draft's definitions.
func TestMLKEMClientKAT(t *testing.T) {
	seed := bytes.Repeat([]byte{0x42}, mlkem.SeedSize)
	cScalar := bytes.Repeat([]byte{0x17}, 32)
	sScalar := bytes.Repeat([]byte{0x29}, 32)
	dk, err := mlkem.NewDecapsulationKey768(seed)
	if err != nil {
		t.Fatal(err)
	}
	cPub, _ := curve25519.X25519(cScalar, curve25519.Basepoint)
	sPub, _ := curve25519.X25519(sScalar, curve25519.Basepoint)
	wantInit := append(dk.EncapsulationKey().Bytes(), cPub...)
	ssPQ, ct := dk.EncapsulationKey().Encapsulate()
	ssCL, _ := curve25519.X25519(sScalar, cPub)
	sReply := append(bytes.Clone(ct), sPub...)
	rawK := sha256.Sum256(append(bytes.Clone(ssPQ), ssCL...))
	wantK := sshString(nil, rawK[:])

	hostKey := []byte("K_S")
	reply := []byte{31}
	reply = sshString(reply, hostKey)
	reply = sshString(reply, sReply)
	reply = sshString(reply, []byte("sig"))
	sc := &scriptConn{replies: [][]byte{reply}}
	rnd := bytes.NewReader(append(bytes.Clone(seed), cScalar...))
	res, err := mustLookup(t, MLKEM768X25519SHA256).Client(sc, rnd, testMagics())
	if err != nil {
		t.Fatal(err)
	}
	if len(wantInit) != 1216 || len(sReply) != 1120 {
		t.Fatal("sizes differ from the draft")
	}
	if !bytes.Equal(sc.sent[0], sshString([]byte{30}, wantInit)) {
		t.Fatal("C_INIT differs")
	}
	if !bytes.Equal(res.K, wantK) {
		t.Fatalf("K = %x, want %x", res.K, wantK)
	}
	in := magicsPrefix(testMagics(), hostKey)
	in = sshString(in, wantInit)
	in = sshString(in, sReply)
	in = append(in, wantK...)
	wantH := sha256.Sum256(in)
	if !bytes.Equal(res.H, wantH[:]) {
		t.Fatal("H differs")
	}
}

// TestMLKEMServerKAT plays the client by hand and checks the server's K.
func TestMLKEMServerKAT(t *testing.T) {
	dk, _ := mlkem.NewDecapsulationKey768(bytes.Repeat([]byte{1}, 64))
	cScalar := bytes.Repeat([]byte{2}, 32)
	cPub, _ := curve25519.X25519(cScalar, curve25519.Basepoint)
	sScalar := bytes.Repeat([]byte{3}, 32)
	sc := &scriptConn{replies: [][]byte{sshString([]byte{30}, append(dk.EncapsulationKey().Bytes(), cPub...))}}
	res, err := mustLookup(t, MLKEM768X25519SHA256).Server(sc, bytes.NewReader(sScalar), testMagics(), newTestHostKey())
	if err != nil {
		t.Fatal(err)
	}
	parts := splitStrings(t, sc.sent[0][1:])
	sReply := parts[1]
	sPub, _ := curve25519.X25519(sScalar, curve25519.Basepoint)
	if !bytes.Equal(sReply[1088:], sPub) {
		t.Fatal("S_REPLY does not end in the server's X25519 key")
	}
	ssPQ, err := dk.Decapsulate(sReply[:1088])
	if err != nil {
		t.Fatal(err)
	}
	ssCL, _ := curve25519.X25519(cScalar, sPub)
	rawK := sha256.Sum256(append(ssPQ, ssCL...))
	if !bytes.Equal(res.K, sshString(nil, rawK[:])) {
		t.Fatal("server K differs")
	}
	verifyHostSig(t, parts[0], parts[2], res.H)
}

// TestGroupsMatchFormula re-derives every built-in group from its
// definition, p = 2^n - 2^(n-64) - 1 + 2^64 * (floor(2^(n-130) pi) + k)
// (RFC 2409 §6.2, RFC 3526), with pi computed here by Machin's formula.
func TestGroupsMatchFormula(t *testing.T) {
	cases := []struct {
		g    *Group
		n, k int64
	}{
		{groupOakley2, 1024, 129093},
		{groupMODP14, 2048, 124476},
		{groupMODP15, 3072, 1690314},
		{groupMODP16, 4096, 240904},
		{groupMODP17, 6144, 929484},
		{groupMODP18, 8192, 4743158},
	}
	for _, c := range cases {
		pi := piFixed(uint(c.n - 130))
		p := new(big.Int).Lsh(bigOne, uint(c.n))
		p.Sub(p, new(big.Int).Lsh(bigOne, uint(c.n-64)))
		p.Sub(p, bigOne)
		p.Add(p, new(big.Int).Lsh(pi.Add(pi, big.NewInt(c.k)), 64))
		if p.Cmp(c.g.P) != 0 || c.g.G.Int64() != 2 {
			t.Errorf("%d-bit group does not match its formula", c.n)
		}
	}
}

// piFixed returns floor(pi * 2^bits) via pi = 16 atan(1/5) - 4 atan(1/239),
// computed with 64 guard bits.
func piFixed(bits uint) *big.Int {
	one := new(big.Int).Lsh(bigOne, bits+64)
	atanInv := func(x int64) *big.Int {
		xx := big.NewInt(x)
		x2 := big.NewInt(x * x)
		term := new(big.Int).Quo(one, xx)
		sum := new(big.Int).Set(term)
		for n := int64(1); term.Sign() != 0; n++ {
			term.Quo(term, x2)
			q := new(big.Int).Quo(term, big.NewInt(2*n+1))
			if n%2 == 1 {
				sum.Sub(sum, q)
			} else {
				sum.Add(sum, q)
			}
		}
		return sum
	}
	pi := new(big.Int).Mul(atanInv(5), big.NewInt(16))
	pi.Sub(pi, new(big.Int).Mul(atanInv(239), big.NewInt(4)))
	return pi.Rsh(pi, 64)
}

// TestGroupsAreSafePrimes checks p and (p-1)/2 for primality on the groups
// small enough to do quickly.
func TestGroupsAreSafePrimes(t *testing.T) {
	for _, g := range []*Group{groupOakley2, groupMODP14, groupMODP15} {
		q := new(big.Int).Rsh(g.P, 1)
		if !g.P.ProbablyPrime(2) || !q.ProbablyPrime(2) {
			t.Errorf("%d-bit group is not a safe prime", g.Bits())
		}
	}
}
