package transport

import (
	"strings"

	"github.com/ssh2go/ssh2/internal/transport/cipher"
	"github.com/ssh2go/ssh2/internal/transport/kex"

	"github.com/ssh2go/ssh2/keys"
)

// DefaultHostKeyAlgorithms is the host key algorithm preference used when
// none is configured. ssh-rsa (SHA-1) is left out: it must be configured.
var DefaultHostKeyAlgorithms = []string{
	keys.SigED25519,
	keys.SigECDSA256, keys.SigECDSA384, keys.SigECDSA521,
	keys.SigRSASHA512, keys.SigRSASHA256,
}

// CertHostKeyAlgorithms are the OpenSSH host certificate algorithms
// (PROTOCOL.certkeys) enabled by default, most preferred first. A server
// offers them for host keys given as certificate signers. A client does
// not offer them unless configured: a certificate is worth asking for only
// when the client trusts a CA for the host (knownhosts.DB.HostKeyAlgorithms
// puts them first for hosts with a @cert-authority line).
var CertHostKeyAlgorithms = []string{
	keys.CertTypeED25519,
	keys.CertTypeECDSA256, keys.CertTypeECDSA384, keys.CertTypeECDSA521,
	keys.CertSigRSASHA512, keys.CertSigRSASHA256,
}

// DefaultServerHostKeyAlgorithms is the server's host key algorithm
// preference when none is configured: certificates first, as OpenSSH
// orders them, then plain keys. Only algorithms some host key can make
// are offered; a certificate signer makes both its certificate
// algorithms and the plain ones of the key underneath.
var DefaultServerHostKeyAlgorithms = append(append([]string(nil), CertHostKeyAlgorithms...), DefaultHostKeyAlgorithms...)

// DefaultPubkeyAlgorithms is the user key signature algorithm list a server
// accepts and announces in server-sig-algs unless configured.
var DefaultPubkeyAlgorithms = []string{
	keys.SigED25519,
	keys.SigECDSA256, keys.SigECDSA384, keys.SigECDSA521,
	keys.TypeSKED25519, keys.TypeSKECDSA,
	keys.SigRSASHA512, keys.SigRSASHA256,
}

// clientKex is the client's key exchange preference: post-quantum hybrid
// first, as OpenSSH 10 does.
var clientKex = []string{
	kex.MLKEM768X25519SHA256,
	kex.Curve25519SHA256, kex.Curve25519SHA256LibSSH,
	kex.ECDHSHA2NISTP256, kex.ECDHSHA2NISTP384, kex.ECDHSHA2NISTP521,
	kex.DHGEXSHA256,
	kex.DHGroup16SHA512, kex.DHGroup18SHA512,
	kex.DHGroup14SHA256,
}

// serverKex leaves out the NIST-curve methods, which ssh-audit rates as
// failures; they stay supported when configured.
var serverKex = []string{
	kex.MLKEM768X25519SHA256,
	kex.Curve25519SHA256, kex.Curve25519SHA256LibSSH,
	kex.DHGEXSHA256,
	kex.DHGroup16SHA512, kex.DHGroup18SHA512,
	kex.DHGroup14SHA256,
}

// DefaultKexAlgorithms returns the default key exchange list of a side.
func DefaultKexAlgorithms(isClient bool) []string {
	if isClient {
		return clientKex
	}
	return serverKex
}

// clientMACs accepts SHA-1 MACs for old servers; the server does not offer
// them (ssh-audit fails them), encrypt-then-MAC first on both sides.
var clientMACs = []string{
	cipher.HMACSHA256ETM, cipher.HMACSHA512ETM,
	cipher.HMACSHA256, cipher.HMACSHA512,
	cipher.HMACSHA1ETM, cipher.HMACSHA1,
}

var serverMACs = []string{
	cipher.HMACSHA256ETM, cipher.HMACSHA512ETM,
	cipher.HMACSHA256, cipher.HMACSHA512,
}

// DefaultMACs returns the default MAC list of a side.
func DefaultMACs(isClient bool) []string {
	if isClient {
		return clientMACs
	}
	return serverMACs
}

func joinNames(n []string) string { return strings.Join(n, ",") }
