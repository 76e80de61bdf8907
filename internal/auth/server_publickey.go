package auth

import (
	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// PublicKeyRequest is a publickey attempt.
type PublicKeyRequest struct {
	Attempt
	// Key is the client's public key, parsed from the request. For an
	// OpenSSH certificate it is a *keys.Certificate whose CA signature,
	// validity and principals have NOT been checked: use a checker such
	// as keys.CertChecker (or the ssh2 package's UserCertAuthority)
	// before trusting anything it says. A Verified request only proves
	// that the client holds the private key of the certified key.
	Key keys.PublicKey
	// Algorithm is the algorithm named in the request; it matches Key's
	// type. For a certificate it is a certificate algorithm such as
	// "rsa-sha2-512-cert-v01@openssh.com", and the signature was made
	// with the plain algorithm underneath.
	Algorithm string
	// Verified is true when the client signed the request and the
	// signature by Key over this session was checked before the call.
	// When false the client only asked whether Key would be accepted;
	// the decision then only chooses between PK_OK and FAILURE.
	Verified bool
}

// publicKey handles a publickey request. For a query it replies PK_OK
// itself and returns pkok. For a signed request the order is fixed:
// parse the key, check the algorithm against the config and the key type,
// verify the signature over the RFC 4252 §7 data bound to this session,
// and only then ask the application about that exact key. The returned
// step carries the same key, so the Result cannot name a key that did not
// sign.
func (s *server) publicKey(body []byte) (d Decision, step Step, pkok bool, err error) {
	step = Step{Method: wire.MethodPublicKey}
	var b wire.PublicKeyBody
	if b.Unmarshal(body) != nil {
		return Decision{}, step, false, protocolError("malformed publickey request")
	}
	if !algorithmAllowed(s.algs, b.Algorithm) {
		return Reject(), step, false, nil
	}
	key, err := keys.ParsePublicKey(b.PublicKey)
	if err != nil || !algorithmFitsKey(b.Algorithm, key.Type()) {
		return Reject(), step, false, nil
	}
	if !b.Signed {
		r := PublicKeyRequest{Attempt: s.attempt(), Key: key, Algorithm: b.Algorithm}
		switch s.cfg.PublicKeyCallback(s.l.ctx, &r).verdict {
		case verdictAccept, verdictPartial:
			ok := wire.UserAuthPKOK{Algorithm: b.Algorithm, PublicKey: b.PublicKey}
			return Decision{}, step, true, s.l.write(ok.Marshal(nil))
		}
		return Reject(), step, false, nil
	}
	sigAlg, err := keys.SignatureAlgorithm(b.Signature)
	if err != nil || sigAlg != signatureAlgorithm(b.Algorithm) {
		return Reject(), step, false, nil
	}
	data := wire.PublicKeySignedData(s.sid, s.user, s.service, b.Algorithm, b.PublicKey)
	if key.Verify(data, b.Signature) != nil {
		return Reject(), step, false, nil
	}
	r := PublicKeyRequest{Attempt: s.attempt(), Key: key, Algorithm: b.Algorithm, Verified: true}
	d = s.cfg.PublicKeyCallback(s.l.ctx, &r)
	step.PublicKey, step.Algorithm = key, b.Algorithm
	return d, step, false, nil
}
