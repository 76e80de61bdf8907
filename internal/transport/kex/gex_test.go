package kex

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"math/big"
	"testing"
)

// TestGEXClientHashIndependent scripts a server that offers MODP group 15
// and checks the request bytes, e, K and H of RFC 4419 §3.
func TestGEXClientHashIndependent(t *testing.T) {
	x := bytes.Repeat([]byte{0x5a}, 40) // 320-bit exponent for a 3072-bit group
	y := big.NewInt(123456789)
	p, g := groupMODP15.P, big.NewInt(2)
	e := new(big.Int).Exp(g, new(big.Int).SetBytes(x), p)
	f := new(big.Int).Exp(g, y, p)
	k := new(big.Int).Exp(f, new(big.Int).SetBytes(x), p)

	groupMsg := sshMpint([]byte{31}, p.Bytes())
	groupMsg = sshMpint(groupMsg, g.Bytes())
	hostKey := []byte("K_S")
	reply := sshString([]byte{33}, hostKey)
	reply = sshMpint(reply, f.Bytes())
	reply = sshString(reply, []byte("sig"))
	sc := &scriptConn{replies: [][]byte{groupMsg, reply}}
	res, err := (&GroupExchange{}).Client(sc, bytes.NewReader(x), testMagics())
	if err != nil {
		t.Fatal(err)
	}
	wantReq := sshUint32(sshUint32(sshUint32([]byte{34}, 2048), 3072), 8192)
	if len(sc.sent) != 2 || !bytes.Equal(sc.sent[0], wantReq) {
		t.Fatalf("request %x, want %x", sc.sent[0], wantReq)
	}
	if !bytes.Equal(sc.sent[1], sshMpint([]byte{32}, e.Bytes())) {
		t.Fatal("e differs")
	}
	wantK := sshMpint(nil, k.Bytes())
	if !bytes.Equal(res.K, wantK) || res.Hash != crypto.SHA256 {
		t.Fatal("K or hash differs")
	}
	in := magicsPrefix(testMagics(), hostKey)
	in = sshUint32(sshUint32(sshUint32(in, 2048), 3072), 8192)
	in = sshMpint(in, p.Bytes())
	in = sshMpint(in, g.Bytes())
	in = sshMpint(in, e.Bytes())
	in = sshMpint(in, f.Bytes())
	in = append(in, wantK...)
	wantH := sha256.Sum256(in)
	if !bytes.Equal(res.H, wantH[:]) {
		t.Fatal("H does not follow RFC 4419 §3")
	}
}

// TestGEXServerOldRequest sends SSH_MSG_KEX_DH_GEX_REQUEST_OLD and checks
// that H hashes n alone.
func TestGEXServerOldRequest(t *testing.T) {
	yb := bytes.Repeat([]byte{0x33}, 32)
	xb := big.NewInt(987654321)
	p := groupMODP14.P
	e := new(big.Int).Exp(big.NewInt(2), xb, p)
	sc := &scriptConn{replies: [][]byte{sshUint32([]byte{30}, 1024), sshMpint([]byte{32}, e.Bytes())}}
	res, err := (&GroupExchange{}).Server(sc, bytes.NewReader(yb), testMagics(), newTestHostKey())
	if err != nil {
		t.Fatal(err)
	}
	wantGroup := sshMpint(sshMpint([]byte{31}, p.Bytes()), []byte{2})
	if !bytes.Equal(sc.sent[0], wantGroup) {
		t.Fatal("server did not offer the 2048-bit group for n=1024")
	}
	f := new(big.Int).Exp(big.NewInt(2), new(big.Int).SetBytes(yb), p)
	k := new(big.Int).Exp(e, new(big.Int).SetBytes(yb), p)
	parts := splitStrings(t, sc.sent[1][1:])
	if !bytes.Equal(parts[1], f.Bytes()) && !bytes.Equal(parts[1], append([]byte{0}, f.Bytes()...)) {
		t.Fatal("f differs")
	}
	in := magicsPrefix(testMagics(), newTestHostKey().PublicKey())
	in = sshUint32(in, 1024)
	in = sshMpint(in, p.Bytes())
	in = sshMpint(in, []byte{2})
	in = sshMpint(in, e.Bytes())
	in = sshMpint(in, f.Bytes())
	in = sshMpint(in, k.Bytes())
	wantH := sha256.Sum256(in)
	if !bytes.Equal(res.H, wantH[:]) {
		t.Fatal("H differs")
	}
	verifyHostSig(t, parts[0], parts[2], res.H)
}

func TestGEXChooseGroup(t *testing.T) {
	cases := []struct {
		min, n, max uint32
		want        int // bits, 0 for ErrNoGroup
	}{
		{2048, 3072, 8192, 3072},
		{2048, 2048, 8192, 2048},
		{1024, 1024, 8192, 2048},
		{2048, 3500, 8192, 4096},
		{2048, 8192, 8192, 8192},
		{2048, 9000, 16384, 8192}, // none ≥ n: the largest that fits
		{4097, 5000, 6000, 0},     // nothing between 4097 and 6000 bits
		{1024, 1024, 1536, 0},     // below the server floor
		{4096, 3072, 8192, 0},     // min > n
		{2048, 8192, 4096, 0},     // n > max
		{6144, 6144, 6144, 6144},
	}
	for _, c := range cases {
		g, err := chooseGroup(nil, rand.Reader, c.min, c.n, c.max)
		if c.want == 0 {
			wantErr(t, err, ErrNoGroup)
			continue
		}
		if err != nil || g.Bits() != c.want {
			t.Errorf("(%d,%d,%d): got %v, %v; want %d bits", c.min, c.n, c.max, g, err, c.want)
		}
	}
	// Random choice among equal sizes; small groups are never offered.
	groups := []Group{*groupOakley2, *groupMODP14, {P: groupMODP14.P, G: big.NewInt(5)}, {}}
	seen := map[int64]bool{}
	for i := 0; i < 64; i++ {
		g, err := chooseGroup(groups, rand.Reader, 1024, 1024, 8192)
		if err != nil || g.Bits() != 2048 {
			t.Fatal(g, err)
		}
		seen[g.G.Int64()] = true
	}
	if !seen[2] || !seen[5] {
		t.Error("choice among equal-sized groups is not random")
	}
}

func TestGEXClientConfig(t *testing.T) {
	for _, gx := range []*GroupExchange{
		{Min: 512},
		{Max: 32768},
		{Min: 4096, Max: 2048},
	} {
		_, err := gx.Client(&scriptConn{}, rand.Reader, testMagics())
		wantErr(t, err, ErrConfig)
	}
	// Preferred is clamped into [Min, Max].
	sc := &scriptConn{}
	(&GroupExchange{Min: 3072, Preferred: 1, Max: 4096}).Client(sc, rand.Reader, testMagics())
	if want := sshUint32(sshUint32(sshUint32([]byte{34}, 3072), 3072), 4096); !bytes.Equal(sc.sent[0], want) {
		t.Fatalf("request %x", sc.sent[0])
	}
}

// TestGEXClientRejectsGroups feeds bad groups to the client.
func TestGEXClientRejectsGroups(t *testing.T) {
	p14 := groupMODP14.P
	p18 := groupMODP18.P
	even := new(big.Int).Add(p14, bigOne)
	composite := new(big.Int).Mul(groupOakley2.P, groupOakley2.P) // odd, 2048 bits
	pm1 := new(big.Int).Sub(p14, bigOne)
	cases := []struct {
		name string
		gx   GroupExchange
		p, g []byte
	}{
		{"too small", GroupExchange{}, groupOakley2.P.Bytes(), []byte{2}},
		{"too large", GroupExchange{Max: 4096}, p18.Bytes(), []byte{2}},
		{"even", GroupExchange{}, even.Bytes(), []byte{2}},
		{"composite", GroupExchange{}, composite.Bytes(), []byte{2}},
		{"g=0", GroupExchange{}, p14.Bytes(), nil},
		{"g=1", GroupExchange{}, p14.Bytes(), []byte{1}},
		{"g=p-1", GroupExchange{}, p14.Bytes(), pm1.Bytes()},
		{"g=p", GroupExchange{}, p14.Bytes(), p14.Bytes()},
	}
	for _, c := range cases {
		msg := sshMpint(sshMpint([]byte{31}, c.p), c.g)
		sc := &scriptConn{replies: [][]byte{msg}}
		_, err := c.gx.Client(sc, rand.Reader, testMagics())
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		wantErr(t, err, ErrInvalidGroup)
		if len(sc.sent) != 1 {
			t.Errorf("%s: client went on after a bad group", c.name)
		}
	}
	// A negative modulus is malformed.
	neg := sshString([]byte{31}, []byte{0x80, 1})
	_, err := (&GroupExchange{}).Client(&scriptConn{replies: [][]byte{sshString(neg, []byte{2})}}, rand.Reader, testMagics())
	if err == nil {
		t.Error("negative modulus accepted")
	}
}

func TestGEXServerRejectsRequests(t *testing.T) {
	for _, req := range [][]byte{
		sshUint32(sshUint32(sshUint32([]byte{34}, 4096), 2048), 8192), // min > n
		sshUint32(sshUint32(sshUint32([]byte{34}, 1024), 1024), 1024), // max below the floor
		sshUint32(sshUint32(sshUint32([]byte{34}, 9000), 9000), 9999), // nothing that big
	} {
		sc := &scriptConn{replies: [][]byte{req}}
		_, err := (&GroupExchange{}).Server(sc, rand.Reader, testMagics(), newTestHostKey())
		wantErr(t, err, ErrNoGroup)
		if len(sc.sent) != 0 {
			t.Error("server answered a bad request")
		}
	}
}

// TestGEXClientTestsPrimality: a prime that is not a built-in group goes
// through the probable-prime test and is accepted.
func TestGEXClientTestsPrimality(t *testing.T) {
	msg := sshMpint(sshMpint([]byte{31}, groupOakley2.P.Bytes()), []byte{2})
	sc := &scriptConn{replies: [][]byte{msg}}
	_, err := (&GroupExchange{Min: 1024, Preferred: 1024, Max: 2048}).Client(sc, rand.Reader, testMagics())
	if len(sc.sent) != 2 || sc.sent[1][0] != 32 {
		t.Fatalf("client did not go on to send e: %v", err)
	}
	if isBuiltinPrime(groupOakley2.P) || !isBuiltinPrime(groupMODP17.P) {
		t.Fatal("isBuiltinPrime is wrong")
	}
}
