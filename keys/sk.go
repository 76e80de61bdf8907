package keys

import (
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"

	"github.com/ssh2go/ssh2/internal/wire"
)

// SKFlagUserPresence is the "user present" bit of a security-key
// signature's flags (PROTOCOL.u2f).
const SKFlagUserPresence = 0x01

// maxApplicationLen bounds the application string of a security key.
const maxApplicationLen = 1024

// SecurityKey is implemented by the public halves of FIDO/U2F security
// keys (sk-ecdsa-sha2-nistp256@openssh.com, sk-ssh-ed25519@openssh.com).
// Their Verify requires the user-presence flag; VerifySK lets a caller
// that allows "no-touch-required" relax that and see the counter.
type SecurityKey interface {
	PublicKey
	// Application is the FIDO application string, e.g. "ssh:".
	Application() string
	// VerifySK checks sig over data and returns the signature's flags
	// and counter. With requireUserPresence it fails when the
	// user-presence flag is clear.
	VerifySK(data, sig []byte, requireUserPresence bool) (flags byte, counter uint32, err error)
}

func parseApplication(d *wire.Decoder) (string, error) {
	app := d.String()
	if d.Err() != nil {
		return "", malformed("security key application")
	}
	if len(app) > maxApplicationLen {
		return "", invalid("security key application too long")
	}
	return string(app), nil
}

// skSignedData builds the blob a security key signs (PROTOCOL.u2f "SSH
// U2F signatures"): SHA256(application) || flags || counter ||
// SHA256(message). No extensions are defined for SSH.
func skSignedData(app string, flags byte, counter uint32, data []byte) []byte {
	b := make([]byte, 0, 32+1+4+32)
	ah := sha256.Sum256([]byte(app))
	b = append(b, ah[:]...)
	b = append(b, flags)
	b = binary.BigEndian.AppendUint32(b, counter)
	mh := sha256.Sum256(data)
	return append(b, mh[:]...)
}

// splitSKSignature decodes string algo, string body, byte flags, uint32
// counter.
func splitSKSignature(sig []byte, want string) (body []byte, flags byte, counter uint32, err error) {
	algo, body, rest, err := splitSignature(sig)
	if err != nil {
		return nil, 0, 0, err
	}
	if algo != want {
		return nil, 0, 0, unsupportedAlgo(algo)
	}
	d := wire.NewDecoder(rest)
	flags = d.Byte()
	counter = d.Uint32()
	if d.Finish() != nil {
		return nil, 0, 0, malformed("security key signature")
	}
	return body, flags, counter, nil
}

// skECDSAPublic is an sk-ecdsa-sha2-nistp256@openssh.com public key.
type skECDSAPublic struct {
	ec  *ecdsaPublic
	app string
}

func parseSKECDSA(d *wire.Decoder) (*skECDSAPublic, error) {
	ec, err := parseECDSA(TypeECDSA256, d)
	if err != nil {
		return nil, err
	}
	app, err := parseApplication(d)
	if err != nil {
		return nil, err
	}
	return &skECDSAPublic{ec: ec, app: app}, nil
}

func (k *skECDSAPublic) Type() string        { return TypeSKECDSA }
func (k *skECDSAPublic) Application() string { return k.app }

func (k *skECDSAPublic) Marshal() []byte {
	b := wire.AppendText(nil, TypeSKECDSA)
	b = wire.AppendText(b, k.ec.curve.ident)
	b = wire.AppendString(b, k.ec.point)
	return wire.AppendText(b, k.app)
}

func (k *skECDSAPublic) Verify(data, sig []byte) error {
	_, _, err := k.VerifySK(data, sig, true)
	return err
}

func (k *skECDSAPublic) VerifySK(data, sig []byte, requireUserPresence bool) (byte, uint32, error) {
	body, flags, counter, err := splitSKSignature(sig, TypeSKECDSA)
	if err != nil {
		return 0, 0, err
	}
	digest := sha256.Sum256(skSignedData(k.app, flags, counter, data))
	if err := verifyECDSABody(k.ec.key, body, digest[:]); err != nil {
		return 0, 0, err
	}
	if requireUserPresence && flags&SKFlagUserPresence == 0 {
		return flags, counter, ErrVerification
	}
	return flags, counter, nil
}

func (k *skECDSAPublic) CryptoPublicKey() crypto.PublicKey { return k.ec.key }

// skED25519Public is an sk-ssh-ed25519@openssh.com public key.
type skED25519Public struct {
	key ed25519.PublicKey
	app string
}

func parseSKED25519(d *wire.Decoder) (*skED25519Public, error) {
	k := d.String()
	if d.Err() != nil {
		return nil, malformed("sk-ssh-ed25519 key")
	}
	if len(k) != ed25519.PublicKeySize {
		return nil, invalid("sk-ssh-ed25519 key length")
	}
	app, err := parseApplication(d)
	if err != nil {
		return nil, err
	}
	return &skED25519Public{key: append(ed25519.PublicKey(nil), k...), app: app}, nil
}

func (k *skED25519Public) Type() string        { return TypeSKED25519 }
func (k *skED25519Public) Application() string { return k.app }

func (k *skED25519Public) Marshal() []byte {
	b := wire.AppendText(nil, TypeSKED25519)
	b = wire.AppendString(b, k.key)
	return wire.AppendText(b, k.app)
}

func (k *skED25519Public) Verify(data, sig []byte) error {
	_, _, err := k.VerifySK(data, sig, true)
	return err
}

func (k *skED25519Public) VerifySK(data, sig []byte, requireUserPresence bool) (byte, uint32, error) {
	body, flags, counter, err := splitSKSignature(sig, TypeSKED25519)
	if err != nil {
		return 0, 0, err
	}
	if len(body) != ed25519.SignatureSize {
		return 0, 0, malformed("sk-ssh-ed25519 signature length")
	}
	if !ed25519.Verify(k.key, skSignedData(k.app, flags, counter, data), body) {
		return 0, 0, ErrVerification
	}
	if requireUserPresence && flags&SKFlagUserPresence == 0 {
		return flags, counter, ErrVerification
	}
	return flags, counter, nil
}

func (k *skED25519Public) CryptoPublicKey() crypto.PublicKey { return k.key }
