package keys

import (
	"crypto/sha512"
	"encoding/binary"
	"errors"

	"golang.org/x/crypto/blowfish" //lint:ignore SA1019 bcrypt_pbkdf is defined on Blowfish; OpenSSH key files need it.
)

// bcryptMagic is the 32-byte plaintext bcrypt_hash encrypts.
var bcryptMagic = []byte("OxychromaticBlowfishSwatDynamite")

// bcryptHash is the inner function of OpenBSD's bcrypt_pbkdf: a Blowfish
// key schedule made expensive by 64 alternating expansions with the salt
// and the password, then 64 encryptions of the magic text. Output words
// are stored little-endian, as OpenBSD does.
func bcryptHash(sha2pass, sha2salt []byte, out *[32]byte) {
	c, err := blowfish.NewSaltedCipher(sha2pass, sha2salt)
	if err != nil {
		panic("keys: blowfish rejected a 64-byte key") // cannot happen
	}
	for i := 0; i < 64; i++ {
		blowfish.ExpandKey(sha2salt, c)
		blowfish.ExpandKey(sha2pass, c)
	}
	var buf [32]byte
	copy(buf[:], bcryptMagic)
	for i := 0; i < 64; i++ {
		for j := 0; j < 32; j += 8 {
			c.Encrypt(buf[j:j+8], buf[j:j+8])
		}
	}
	for i := 0; i < 32; i += 4 {
		binary.LittleEndian.PutUint32(out[i:], binary.BigEndian.Uint32(buf[i:]))
	}
}

// bcryptPBKDF derives keyLen bytes from password and salt with rounds
// iterations of OpenBSD's bcrypt_pbkdf(3), the KDF of OpenSSH private key
// files. Like PBKDF2, each 32-byte block of output comes from its own
// chain, but the blocks are interleaved byte by byte across the output.
func bcryptPBKDF(password, salt []byte, rounds, keyLen int) ([]byte, error) {
	if rounds < 1 {
		return nil, errors.New("keys: bcrypt_pbkdf rounds must be positive")
	}
	if len(password) == 0 || len(salt) == 0 || len(salt) > 1<<20 || keyLen <= 0 || keyLen > 1024 {
		return nil, errors.New("keys: bcrypt_pbkdf bad parameters")
	}
	const blockLen = 32
	stride := (keyLen + blockLen - 1) / blockLen
	amt := (keyLen + stride - 1) / stride
	key := make([]byte, keyLen)

	sha2pass := sha512.Sum512(password)
	countSalt := make([]byte, len(salt)+4)
	copy(countSalt, salt)
	var tmp, out [32]byte
	remaining := keyLen
	for count := uint32(1); remaining > 0; count++ {
		binary.BigEndian.PutUint32(countSalt[len(salt):], count)
		sha2salt := sha512.Sum512(countSalt)
		bcryptHash(sha2pass[:], sha2salt[:], &tmp)
		out = tmp
		for r := 1; r < rounds; r++ {
			sha2salt = sha512.Sum512(tmp[:])
			bcryptHash(sha2pass[:], sha2salt[:], &tmp)
			for j := range out {
				out[j] ^= tmp[j]
			}
		}
		n := min(amt, remaining)
		i := 0
		for ; i < n; i++ {
			dest := i*stride + int(count-1)
			if dest >= keyLen {
				break
			}
			key[dest] = out[i]
		}
		remaining -= i
	}
	return key, nil
}
