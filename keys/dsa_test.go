package keys

import (
	"crypto/dsa" //lint:ignore SA1019 legacy ssh-dss keys are still accepted.
	"errors"
	"math/big"
	"testing"
)

// TestDSASignerRejectsBadGroup gives newDSASigner keys whose private and
// public halves agree (y = g^x mod p) over domain parameters that are not
// a DSA group. Signatures made with them would not verify, so each must be
// refused as an invalid key.
func TestDSASignerRejectsBadGroup(t *testing.T) {
	k := testDSAKey(t)
	if _, err := newDSASigner(k); err != nil {
		t.Fatalf("valid key: %v", err)
	}
	one := big.NewInt(1)
	evenQ := new(big.Int).Add(k.Q, one) // 160 bits, composite, not dividing p-1
	for name, params := range map[string]dsa.Parameters{
		"composite q":      {P: k.P, Q: evenQ, G: k.G},
		"g of other order": {P: k.P, Q: k.Q, G: big.NewInt(2)},
		"other p":          {P: new(big.Int).Add(k.P, new(big.Int).Lsh(k.Q, 1)), Q: k.Q, G: k.G},
	} {
		x := new(big.Int).Mod(k.X, params.Q)
		y := new(big.Int).Exp(params.G, x, params.P)
		bad := &dsa.PrivateKey{PublicKey: dsa.PublicKey{Parameters: params, Y: y}, X: x}
		if _, err := newDSASigner(bad); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("%s: %v, want ErrInvalidKey", name, err)
		}
	}
}
