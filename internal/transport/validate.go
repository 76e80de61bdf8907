package transport

import (
	"fmt"
	"slices"

	"github.com/ssh2go/ssh2/internal/transport/cipher"
	"github.com/ssh2go/ssh2/internal/transport/kex"
	"github.com/ssh2go/ssh2/keys"
)

// AlgorithmLists names algorithms by kind.
type AlgorithmLists struct {
	Kex, HostKey, Ciphers, MACs []string
}

// Supported lists every algorithm enabled by default on some side.
func Supported() AlgorithmLists {
	return AlgorithmLists{
		Kex:     kex.Supported(),
		HostKey: slices.Clone(DefaultServerHostKeyAlgorithms),
		Ciphers: cipher.SupportedCiphers(),
		MACs:    cipher.SupportedMACs(),
	}
}

// Insecure lists algorithms that work only when configured explicitly.
func Insecure() AlgorithmLists {
	return AlgorithmLists{
		Kex:     kex.Insecure(),
		HostKey: []string{keys.SigRSASHA1, keys.TypeDSA, keys.CertTypeRSA, keys.CertTypeDSA},
		Ciphers: cipher.InsecureCiphers(),
		MACs:    cipher.InsecureMACs(),
	}
}

// validate rejects configured algorithm names we do not implement, rather
// than dropping them silently.
func (c *Config) validate() error {
	sup, ins := Supported(), Insecure()
	check := func(kind string, names, a, b []string) error {
		for _, n := range names {
			if !slices.Contains(a, n) && !slices.Contains(b, n) {
				return fmt.Errorf("ssh: unsupported %s algorithm %q", kind, n)
			}
		}
		return nil
	}
	if err := check("key exchange", c.KexAlgorithms, sup.Kex, ins.Kex); err != nil {
		return err
	}
	if err := check("host key", c.HostKeyAlgorithms, sup.HostKey, ins.HostKey); err != nil {
		return err
	}
	if err := check("cipher", c.Ciphers, sup.Ciphers, ins.Ciphers); err != nil {
		return err
	}
	return check("MAC", c.MACs, sup.MACs, ins.MACs)
}
