package keys

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
)

// maxPBKDF2Iterations bounds the PBKDF2 work an "ENCRYPTED PRIVATE KEY"
// may demand (OpenSSL writes 2048).
const maxPBKDF2Iterations = 1 << 20

var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
)

// pbes2Cipher is a PBES2 encryption scheme (RFC 8018 §B.2): a block
// cipher in CBC mode whose parameters are the IV.
type pbes2Cipher struct {
	oid               asn1.ObjectIdentifier
	keyLen, blockSize int
	newBlock          func(key []byte) (cipher.Block, error)
}

var pbes2Ciphers = []pbes2Cipher{
	{oidAES128CBC, 16, aes.BlockSize, aes.NewCipher},
	{oidAES192CBC, 24, aes.BlockSize, aes.NewCipher},
	{oidAES256CBC, 32, aes.BlockSize, aes.NewCipher},
	{oidDESEDE3CBC, 24, des.BlockSize, des.NewTripleDESCipher},
}

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type encryptedPrivateKeyInfo struct {
	Algorithm     algorithmIdentifier
	EncryptedData []byte
}

type pbes2Params struct {
	KeyDerivationFunc algorithmIdentifier
	EncryptionScheme  algorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                 `asn1:"optional"`
	PRF        algorithmIdentifier `asn1:"optional"`
}

// decryptPKCS8 decrypts a PKCS #8 EncryptedPrivateKeyInfo (RFC 5958 §3)
// using PBES2 (RFC 8018 §6.2) with PBKDF2 and AES-CBC or DES-EDE3-CBC,
// the schemes OpenSSL and ssh-keygen -m PKCS8 write. It returns the
// PrivateKeyInfo DER.
func decryptPKCS8(der, passphrase []byte) ([]byte, error) {
	var info encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) != 0 {
		return nil, malformed("encrypted PKCS #8 structure")
	}
	if !info.Algorithm.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("%w: PKCS #8 encryption %v", ErrUnsupportedCipher, info.Algorithm.Algorithm)
	}
	var params pbes2Params
	if rest, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &params); err != nil || len(rest) != 0 {
		return nil, malformed("PBES2 parameters")
	}
	if !params.KeyDerivationFunc.Algorithm.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("%w: PBES2 KDF %v", ErrUnsupportedCipher, params.KeyDerivationFunc.Algorithm)
	}
	var kdf pbkdf2Params
	if rest, err := asn1.Unmarshal(params.KeyDerivationFunc.Parameters.FullBytes, &kdf); err != nil || len(rest) != 0 {
		return nil, malformed("PBKDF2 parameters")
	}
	if kdf.Iterations < 1 || len(kdf.Salt) == 0 || len(kdf.Salt) > maxSaltLen {
		return nil, malformed("PBKDF2 iteration count or salt")
	}
	if kdf.Iterations > maxPBKDF2Iterations {
		return nil, fmt.Errorf("%w: PBKDF2 iterations %d exceed %d", ErrKDFTooExpensive, kdf.Iterations, maxPBKDF2Iterations)
	}
	var h func() hash.Hash
	switch prf := kdf.PRF.Algorithm; {
	case len(prf) == 0 || prf.Equal(oidHMACSHA1):
		h = sha1.New
	case prf.Equal(oidHMACSHA256):
		h = sha256.New
	case prf.Equal(oidHMACSHA384):
		h = sha512.New384
	case prf.Equal(oidHMACSHA512):
		h = sha512.New
	default:
		return nil, fmt.Errorf("%w: PBKDF2 PRF %v", ErrUnsupportedCipher, prf)
	}
	var c *pbes2Cipher
	for i := range pbes2Ciphers {
		if pbes2Ciphers[i].oid.Equal(params.EncryptionScheme.Algorithm) {
			c = &pbes2Ciphers[i]
			break
		}
	}
	if c == nil {
		return nil, fmt.Errorf("%w: PBES2 cipher %v", ErrUnsupportedCipher, params.EncryptionScheme.Algorithm)
	}
	if kdf.KeyLength != 0 && kdf.KeyLength != c.keyLen {
		return nil, malformed("PBKDF2 key length")
	}
	var iv []byte
	if rest, err := asn1.Unmarshal(params.EncryptionScheme.Parameters.FullBytes, &iv); err != nil || len(rest) != 0 || len(iv) != c.blockSize {
		return nil, malformed("PBES2 IV")
	}
	if len(info.EncryptedData) == 0 || len(info.EncryptedData)%c.blockSize != 0 {
		return nil, malformed("PKCS #8 encrypted data length")
	}
	key, err := pbkdf2.Key(h, string(passphrase), kdf.Salt, kdf.Iterations, c.keyLen)
	if err != nil {
		return nil, err
	}
	b, err := c.newBlock(key)
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), info.EncryptedData...)
	cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, out)
	return unpadPKCS7(out, c.blockSize)
}

// errorIs is errors.Is, named so the PEM code reads as a predicate.
func errorIs(err, target error) bool { return errors.Is(err, target) }
