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
// is not a PKCS #8 DSA key at all.
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
	if params.P.Sign() <= 0 || params.P.BitLen() > maxDSABits || params.Q.Sign() <= 0 || params.G.Sign() <= 0 ||
		x.Sign() <= 0 || x.Cmp(params.Q) >= 0 {
		return nil, true, invalid("PKCS #8 DSA values out of range")
	}
	y := new(big.Int).Exp(params.G, x, params.P)
	return &dsa.PrivateKey{PublicKey: dsa.PublicKey{Parameters: dsa.Parameters{P: params.P, Q: params.Q, G: params.G}, Y: y}, X: x}, true, nil
}
