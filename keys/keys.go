// Package keys parses, writes, generates and uses SSH public and private
// keys: signing and verifying with the wire formats of RFC 4253 §6.6,
// RFC 5656, RFC 8332 and RFC 8709, and SHA256 fingerprints as ssh-keygen
// prints them.
//
// Beyond plain keys it handles OpenSSH certificates (Certificate,
// SignCertificate, NewCertSigner, CertChecker), SSHSIG file signatures
// (SignSSHSIG, VerifySSHSIG), the ssh-keygen -lv randomart (Randomart),
// RFC 4716 and PEM/PKIX public keys, PEM and PKCS #8 private key
// writing, and PuTTY PPK key files (read v2 and v3, write v3).
package keys

import (
	"crypto"
	"io"
)

// Key type names (the first string of a public key blob).
const (
	TypeED25519   = "ssh-ed25519"
	TypeECDSA256  = "ecdsa-sha2-nistp256"
	TypeECDSA384  = "ecdsa-sha2-nistp384"
	TypeECDSA521  = "ecdsa-sha2-nistp521"
	TypeRSA       = "ssh-rsa"
	TypeDSA       = "ssh-dss"
	TypeSKECDSA   = "sk-ecdsa-sha2-nistp256@openssh.com"
	TypeSKED25519 = "sk-ssh-ed25519@openssh.com"
)

// Signature algorithm names. For every key type but RSA the signature
// algorithm equals the key type.
const (
	SigED25519   = TypeED25519
	SigECDSA256  = TypeECDSA256
	SigECDSA384  = TypeECDSA384
	SigECDSA521  = TypeECDSA521
	SigRSASHA1   = "ssh-rsa" // SHA-1; accepted only when configured
	SigRSASHA256 = "rsa-sha2-256"
	SigRSASHA512 = "rsa-sha2-512"
)

// PublicKey is an SSH public key.
type PublicKey interface {
	// Type is the key type name, e.g. "ssh-ed25519".
	Type() string
	// Marshal returns the public key blob in SSH wire format.
	Marshal() []byte
	// Verify checks sig, a wire-format signature blob (string algorithm,
	// string signature), over data. The blob's algorithm must be one this
	// key can make; callers that require a specific algorithm compare it
	// with SignatureAlgorithm(sig) first.
	Verify(data, sig []byte) error
	// CryptoPublicKey returns the standard library key
	// (ed25519.PublicKey, *ecdsa.PublicKey, *rsa.PublicKey, ...).
	CryptoPublicKey() crypto.PublicKey
}

// Signer is a private key able to make SSH signatures.
type Signer interface {
	PublicKey() PublicKey
	// Algorithms lists the signature algorithms the key can make, most
	// preferred first (RSA: rsa-sha2-512, rsa-sha2-256, ssh-rsa).
	Algorithms() []string
	// Sign signs data with the named algorithm and returns a wire-format
	// signature blob.
	Sign(rand io.Reader, algorithm string, data []byte) ([]byte, error)
}
