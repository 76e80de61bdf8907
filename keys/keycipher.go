package keys

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/subtle"
	"errors"

	"golang.org/x/crypto/chacha20"
	"golang.org/x/crypto/poly1305" //lint:ignore SA1019 chacha20-poly1305@openssh.com needs the raw one-time MAC.
)

// keyCipher is a cipher OpenSSH may use to encrypt the private section of
// a key file. Key and IV come from the KDF, keyLen+ivLen bytes of it.
type keyCipher struct {
	name      string
	keyLen    int
	ivLen     int
	blockSize int
	tagLen    int
	// crypt encrypts (encrypt true) or decrypts buf in place. For AEAD
	// ciphers tag is the authentication tag: checked on decryption, filled
	// in on encryption.
	crypt func(key, iv, buf, tag []byte, encrypt bool) error
}

var errBadTag = errors.New("keys: authentication tag mismatch")

// keyCiphers lists every cipher OpenSSH accepts for key files (the
// ciphers "ssh -Q cipher" prints; OpenSSH's cipher.c gives CBC and CTR
// modes an IV of one block).
var keyCiphers = []*keyCipher{
	{name: "none", blockSize: 8, crypt: func(_, _, _, _ []byte, _ bool) error { return nil }},
	{name: "3des-cbc", keyLen: 24, ivLen: des.BlockSize, blockSize: des.BlockSize, crypt: cbc(des.NewTripleDESCipher)},
	{name: "aes128-ctr", keyLen: 16, ivLen: 16, blockSize: 16, crypt: aesCTR},
	{name: "aes192-ctr", keyLen: 24, ivLen: 16, blockSize: 16, crypt: aesCTR},
	{name: "aes256-ctr", keyLen: 32, ivLen: 16, blockSize: 16, crypt: aesCTR},
	{name: "aes128-cbc", keyLen: 16, ivLen: 16, blockSize: 16, crypt: cbc(aes.NewCipher)},
	{name: "aes192-cbc", keyLen: 24, ivLen: 16, blockSize: 16, crypt: cbc(aes.NewCipher)},
	{name: "aes256-cbc", keyLen: 32, ivLen: 16, blockSize: 16, crypt: cbc(aes.NewCipher)},
	{name: "aes128-gcm@openssh.com", keyLen: 16, ivLen: 12, blockSize: 16, tagLen: 16, crypt: aesGCM},
	{name: "aes256-gcm@openssh.com", keyLen: 32, ivLen: 12, blockSize: 16, tagLen: 16, crypt: aesGCM},
	{name: "chacha20-poly1305@openssh.com", keyLen: 64, blockSize: 8, tagLen: 16, crypt: chachaPoly},
}

func keyCipherByName(name string) *keyCipher {
	for _, c := range keyCiphers {
		if c.name == name {
			return c
		}
	}
	return nil
}

func aesCTR(key, iv, buf, _ []byte, _ bool) error {
	b, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	cipher.NewCTR(b, iv).XORKeyStream(buf, buf)
	return nil
}

// cbc returns the crypt function of a CBC-mode cipher (OpenSSH pads the
// private section itself, so there is no PKCS #7 padding here).
func cbc(newBlock func(key []byte) (cipher.Block, error)) func(key, iv, buf, tag []byte, encrypt bool) error {
	return func(key, iv, buf, _ []byte, encrypt bool) error {
		b, err := newBlock(key)
		if err != nil {
			return err
		}
		if len(buf)%b.BlockSize() != 0 || len(iv) != b.BlockSize() {
			return malformed("encrypted length is not a multiple of the block size")
		}
		if encrypt {
			cipher.NewCBCEncrypter(b, iv).CryptBlocks(buf, buf)
		} else {
			cipher.NewCBCDecrypter(b, iv).CryptBlocks(buf, buf)
		}
		return nil
	}
}

// aesGCM is aes*-gcm@openssh.com with no additional data; the tag follows
// the encrypted section in the file.
func aesGCM(key, iv, buf, tag []byte, encrypt bool) error {
	b, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return err
	}
	if encrypt {
		out := g.Seal(buf[:0], iv, buf, nil)
		copy(tag, out[len(buf):])
		return nil
	}
	ct := make([]byte, 0, len(buf)+len(tag))
	ct = append(append(ct, buf...), tag...)
	if _, err := g.Open(buf[:0], iv, ct, nil); err != nil {
		return errBadTag
	}
	return nil
}

// chachaPoly is chacha20-poly1305@openssh.com (PROTOCOL.chacha20poly1305)
// used with sequence number 0 and no encrypted length: the first 32 bytes
// of the key encrypt the payload from block counter 1, block 0 gives the
// Poly1305 key, and the tag covers the ciphertext.
func chachaPoly(key, _, buf, tag []byte, encrypt bool) error {
	var nonce [chacha20.NonceSize]byte
	s, err := chacha20.NewUnauthenticatedCipher(key[:32], nonce[:])
	if err != nil {
		return err
	}
	var polyKey [32]byte
	s.XORKeyStream(polyKey[:], polyKey[:])
	s.SetCounter(1)
	if encrypt {
		s.XORKeyStream(buf, buf)
		var t [poly1305.TagSize]byte
		poly1305.Sum(&t, buf, &polyKey)
		copy(tag, t[:])
		return nil
	}
	var t [poly1305.TagSize]byte
	poly1305.Sum(&t, buf, &polyKey)
	if subtle.ConstantTimeCompare(t[:], tag) != 1 {
		return errBadTag
	}
	s.XORKeyStream(buf, buf)
	return nil
}
