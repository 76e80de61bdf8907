package keys

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of these, so
// callers test them with errors.Is.
var (
	// ErrMalformed reports truncated or malformed input: a key blob,
	// signature blob, authorized_keys line or key file that does not
	// decode.
	ErrMalformed = errors.New("keys: malformed data")
	// ErrInvalidKey reports a key that decodes but is unacceptable: a
	// point off its curve, an RSA modulus outside the accepted sizes, an
	// insane exponent, mismatched public and private halves.
	ErrInvalidKey = errors.New("keys: invalid key")
	// ErrUnsupportedKeyType reports a key type this package does not
	// handle (for example certificates, or security-key private keys).
	ErrUnsupportedKeyType = errors.New("keys: unsupported key type")
	// ErrUnsupportedAlgorithm reports a signature algorithm the key
	// cannot make or check.
	ErrUnsupportedAlgorithm = errors.New("keys: unsupported signature algorithm")
	// ErrUnsupportedCipher reports a private-key file encrypted with a
	// cipher or KDF this package does not implement.
	ErrUnsupportedCipher = errors.New("keys: unsupported cipher or KDF")
	// ErrKDFTooExpensive reports an encrypted private-key file whose key
	// derivation parameters (bcrypt rounds, PBKDF2 iterations, Argon2
	// memory, lanes and passes) ask for more work than this package
	// agrees to do; it is checked before any derivation runs.
	ErrKDFTooExpensive = errors.New("keys: key derivation too expensive")
	// ErrVerification reports a well-formed signature that does not
	// verify.
	ErrVerification = errors.New("keys: signature verification failed")
	// ErrIncorrectPassphrase reports that an encrypted private key did not
	// decrypt with the given passphrase.
	ErrIncorrectPassphrase = errors.New("keys: incorrect passphrase")
)

// PassphraseMissingError is returned when parsing an encrypted private key
// without a passphrase. PublicKey holds the public key when the file
// carries it in clear (OpenSSH format), and is nil otherwise.
type PassphraseMissingError struct {
	PublicKey PublicKey
}

// Error implements error.
func (e *PassphraseMissingError) Error() string {
	return "keys: private key is encrypted and no passphrase was given"
}

// malformed wraps ErrMalformed with a description.
func malformed(what string) error {
	return fmt.Errorf("%w: %s", ErrMalformed, what)
}

// invalid wraps ErrInvalidKey with a description.
func invalid(what string) error {
	return fmt.Errorf("%w: %s", ErrInvalidKey, what)
}

// unsupportedType wraps ErrUnsupportedKeyType with the type name, quoted
// so hostile bytes print safely.
func unsupportedType(name string) error {
	if len(name) > 64 {
		name = name[:64] + "..."
	}
	return fmt.Errorf("%w: %q", ErrUnsupportedKeyType, name)
}

// unsupportedAlgo wraps ErrUnsupportedAlgorithm with the algorithm name.
func unsupportedAlgo(name string) error {
	if len(name) > 64 {
		name = name[:64] + "..."
	}
	return fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, name)
}
