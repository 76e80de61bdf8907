package auth

import (
	"slices"

	"github.com/ssh2go/ssh2/keys"
)

// OpenSSH certificates (PROTOCOL.certkeys) travel in publickey requests
// under their own algorithm names ("ssh-ed25519-cert-v01@openssh.com",
// "rsa-sha2-512-cert-v01@openssh.com", ...) with the certificate blob as
// the public key, while the signature is an ordinary one made by the
// certified key with the plain algorithm ("ssh-ed25519",
// "rsa-sha2-512"). The helpers here map between the two.

// signatureAlgorithm returns the algorithm named inside the signature of
// a publickey request for alg: the plain algorithm under a certificate
// algorithm, alg itself otherwise.
func signatureAlgorithm(alg string) string {
	if p, ok := keys.CertAlgorithmUnderlying(alg); ok {
		return p
	}
	return alg
}

// algorithmAllowed reports whether the configured list allows alg. A
// certificate algorithm is allowed when either its own name or the
// plain algorithm underneath is listed, so that lists of plain names
// (the defaults, and server-sig-algs as OpenSSH sends it) cover
// certificates of those key types.
func algorithmAllowed(list []string, alg string) bool {
	return slices.Contains(list, alg) || slices.Contains(list, signatureAlgorithm(alg))
}

// plainKeyType returns the key type under a certificate type, or t.
func plainKeyType(t string) (plain string, cert bool) {
	if p, ok := keys.CertAlgorithmUnderlying(t); ok {
		return p, true
	}
	return t, false
}

// algorithmFitsKey reports whether publickey algorithm alg belongs to key
// type t: RFC 8332 names for RSA, the type itself for every other key,
// and for certificates the certificate forms of those (a certificate
// algorithm for a certificate key, a plain one for a plain key).
func algorithmFitsKey(alg, t string) bool {
	pt, tCert := plainKeyType(t)
	pa, aCert := plainKeyType(alg)
	if tCert != aCert {
		return false
	}
	if pt == keys.TypeRSA {
		return pa == keys.SigRSASHA512 || pa == keys.SigRSASHA256 || pa == keys.SigRSASHA1
	}
	return pa == pt
}
