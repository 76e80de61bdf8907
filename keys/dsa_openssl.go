package keys

import (
	"crypto/dsa" //lint:ignore SA1019 legacy ssh-dss keys are still accepted.
	"encoding/asn1"
	"math/big"
)

// openSSLDSA is OpenSSL's traditional "DSA PRIVATE KEY" structure.
type openSSLDSA struct {
	Version       int
	P, Q, G, Y, X *big.Int
}

func parseOpenSSLDSA(der []byte) (*dsa.PrivateKey, error) {
	var k openSSLDSA
	if rest, err := asn1.Unmarshal(der, &k); err != nil || len(rest) != 0 || k.Version != 0 {
		return nil, malformed("DSA private key structure")
	}
	for _, v := range []*big.Int{k.P, k.Q, k.G, k.Y, k.X} {
		if v.Sign() <= 0 || v.BitLen() > MaxRSABits {
			return nil, invalid("DSA private key value out of range")
		}
	}
	return &dsa.PrivateKey{PublicKey: dsa.PublicKey{Parameters: dsa.Parameters{P: k.P, Q: k.Q, G: k.G}, Y: k.Y}, X: k.X}, nil
}

var oidDSA = asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}

// pkcs8Info is a PKCS #8 PrivateKeyInfo (RFC 5958 §2), enough to find a
// DSA key, which crypto/x509 does not parse.
type pkcs8Info struct {
	Version    int
	Algorithm  algorithmIdentifier
	PrivateKey []byte
}

type dssParms struct {
	P, Q, G *big.Int
}

// parsePKCS8DSA parses a PKCS #8 DSA key (RFC 3279 §2.3.2 parameters, the
// private value an INTEGER), deriving y = g^x mod p. ok is false when der
// is not a PKCS #8 DSA key at all. The sizes of p, q, g and x are checked
// before the exponentiation, whose cost they bound.
func parsePKCS8DSA(der []byte) (k *dsa.PrivateKey, ok bool, err error) {
	var info pkcs8Info
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) != 0 || !info.Algorithm.Algorithm.Equal(oidDSA) {
		return nil, false, nil
	}
	var params dssParms
	var x *big.Int
	if rest, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &params); err != nil || len(rest) != 0 {
		return nil, true, malformed("PKCS #8 DSA parameters")
	}
	if rest, err := asn1.Unmarshal(info.PrivateKey, &x); err != nil || len(rest) != 0 {
		return nil, true, malformed("PKCS #8 DSA private value")
	}
	if err := checkDSADomain(params.P, params.Q, params.G); err != nil {
		return nil, true, err
	}
	if x.Sign() <= 0 || x.Cmp(params.Q) >= 0 {
		return nil, true, invalid("PKCS #8 DSA private value out of range")
	}
	y := new(big.Int).Exp(params.G, x, params.P)
	return &dsa.PrivateKey{PublicKey: dsa.PublicKey{Parameters: dsa.Parameters{P: params.P, Q: params.Q, G: params.G}, Y: y}, X: x}, true, nil
}

// checkDSADomain checks the sizes of DSA domain parameters as FIPS 186
// allows them: an odd p of minDSABits to maxDSABits, a q of 160, 224 or
// 256 bits below p, and 1 < g < p.
func checkDSADomain(p, q, g *big.Int) error {
	if p.BitLen() < minDSABits || p.BitLen() > maxDSABits || p.Bit(0) == 0 {
		return invalid("DSA p size out of range")
	}
	switch q.BitLen() {
	case 160, 224, 256:
	default:
		return invalid("DSA q is not 160, 224 or 256 bits")
	}
	if q.Sign() <= 0 || q.Cmp(p) >= 0 {
		return invalid("DSA q out of range")
	}
	if g.Cmp(big.NewInt(1)) <= 0 || g.Cmp(p) >= 0 {
		return invalid("DSA g out of range")
	}
	return nil
}
