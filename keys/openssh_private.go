package keys

import (
	"bytes"
	"crypto/dsa" //lint:ignore SA1019 legacy ssh-dss keys are still accepted.
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/subtle"
	"fmt"
	"math/big"

	"github.com/ssh2go/ssh2/internal/wire"
)

// MaxBcryptRounds is the largest bcrypt_pbkdf round count accepted in an
// OpenSSH private key file. ssh-keygen uses 16 by default; each round
// costs about 4.5 ms per 32 bytes of output on a current machine, so
// 1024 rounds take about 9 s for an aes256-ctr key (48 bytes of output).
// Files asking for more are refused rather than letting a hostile file
// stall the caller.
const MaxBcryptRounds = 1024

// maxSaltLen bounds the bcrypt salt (ssh-keygen writes 16 bytes).
const maxSaltLen = 1024

const opensshMagic = "openssh-key-v1\x00"

// parseOpenSSHPrivateKey decodes the body of an "OPENSSH PRIVATE KEY"
// PEM block (PROTOCOL.key).
func parseOpenSSHPrivateKey(data, passphrase []byte) (Signer, error) {
	if !bytes.HasPrefix(data, []byte(opensshMagic)) {
		return nil, malformed("missing openssh-key-v1 magic")
	}
	d := wire.NewDecoder(data[len(opensshMagic):])
	cipherName := d.String()
	kdfName := d.String()
	kdfOpts := d.String()
	n := d.Uint32()
	pubBlob := d.String()
	if d.Err() != nil {
		return nil, malformed("openssh private key header")
	}
	if n != 1 {
		return nil, malformed("openssh private key must hold exactly one key")
	}
	pub, pubErr := ParsePublicKey(pubBlob)
	kc := keyCipherByName(string(cipherName))
	if kc == nil {
		return nil, fmt.Errorf("%w: cipher %q", ErrUnsupportedCipher, truncName(cipherName))
	}
	encrypted := d.String()
	tag := d.Bytes(kc.tagLen)
	if d.Finish() != nil {
		return nil, malformed("openssh private key body")
	}
	if pubErr != nil {
		return nil, pubErr
	}
	if len(encrypted)%kc.blockSize != 0 {
		return nil, malformed("private section not a multiple of the cipher block size")
	}

	isEncrypted := kc.name != "none"
	if !isEncrypted {
		if string(kdfName) != "none" || len(kdfOpts) != 0 {
			return nil, malformed("unencrypted key with a KDF")
		}
	} else {
		if string(kdfName) != "bcrypt" {
			return nil, fmt.Errorf("%w: kdf %q", ErrUnsupportedCipher, truncName(kdfName))
		}
		o := wire.NewDecoder(kdfOpts)
		salt := o.String()
		rounds := o.Uint32()
		if o.Finish() != nil || len(salt) == 0 || len(salt) > maxSaltLen || rounds == 0 {
			return nil, malformed("bcrypt kdf options")
		}
		if rounds > MaxBcryptRounds {
			return nil, fmt.Errorf("%w (%w): bcrypt rounds %d exceed %d", ErrKDFTooExpensive, ErrUnsupportedCipher, rounds, MaxBcryptRounds)
		}
		if len(passphrase) == 0 {
			return nil, &PassphraseMissingError{PublicKey: pub}
		}
		kiv, err := bcryptPBKDF(passphrase, salt, int(rounds), kc.keyLen+kc.ivLen)
		if err != nil {
			return nil, err
		}
		encrypted = bytes.Clone(encrypted)
		if err := kc.crypt(kiv[:kc.keyLen], kiv[kc.keyLen:], encrypted, tag, false); err != nil {
			if err == errBadTag {
				return nil, ErrIncorrectPassphrase
			}
			return nil, err
		}
	}

	p := wire.NewDecoder(encrypted)
	check1 := p.Uint32()
	check2 := p.Uint32()
	if p.Err() != nil {
		return nil, malformed("private section too short")
	}
	if check1 != check2 {
		if isEncrypted {
			return nil, ErrIncorrectPassphrase
		}
		return nil, malformed("check integers differ")
	}
	s, err := parsePrivateFields(&p)
	if err != nil {
		return nil, err
	}
	comment := p.String()
	if p.Err() != nil {
		return nil, malformed("private key comment")
	}
	pad := p.Rest()
	if len(pad) >= kc.blockSize {
		return nil, malformed("private section padding too long")
	}
	for i, c := range pad {
		if c != byte(i+1) {
			return nil, malformed("private section padding")
		}
	}
	if subtle.ConstantTimeCompare(s.PublicKey().Marshal(), pub.Marshal()) != 1 {
		return nil, invalid("private key does not match the file's public key")
	}
	s.(interface{ setComment(string) }).setComment(string(comment))
	return s, nil
}

func truncName(b []byte) string {
	if len(b) > 64 {
		b = b[:64]
	}
	return string(b)
}

// boundedMpint reads a non-negative mpint of at most MaxRSABits bits.
func boundedMpint(d *wire.Decoder) *big.Int {
	v := d.Mpint()
	if v != nil && v.BitLen() > MaxRSABits {
		d.Fail()
		return nil
	}
	return v
}

// parsePrivateFields reads one private key in the encoding the agent
// protocol uses (draft-miller-ssh-agent §4.2.3), type name first.
func parsePrivateFields(d *wire.Decoder) (Signer, error) {
	name := d.String()
	if d.Err() != nil || !validName(name) {
		return nil, malformed("private key type")
	}
	switch t := string(name); t {
	case TypeED25519:
		pub := d.String()
		priv := d.String()
		if d.Err() != nil {
			return nil, malformed("ssh-ed25519 private key")
		}
		if len(pub) != ed25519.PublicKeySize || len(priv) != ed25519.PrivateKeySize {
			return nil, invalid("ssh-ed25519 private key length")
		}
		k := ed25519.NewKeyFromSeed(priv[:ed25519.SeedSize])
		if !bytes.Equal(k[ed25519.SeedSize:], pub) || !bytes.Equal(priv[ed25519.SeedSize:], pub) {
			return nil, invalid("ssh-ed25519 private key does not match public key")
		}
		return newED25519Signer(k)
	case TypeECDSA256, TypeECDSA384, TypeECDSA521:
		pub, err := parseECDSA(t, d)
		if err != nil {
			return nil, err
		}
		dv := boundedMpint(d)
		if d.Err() != nil {
			return nil, malformed(t + " private key")
		}
		return ecdsaFromScalar(pub, dv)
	case TypeRSA:
		n := boundedMpint(d)
		e := boundedMpint(d)
		dv := boundedMpint(d)
		_ = boundedMpint(d) // iqmp, recomputed by Precompute
		p := boundedMpint(d)
		q := boundedMpint(d)
		if d.Err() != nil {
			return nil, malformed("ssh-rsa private key")
		}
		return rsaFromParts(n, e, dv, p, q)
	case TypeDSA:
		p, q, g, y, x := boundedMpint(d), boundedMpint(d), boundedMpint(d), boundedMpint(d), boundedMpint(d)
		if d.Err() != nil {
			return nil, malformed("ssh-dss private key")
		}
		return newDSASigner(&dsa.PrivateKey{PublicKey: dsa.PublicKey{Parameters: dsa.Parameters{P: p, Q: q, G: g}, Y: y}, X: x})
	}
	return nil, unsupportedType(string(name))
}

// ecdsaFromScalar builds a signer from a checked public point and the
// private scalar, checking 1 <= d < n and d·G == Q.
func ecdsaFromScalar(pub *ecdsaPublic, dv *big.Int) (Signer, error) {
	size := (pub.curve.curve.Params().BitSize + 7) / 8
	if dv.Sign() <= 0 || dv.BitLen() > 8*size {
		return nil, invalid("ecdsa private scalar out of range")
	}
	priv, err := pub.curve.ecdh.NewPrivateKey(dv.FillBytes(make([]byte, size)))
	if err != nil {
		return nil, invalid("ecdsa private scalar out of range")
	}
	if !bytes.Equal(priv.PublicKey().Bytes(), pub.point) {
		return nil, invalid("ecdsa private key does not match public key")
	}
	return newECDSASigner(&ecdsa.PrivateKey{PublicKey: *pub.key, D: dv})
}

// rsaFromParts builds and validates a two-prime RSA key.
func rsaFromParts(n, e, dv, p, q *big.Int) (Signer, error) {
	pub, err := newRSAPublicChecked(e, n)
	if err != nil {
		return nil, err
	}
	k := &rsa.PrivateKey{PublicKey: *pub.key, D: dv, Primes: []*big.Int{p, q}}
	if err := k.Validate(); err != nil {
		return nil, invalid("ssh-rsa private key: " + err.Error())
	}
	k.Precompute()
	return newRSASigner(k)
}
