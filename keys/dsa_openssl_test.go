package keys

import (
	"crypto/dsa" //lint:ignore SA1019 legacy ssh-dss keys are still accepted.
	"encoding/asn1"
	"errors"
	"math/big"
	"os"
	"testing"
	"time"
)

// pkcs8DSADER builds a PKCS #8 DSA PrivateKeyInfo with the given values.
func pkcs8DSADER(t testing.TB, p, q, g, x *big.Int) []byte {
	t.Helper()
	params, err := asn1.Marshal(dssParms{P: p, Q: q, G: g})
	if err != nil {
		t.Fatal(err)
	}
	xDER, err := asn1.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	der, err := asn1.Marshal(pkcs8Info{Algorithm: algorithmIdentifier{Algorithm: oidDSA, Parameters: asn1.RawValue{FullBytes: params}}, PrivateKey: xDER})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestPKCS8DSASizesCheckedFirst gives parsePKCS8DSA domain parameters and
// private values of hostile sizes. Each must be refused as an invalid key
// before g^x mod p is computed: with a 3072-bit p and a q and x of 400000
// bits that exponentiation alone takes seconds.
func TestPKCS8DSASizesCheckedFirst(t *testing.T) {
	k := testDSAKey(t)
	p, q, g, x := k.P, k.Q, k.G, k.X
	huge := new(big.Int).Lsh(big.NewInt(1), 400000)
	hugeQ := new(big.Int).Add(huge, big.NewInt(1))
	one := big.NewInt(1)
	maxP := new(big.Int).Add(new(big.Int).Lsh(one, maxDSABits-1), one)
	bigP := new(big.Int).Add(new(big.Int).Lsh(one, maxDSABits), one)
	for name, v := range map[string][4]*big.Int{
		"huge q and x": {maxP, hugeQ, big.NewInt(2), huge},
		"512-bit q":    {p, new(big.Int).Lsh(one, 511), g, x},
		"q above p":    {p, new(big.Int).Lsh(one, 1100), g, x},
		"large p":      {bigP, q, g, x},
		"small p":      {new(big.Int).Rsh(p, 100), q, g, x},
		"even p":       {new(big.Int).Sub(p, one), q, g, x},
		"g one":        {p, q, one, x},
		"g p":          {p, q, p, x},
		"negative q":   {p, new(big.Int).Neg(q), g, x},
		"x zero":       {p, q, g, big.NewInt(0)},
		"x q":          {p, q, g, q},
	} {
		der := pkcs8DSADER(t, v[0], v[1], v[2], v[3])
		start := time.Now()
		_, ok, err := parsePKCS8DSA(der)
		if !ok || !errors.Is(err, ErrInvalidKey) {
			t.Errorf("%s: ok %v err %v, want ErrInvalidKey", name, ok, err)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("%s: refusing took %v", name, d)
		}
	}
	got, ok, err := parsePKCS8DSA(pkcs8DSADER(t, p, q, g, x))
	if !ok || err != nil || got.Y.Cmp(k.Y) != 0 {
		t.Fatalf("valid key: ok %v err %v", ok, err)
	}
}

// testDSAKey returns the fixed DSA private key in testdata.
func testDSAKey(t testing.TB) *dsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile("testdata/dsa_key")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParsePrivateKey(data)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*dsaSigner).priv
}
