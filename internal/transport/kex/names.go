package kex

import "crypto"

// Key exchange method names, as negotiated in KEXINIT.
const (
	// MLKEM768X25519SHA256 is the ML-KEM-768 + X25519 post-quantum hybrid
	// (draft-ietf-sshm-mlkem-hybrid-kex, RFC 10042).
	MLKEM768X25519SHA256 = "mlkem768x25519-sha256"
	// Curve25519SHA256 is X25519 with SHA-256 (RFC 8731).
	Curve25519SHA256 = "curve25519-sha256"
	// Curve25519SHA256LibSSH is the pre-standard name of Curve25519SHA256.
	Curve25519SHA256LibSSH = "curve25519-sha256@libssh.org"
	// ECDHSHA2NISTP256 is ECDH over P-256 with SHA-256 (RFC 5656).
	ECDHSHA2NISTP256 = "ecdh-sha2-nistp256"
	// ECDHSHA2NISTP384 is ECDH over P-384 with SHA-384 (RFC 5656).
	ECDHSHA2NISTP384 = "ecdh-sha2-nistp384"
	// ECDHSHA2NISTP521 is ECDH over P-521 with SHA-512 (RFC 5656).
	ECDHSHA2NISTP521 = "ecdh-sha2-nistp521"
	// DHGEXSHA256 is Diffie-Hellman group exchange with SHA-256 (RFC 4419).
	DHGEXSHA256 = "diffie-hellman-group-exchange-sha256"
	// DHGroup16SHA512 is the 4096-bit MODP group with SHA-512 (RFC 8268).
	DHGroup16SHA512 = "diffie-hellman-group16-sha512"
	// DHGroup18SHA512 is the 8192-bit MODP group with SHA-512 (RFC 8268).
	DHGroup18SHA512 = "diffie-hellman-group18-sha512"
	// DHGroup14SHA256 is the 2048-bit MODP group with SHA-256 (RFC 8268).
	DHGroup14SHA256 = "diffie-hellman-group14-sha256"

	// DHGroup14SHA1 is the 2048-bit MODP group with SHA-1 (RFC 4253).
	// Insecure: SHA-1.
	DHGroup14SHA1 = "diffie-hellman-group14-sha1"
	// DHGroup1SHA1 is the 1024-bit Oakley group 2 with SHA-1 (RFC 4253).
	// Insecure: 1024-bit group and SHA-1.
	DHGroup1SHA1 = "diffie-hellman-group1-sha1"
	// DHGEXSHA1 is Diffie-Hellman group exchange with SHA-1 (RFC 4419).
	// Insecure: SHA-1.
	DHGEXSHA1 = "diffie-hellman-group-exchange-sha1"
)

// Supported returns the secure methods in default order of preference,
// post-quantum first. The caller owns the returned slice.
func Supported() []string {
	return []string{
		MLKEM768X25519SHA256,
		Curve25519SHA256,
		Curve25519SHA256LibSSH,
		ECDHSHA2NISTP256,
		ECDHSHA2NISTP384,
		ECDHSHA2NISTP521,
		DHGEXSHA256,
		DHGroup16SHA512,
		DHGroup18SHA512,
		DHGroup14SHA256,
	}
}

// Insecure returns methods that Lookup knows but that are never enabled by
// default: they rely on SHA-1 or on a 1024-bit group. The caller owns the
// returned slice.
func Insecure() []string {
	return []string{DHGroup14SHA1, DHGEXSHA1, DHGroup1SHA1}
}

// Lookup returns the method with the given name, secure or insecure. Group
// exchange methods come back as a new *GroupExchange with default settings,
// which the caller may adjust before use.
func Lookup(name string) (Method, bool) {
	switch name {
	case MLKEM768X25519SHA256:
		return oneRound{mlkemAgreement{}}, true
	case Curve25519SHA256, Curve25519SHA256LibSSH:
		return oneRound{curve25519Agreement{}}, true
	case ECDHSHA2NISTP256:
		return oneRound{nistP256}, true
	case ECDHSHA2NISTP384:
		return oneRound{nistP384}, true
	case ECDHSHA2NISTP521:
		return oneRound{nistP521}, true
	case DHGEXSHA256:
		return &GroupExchange{Hash: crypto.SHA256}, true
	case DHGEXSHA1:
		return &GroupExchange{Hash: crypto.SHA1}, true
	case DHGroup16SHA512:
		return oneRound{dhAgreement{groupMODP16, crypto.SHA512}}, true
	case DHGroup18SHA512:
		return oneRound{dhAgreement{groupMODP18, crypto.SHA512}}, true
	case DHGroup14SHA256:
		return oneRound{dhAgreement{groupMODP14, crypto.SHA256}}, true
	case DHGroup14SHA1:
		return oneRound{dhAgreement{groupMODP14, crypto.SHA1}}, true
	case DHGroup1SHA1:
		return oneRound{dhAgreement{groupOakley2, crypto.SHA1}}, true
	}
	return nil, false
}
