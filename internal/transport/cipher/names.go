package cipher

import (
	"crypto/aes"
	stdcipher "crypto/cipher"
	"crypto/des"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
)

// Cipher names, as negotiated in SSH_MSG_KEXINIT.
const (
	ChaCha20Poly1305 = "chacha20-poly1305@openssh.com" // PROTOCOL.chacha20poly1305
	AES128GCM        = "aes128-gcm@openssh.com"        // RFC 5647, OpenSSH naming
	AES256GCM        = "aes256-gcm@openssh.com"        // RFC 5647, OpenSSH naming
	AES128CTR        = "aes128-ctr"                    // RFC 4344
	AES192CTR        = "aes192-ctr"                    // RFC 4344
	AES256CTR        = "aes256-ctr"                    // RFC 4344

	// The CBC ciphers are insecure (plaintext-recovery attacks on the
	// encrypted length, CVE-2008-5161) and only offered on request.
	AES128CBC    = "aes128-cbc" // RFC 4253 §6.3, insecure
	AES192CBC    = "aes192-cbc" // RFC 4253 §6.3, insecure
	AES256CBC    = "aes256-cbc" // RFC 4253 §6.3, insecure
	TripleDESCBC = "3des-cbc"   // RFC 4253 §6.3, insecure (64-bit block)
)

// MAC names, as negotiated in SSH_MSG_KEXINIT.
const (
	HMACSHA256ETM = "hmac-sha2-256-etm@openssh.com" // OpenSSH PROTOCOL §1.7
	HMACSHA512ETM = "hmac-sha2-512-etm@openssh.com" // OpenSSH PROTOCOL §1.7
	HMACSHA1ETM   = "hmac-sha1-etm@openssh.com"     // OpenSSH PROTOCOL §1.7
	HMACSHA256    = "hmac-sha2-256"                 // RFC 6668
	HMACSHA512    = "hmac-sha2-512"                 // RFC 6668
	HMACSHA1      = "hmac-sha1"                     // RFC 4253 §6.4
	HMACSHA196    = "hmac-sha1-96"                  // RFC 4253 §6.4, insecure (truncated)
)

// None is the name of the null cipher and null MAC in force before the
// first SSH_MSG_NEWKEYS. It is never negotiable here; use NewNoneSealer and
// NewNoneOpener.
const None = "none"

type cipherKind uint8

const (
	kindCTR cipherKind = iota
	kindCBC
	kindGCM
	kindChaCha
)

type cipherSpec struct {
	kind      cipherKind
	keyLen    int
	ivLen     int
	blockSize int
	insecure  bool
	newBlock  func(key []byte) (stdcipher.Block, error)
}

var cipherSpecs = map[string]*cipherSpec{
	ChaCha20Poly1305: {kind: kindChaCha, keyLen: 64, ivLen: 0, blockSize: 8},
	AES128GCM:        {kind: kindGCM, keyLen: 16, ivLen: 12, blockSize: 16, newBlock: aes.NewCipher},
	AES256GCM:        {kind: kindGCM, keyLen: 32, ivLen: 12, blockSize: 16, newBlock: aes.NewCipher},
	AES128CTR:        {kind: kindCTR, keyLen: 16, ivLen: 16, blockSize: 16, newBlock: aes.NewCipher},
	AES192CTR:        {kind: kindCTR, keyLen: 24, ivLen: 16, blockSize: 16, newBlock: aes.NewCipher},
	AES256CTR:        {kind: kindCTR, keyLen: 32, ivLen: 16, blockSize: 16, newBlock: aes.NewCipher},
	AES128CBC:        {kind: kindCBC, keyLen: 16, ivLen: 16, blockSize: 16, newBlock: aes.NewCipher, insecure: true},
	AES192CBC:        {kind: kindCBC, keyLen: 24, ivLen: 16, blockSize: 16, newBlock: aes.NewCipher, insecure: true},
	AES256CBC:        {kind: kindCBC, keyLen: 32, ivLen: 16, blockSize: 16, newBlock: aes.NewCipher, insecure: true},
	TripleDESCBC:     {kind: kindCBC, keyLen: 24, ivLen: 8, blockSize: 8, newBlock: des.NewTripleDESCipher, insecure: true},
}

type macSpec struct {
	newHash  func() hash.Hash
	keyLen   int // RFC 4253 §6.4: the key is as long as the digest
	size     int // bytes put on the wire (shorter than the digest for -96)
	etm      bool
	insecure bool
}

var macSpecs = map[string]*macSpec{
	HMACSHA256ETM: {newHash: sha256.New, keyLen: 32, size: 32, etm: true},
	HMACSHA512ETM: {newHash: sha512.New, keyLen: 64, size: 64, etm: true},
	HMACSHA1ETM:   {newHash: sha1.New, keyLen: 20, size: 20, etm: true},
	HMACSHA256:    {newHash: sha256.New, keyLen: 32, size: 32},
	HMACSHA512:    {newHash: sha512.New, keyLen: 64, size: 64},
	HMACSHA1:      {newHash: sha1.New, keyLen: 20, size: 20},
	HMACSHA196:    {newHash: sha1.New, keyLen: 20, size: 12, insecure: true},
}

// SupportedCiphers returns the secure ciphers this package implements, in
// a fixed order. The caller may modify the returned slice.
func SupportedCiphers() []string {
	return []string{ChaCha20Poly1305, AES128GCM, AES256GCM, AES128CTR, AES192CTR, AES256CTR}
}

// InsecureCiphers returns ciphers that NewSealer and NewOpener accept but
// that must only be offered when the user asks for them explicitly.
func InsecureCiphers() []string {
	return []string{AES128CBC, AES192CBC, AES256CBC, TripleDESCBC}
}

// SupportedMACs returns the secure MACs this package implements,
// encrypt-then-MAC first. The caller may modify the returned slice.
func SupportedMACs() []string {
	return []string{HMACSHA256ETM, HMACSHA512ETM, HMACSHA1ETM, HMACSHA256, HMACSHA512, HMACSHA1}
}

// InsecureMACs returns MACs that NewSealer and NewOpener accept but that
// must only be offered when the user asks for them explicitly.
func InsecureMACs() []string {
	return []string{HMACSHA196}
}

// DefaultCiphers returns the cipher preference list to offer when the user
// configures none: AES-GCM first on CPUs with AES and carry-less multiply
// instructions, ChaCha20-Poly1305 first elsewhere, then AES-CTR.
func DefaultCiphers() []string {
	if hasGCMHardware {
		return []string{AES128GCM, AES256GCM, ChaCha20Poly1305, AES128CTR, AES192CTR, AES256CTR}
	}
	return []string{ChaCha20Poly1305, AES128GCM, AES256GCM, AES128CTR, AES192CTR, AES256CTR}
}

// DefaultMACs returns the MAC preference list to offer when the user
// configures none: encrypt-then-MAC modes first.
func DefaultMACs() []string {
	return SupportedMACs()
}

// IsAEAD reports whether cipher authenticates packets itself. The MAC
// negotiated alongside an AEAD cipher is ignored (RFC 5647 §5.1,
// PROTOCOL.chacha20poly1305 "Negotiation") and needs no key material.
func IsAEAD(cipher string) bool {
	s := cipherSpecs[cipher]
	return s != nil && (s.kind == kindGCM || s.kind == kindChaCha)
}

// IsInsecure reports whether name is a cipher or MAC from InsecureCiphers
// or InsecureMACs.
func IsInsecure(name string) bool {
	if s := cipherSpecs[name]; s != nil {
		return s.insecure
	}
	if s := macSpecs[name]; s != nil {
		return s.insecure
	}
	return false
}

// KeySizes returns how many bytes of initial IV, encryption key and
// integrity key (RFC 4253 §7.2 letters A/B, C/D and E/F) the transport must
// derive for the pair. For an AEAD cipher mac is ignored and macKeyLen is 0.
func KeySizes(cipher, mac string) (ivLen, keyLen, macKeyLen int, err error) {
	cs, ms, err := lookup(cipher, mac)
	if err != nil {
		return 0, 0, 0, err
	}
	if ms != nil {
		macKeyLen = ms.keyLen
	}
	return cs.ivLen, cs.keyLen, macKeyLen, nil
}

// RekeyBytes returns how many bytes may be protected under one key before
// the transport should re-key: 1 GiB (RFC 4253 §9), or less for 64-bit
// block ciphers per RFC 4344 §3.2 (2^(L/4) blocks of L bits).
func RekeyBytes(cipher string) uint64 {
	const gib = 1 << 30
	s := cipherSpecs[cipher]
	if s == nil || s.kind == kindChaCha {
		return gib
	}
	bits := uint(s.blockSize * 8)
	limit := uint64(s.blockSize) << (bits / 4)
	if bits/4 >= 64 || limit > gib {
		return gib
	}
	return limit
}

// lookup resolves a cipher and, unless the cipher is an AEAD, a MAC.
func lookup(cipher, mac string) (*cipherSpec, *macSpec, error) {
	cs := cipherSpecs[cipher]
	if cs == nil {
		return nil, nil, fmt.Errorf("%w: cipher %q", ErrUnsupported, cipher)
	}
	if cs.kind == kindGCM || cs.kind == kindChaCha {
		return cs, nil, nil
	}
	ms := macSpecs[mac]
	if ms == nil {
		return nil, nil, fmt.Errorf("%w: MAC %q", ErrUnsupported, mac)
	}
	return cs, ms, nil
}
