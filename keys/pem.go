package keys

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/md5"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
)

// MaxPrivateKeyFileLen bounds the private key files the parsers accept;
// a 16384-bit RSA key in any supported format is well under it.
const MaxPrivateKeyFileLen = 64 << 10

// ParsePrivateKey parses an unencrypted private key in PEM form:
// "OPENSSH PRIVATE KEY" (PROTOCOL.key), "RSA PRIVATE KEY" (PKCS #1),
// "EC PRIVATE KEY" (SEC 1), "PRIVATE KEY" (PKCS #8) or the legacy
// OpenSSL "DSA PRIVATE KEY"; or a PuTTY key file (PPK versions 2 and 3).
// Text before the PEM block is ignored. An encrypted key yields a
// *PassphraseMissingError. Parsed OpenSSH and PuTTY keys implement
// Commented.
func ParsePrivateKey(data []byte) (Signer, error) {
	return parsePrivateKey(data, nil)
}

// ParsePrivateKeyWithPassphrase is ParsePrivateKey for keys that may be
// encrypted: OpenSSH keys with the bcrypt KDF and any cipher in
// keycipher.go (every cipher ssh -Q cipher lists, 3des-cbc included),
// legacy PEM encryption ("Proc-Type: 4,ENCRYPTED" with AES-*-CBC or
// DES-EDE3-CBC), PKCS #8 "ENCRYPTED PRIVATE KEY" (PBES2 with PBKDF2 and
// AES-CBC or DES-EDE3-CBC) and PuTTY PPK files (v2, and v3 with Argon2id,
// Argon2i or Argon2d). A wrong passphrase yields ErrIncorrectPassphrase;
// KDF parameters beyond this package's work limits yield
// ErrKDFTooExpensive before any derivation runs. Unencrypted keys parse
// as with ParsePrivateKey.
func ParsePrivateKeyWithPassphrase(data, passphrase []byte) (Signer, error) {
	if len(passphrase) == 0 {
		return parsePrivateKey(data, nil)
	}
	return parsePrivateKey(data, passphrase)
}

func parsePrivateKey(data, passphrase []byte) (Signer, error) {
	if len(data) > MaxPrivateKeyFileLen {
		return nil, malformed("private key file too long")
	}
	if isPPK(data) {
		return parsePPK(data, passphrase)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, malformed("no PEM block found")
	}
	der := block.Bytes
	if block.Headers["Proc-Type"] == "4,ENCRYPTED" {
		if len(passphrase) == 0 {
			return nil, &PassphraseMissingError{}
		}
		var err error
		if der, err = decryptLegacyPEM(block, passphrase); err != nil {
			return nil, err
		}
		s, err := parsePEMDER(block.Type, der)
		if err != nil && !isUnsupported(err) {
			return nil, ErrIncorrectPassphrase
		}
		return s, err
	}
	switch block.Type {
	case "OPENSSH PRIVATE KEY":
		return parseOpenSSHPrivateKey(der, passphrase)
	case "ENCRYPTED PRIVATE KEY":
		if len(passphrase) == 0 {
			return nil, &PassphraseMissingError{}
		}
		plain, err := decryptPKCS8(der, passphrase)
		if err != nil {
			return nil, err
		}
		s, err := parsePEMDER("PRIVATE KEY", plain)
		if err != nil && !isUnsupported(err) {
			return nil, ErrIncorrectPassphrase
		}
		return s, err
	}
	return parsePEMDER(block.Type, der)
}

func isUnsupported(err error) bool {
	return err != nil && (errorIs(err, ErrUnsupportedKeyType) || errorIs(err, ErrInvalidKey))
}

// parsePEMDER parses the DER body of an unencrypted PEM key.
func parsePEMDER(typ string, der []byte) (Signer, error) {
	var k any
	var err error
	switch typ {
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(der)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(der)
	case "PRIVATE KEY":
		if dk, ok, derr := parsePKCS8DSA(der); ok {
			if derr != nil {
				return nil, derr
			}
			return newDSASigner(dk)
		}
		k, err = x509.ParsePKCS8PrivateKey(der)
	case "DSA PRIVATE KEY":
		dk, derr := parseOpenSSLDSA(der)
		if derr != nil {
			return nil, derr
		}
		return newDSASigner(dk)
	default:
		return nil, unsupportedType(typ)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, strings.ToLower(typ), err)
	}
	return newSignerAny(k)
}

// decryptLegacyPEM undoes OpenSSL's traditional PEM encryption: the key is
// EVP_BytesToKey(MD5, one iteration) of the passphrase salted with the
// first 8 bytes of the IV, the cipher CBC with PKCS #7 padding.
func decryptLegacyPEM(block *pem.Block, passphrase []byte) ([]byte, error) {
	algo, ivHex, ok := strings.Cut(block.Headers["DEK-Info"], ",")
	if !ok {
		return nil, malformed("PEM DEK-Info header")
	}
	var keyLen int
	var newBlock func([]byte) (cipher.Block, error)
	switch algo {
	case "AES-128-CBC":
		keyLen, newBlock = 16, aes.NewCipher
	case "AES-192-CBC":
		keyLen, newBlock = 24, aes.NewCipher
	case "AES-256-CBC":
		keyLen, newBlock = 32, aes.NewCipher
	case "DES-EDE3-CBC":
		keyLen, newBlock = 24, des.NewTripleDESCipher
	default:
		return nil, fmt.Errorf("%w: PEM cipher %q", ErrUnsupportedCipher, truncName([]byte(algo)))
	}
	iv, err := hex.DecodeString(ivHex)
	if err != nil || len(iv) < 8 {
		return nil, malformed("PEM DEK-Info IV")
	}
	var key, prev []byte
	for len(key) < keyLen {
		h := md5.New()
		h.Write(prev)
		h.Write(passphrase)
		h.Write(iv[:8])
		prev = h.Sum(nil)
		key = append(key, prev...)
	}
	b, err := newBlock(key[:keyLen])
	if err != nil {
		return nil, err
	}
	if len(iv) != b.BlockSize() || len(block.Bytes) == 0 || len(block.Bytes)%b.BlockSize() != 0 {
		return nil, malformed("PEM encrypted body")
	}
	out := bytes.Clone(block.Bytes)
	cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, out)
	return unpadPKCS7(out, b.BlockSize())
}

// unpadPKCS7 strips PKCS #7 padding; bad padding almost always means a
// wrong passphrase.
func unpadPKCS7(b []byte, blockSize int) ([]byte, error) {
	if len(b) == 0 {
		return nil, ErrIncorrectPassphrase
	}
	n := int(b[len(b)-1])
	if n == 0 || n > blockSize || n > len(b) {
		return nil, ErrIncorrectPassphrase
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return nil, ErrIncorrectPassphrase
		}
	}
	return b[:len(b)-n], nil
}
