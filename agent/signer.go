package agent

import (
	"fmt"
	"io"

	"github.com/ssh2go/ssh2/keys"
)

// agentSigner is a keys.Signer whose private key lives in an agent.
type agentSigner struct {
	agent   Agent
	pub     keys.PublicKey
	comment string
}

// PublicKey returns the identity's public key.
func (s *agentSigner) PublicKey() keys.PublicKey { return s.pub }

// Comment returns the identity's comment (keys.Commented).
func (s *agentSigner) Comment() string { return s.comment }

// Algorithms lists the signature algorithms the agent can make with the
// key, RSA's SHA-2 variants first. For a certificate identity they are
// the certificate algorithm names ("rsa-sha2-512-cert-v01@openssh.com").
func (s *agentSigner) Algorithms() []string {
	cert, ok := s.pub.(*keys.Certificate)
	if !ok {
		return algorithmsFor(s.pub.Type())
	}
	var out []string
	for _, a := range algorithmsFor(cert.Key.Type()) {
		if ca, ok := keys.CertAlgorithm(a); ok {
			out = append(out, ca)
		}
	}
	return out
}

// plainType returns the key type the agent signs with: a certificate's
// certified key type, otherwise the key's own type.
func (s *agentSigner) plainType() string {
	if cert, ok := s.pub.(*keys.Certificate); ok {
		return cert.Key.Type()
	}
	return s.pub.Type()
}

func algorithmsFor(keyType string) []string {
	if keyType == keys.TypeRSA {
		return []string{keys.SigRSASHA512, keys.SigRSASHA256, keys.SigRSASHA1}
	}
	return []string{keyType}
}

// flagsFor maps a signature algorithm to the sign request flags.
func flagsFor(keyType, algorithm string) (SignFlags, error) {
	if keyType == keys.TypeRSA {
		switch algorithm {
		case keys.SigRSASHA512:
			return SignatureFlagRSASHA512, nil
		case keys.SigRSASHA256:
			return SignatureFlagRSASHA256, nil
		case keys.SigRSASHA1:
			return 0, nil
		}
	} else if algorithm == keyType {
		return 0, nil
	}
	return 0, fmt.Errorf("%w: %s for %s key", keys.ErrUnsupportedAlgorithm, algorithm, keyType)
}

// Sign asks the agent for a signature with algorithm, and checks that the
// reply is a signature of that algorithm by this key. A certificate
// algorithm name signs with its plain algorithm, as PROTOCOL.certkeys
// requires. rand is unused.
func (s *agentSigner) Sign(_ io.Reader, algorithm string, data []byte) ([]byte, error) {
	if plain, ok := keys.CertAlgorithmUnderlying(algorithm); ok {
		if _, isCert := s.pub.(*keys.Certificate); isCert {
			algorithm = plain
		}
	}
	flags, err := flagsFor(s.plainType(), algorithm)
	if err != nil {
		return nil, err
	}
	sig, err := s.agent.Sign(s.pub, data, flags)
	if err != nil {
		return nil, err
	}
	if got := signatureAlgorithm(sig); got != algorithm {
		return nil, fmt.Errorf("%w: asked for %s, agent signed with %.64q", ErrUnexpectedReply, algorithm, got)
	}
	return sig, nil
}

// signatureAlgorithm returns the algorithm name heading a signature blob.
func signatureAlgorithm(sig []byte) string {
	d := wireDecoder(sig)
	return string(d.String())
}
