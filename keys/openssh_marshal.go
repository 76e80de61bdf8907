package keys

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"math/big"

	"github.com/ssh2go/ssh2/internal/wire"
)

// Parameters MarshalPrivateKey uses for encrypted keys, as ssh-keygen does
// by default.
const (
	marshalRounds  = 16
	marshalSaltLen = 16
	marshalCipher  = "aes256-ctr"
)

// MarshalPrivateKey writes s as an "OPENSSH PRIVATE KEY" PEM file
// (PROTOCOL.key) with the given comment. An empty passphrase writes the
// key unencrypted; otherwise it is encrypted with aes256-ctr under a key
// from bcrypt_pbkdf with a random 16-byte salt and 16 rounds. s must be a
// Signer made by this package (NewSigner, Generate*, ParsePrivateKey*).
func MarshalPrivateKey(s Signer, comment string, passphrase []byte) ([]byte, error) {
	return MarshalPrivateKeyRounds(s, comment, passphrase, marshalRounds)
}

// MarshalPrivateKeyRounds is MarshalPrivateKey with the number of
// bcrypt_pbkdf rounds for an encrypted key (ssh-keygen -a); rounds below
// 1 mean the default, 16.
func MarshalPrivateKeyRounds(s Signer, comment string, passphrase []byte, rounds int) ([]byte, error) {
	if rounds < 1 {
		rounds = marshalRounds
	}
	if rounds > 1<<20 {
		return nil, fmt.Errorf("keys: too many KDF rounds (%d)", rounds)
	}
	priv, err := appendPrivateFields(nil, s)
	if err != nil {
		return nil, err
	}
	kc := keyCipherByName("none")
	kdfName, kdfOpts := "none", []byte(nil)
	var kiv []byte
	if len(passphrase) > 0 {
		kc = keyCipherByName(marshalCipher)
		salt := make([]byte, marshalSaltLen)
		if _, err := rand.Read(salt); err != nil {
			return nil, err
		}
		kdfName = "bcrypt"
		kdfOpts = wire.AppendString(nil, salt)
		kdfOpts = wire.AppendUint32(kdfOpts, uint32(rounds))
		if kiv, err = bcryptPBKDF(passphrase, salt, rounds, kc.keyLen+kc.ivLen); err != nil {
			return nil, err
		}
	}

	var check [4]byte
	if _, err := rand.Read(check[:]); err != nil {
		return nil, err
	}
	sec := make([]byte, 0, 8+len(priv)+4+len(comment)+kc.blockSize)
	sec = append(sec, check[:]...)
	sec = append(sec, check[:]...)
	sec = append(sec, priv...)
	sec = wire.AppendText(sec, comment)
	for i := 1; len(sec)%kc.blockSize != 0; i++ {
		sec = append(sec, byte(i))
	}
	tag := make([]byte, kc.tagLen)
	if kiv != nil {
		if err := kc.crypt(kiv[:kc.keyLen], kiv[kc.keyLen:], sec, tag, true); err != nil {
			return nil, err
		}
	}

	b := []byte(opensshMagic)
	b = wire.AppendText(b, kc.name)
	b = wire.AppendText(b, kdfName)
	b = wire.AppendString(b, kdfOpts)
	b = wire.AppendUint32(b, 1)
	b = wire.AppendString(b, s.PublicKey().Marshal())
	b = wire.AppendString(b, sec)
	b = append(b, tag...)
	return pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: b}), nil
}

// appendPrivateFields appends the private key in agent encoding
// (draft-miller-ssh-agent §4.2.3).
func appendPrivateFields(b []byte, s Signer) ([]byte, error) {
	switch s := s.(type) {
	case *ed25519Signer:
		b = wire.AppendText(b, TypeED25519)
		b = wire.AppendString(b, s.pub.key)
		return wire.AppendString(b, s.priv[:ed25519.PrivateKeySize]), nil
	case *ecdsaSigner:
		b = wire.AppendText(b, s.pub.curve.keyType)
		b = wire.AppendText(b, s.pub.curve.ident)
		b = wire.AppendString(b, s.pub.point)
		return wire.AppendMpint(b, s.priv.D), nil
	case *rsaSigner:
		k := s.priv
		if len(k.Primes) != 2 {
			return nil, fmt.Errorf("%w: multi-prime RSA", ErrUnsupportedKeyType)
		}
		p, q := k.Primes[0], k.Primes[1]
		iqmp := new(big.Int).ModInverse(q, p)
		if iqmp == nil {
			return nil, invalid("rsa primes")
		}
		b = wire.AppendText(b, TypeRSA)
		b = wire.AppendMpint(b, k.N)
		b = wire.AppendMpint(b, big.NewInt(int64(k.E)))
		b = wire.AppendMpint(b, k.D)
		b = wire.AppendMpint(b, iqmp)
		b = wire.AppendMpint(b, p)
		return wire.AppendMpint(b, q), nil
	case *dsaSigner:
		k := s.priv
		b = wire.AppendText(b, TypeDSA)
		for _, v := range []*big.Int{k.P, k.Q, k.G, k.Y, k.X} {
			b = wire.AppendMpint(b, v)
		}
		return b, nil
	}
	return nil, fmt.Errorf("%w: signer %T was not made by package keys", ErrUnsupportedKeyType, s)
}
