package keys

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"hash"
	"io"
	"strings"

	"github.com/ssh2go/ssh2/internal/wire"
)

// SSHSIG framing (PROTOCOL.sshsig).
const (
	sshsigMagic    = "SSHSIG"
	sshsigVersion  = 1
	sshsigBegin    = "-----BEGIN SSH SIGNATURE-----"
	sshsigEnd      = "-----END SSH SIGNATURE-----"
	sshsigLineLen  = 70
	maxSSHSIGBytes = 64 << 10
)

// ErrNamespace reports an SSHSIG signature made for another namespace.
var ErrNamespace = errors.New("keys: signature namespace mismatch")

func sshsigHash(name string) (hash.Hash, bool) {
	switch name {
	case "sha256":
		return sha256.New(), true
	case "sha512":
		return sha512.New(), true
	}
	return nil, false
}

// sshsigSigned builds the blob an SSHSIG signature covers.
func sshsigSigned(namespace, hashAlg string, digest []byte) []byte {
	b := []byte(sshsigMagic)
	b = wire.AppendText(b, namespace)
	b = wire.AppendString(b, nil)
	b = wire.AppendText(b, hashAlg)
	return wire.AppendString(b, digest)
}

// SignSSHSIG signs message as ssh-keygen -Y sign does and returns the
// armored signature ("-----BEGIN SSH SIGNATURE-----"). hashAlg is
// "sha256" or "sha512" ("" means sha512). RSA keys sign with
// rsa-sha2-512.
func SignSSHSIG(s Signer, namespace, hashAlg string, message io.Reader) ([]byte, error) {
	if namespace == "" {
		return nil, errors.New("keys: SSHSIG namespace must not be empty")
	}
	if hashAlg == "" {
		hashAlg = "sha512"
	}
	h, ok := sshsigHash(hashAlg)
	if !ok {
		return nil, unsupportedAlgo(hashAlg)
	}
	if _, err := io.Copy(h, message); err != nil {
		return nil, err
	}
	algo := s.Algorithms()[0]
	if p, ok := CertAlgorithmUnderlying(algo); ok {
		algo = p
	}
	sig, err := s.Sign(nil, algo, sshsigSigned(namespace, hashAlg, h.Sum(nil)))
	if err != nil {
		return nil, err
	}
	b := []byte(sshsigMagic)
	b = wire.AppendUint32(b, sshsigVersion)
	b = wire.AppendString(b, s.PublicKey().Marshal())
	b = wire.AppendText(b, namespace)
	b = wire.AppendString(b, nil)
	b = wire.AppendText(b, hashAlg)
	b = wire.AppendString(b, sig)
	return armor(sshsigBegin, sshsigEnd, b, sshsigLineLen), nil
}

// armor base64-encodes b between begin and end lines, wrapping at width.
func armor(begin, end string, b []byte, width int) []byte {
	enc := base64.StdEncoding.EncodeToString(b)
	var out bytes.Buffer
	out.WriteString(begin + "\n")
	for len(enc) > width {
		out.WriteString(enc[:width] + "\n")
		enc = enc[width:]
	}
	out.WriteString(enc + "\n" + end + "\n")
	return out.Bytes()
}

// SSHSignature is a decoded SSHSIG signature.
type SSHSignature struct {
	PublicKey PublicKey
	Namespace string
	HashAlg   string
	Signature []byte
}

// ParseSSHSIG decodes an armored SSHSIG signature without verifying it.
func ParseSSHSIG(armored []byte) (*SSHSignature, error) {
	if len(armored) > maxSSHSIGBytes {
		return nil, malformed("SSHSIG too long")
	}
	text := strings.TrimSpace(string(armored))
	body, ok := strings.CutPrefix(text, sshsigBegin)
	if !ok {
		return nil, malformed("SSHSIG armor")
	}
	body, ok = strings.CutSuffix(body, sshsigEnd)
	if !ok {
		return nil, malformed("SSHSIG armor")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(body), ""))
	if err != nil {
		return nil, malformed("SSHSIG base64")
	}
	rest, ok := bytes.CutPrefix(raw, []byte(sshsigMagic))
	if !ok {
		return nil, malformed("SSHSIG magic")
	}
	d := wire.NewDecoder(rest)
	ver := d.Uint32()
	pub := d.String()
	ns := d.String()
	d.String() // reserved
	ha := d.String()
	sig := d.String()
	if err := d.Finish(); err != nil {
		return nil, malformed("SSHSIG fields")
	}
	if ver != sshsigVersion {
		return nil, malformed("SSHSIG version")
	}
	pk, err := ParsePublicKey(pub)
	if err != nil {
		return nil, err
	}
	return &SSHSignature{PublicKey: pk, Namespace: string(ns), HashAlg: string(ha), Signature: bytes.Clone(sig)}, nil
}

// VerifySSHSIG checks an armored SSHSIG signature of message made for
// namespace and returns the signing key; the caller decides whether that
// key is trusted (for example with an allowed_signers file). ssh-rsa
// (SHA-1) signatures are refused, as ssh-keygen refuses them.
func VerifySSHSIG(armored []byte, namespace string, message io.Reader) (PublicKey, error) {
	s, err := ParseSSHSIG(armored)
	if err != nil {
		return nil, err
	}
	if s.Namespace != namespace {
		return nil, ErrNamespace
	}
	h, ok := sshsigHash(s.HashAlg)
	if !ok {
		return nil, unsupportedAlgo(s.HashAlg)
	}
	if algo, err := SignatureAlgorithm(s.Signature); err != nil {
		return nil, err
	} else if algo == SigRSASHA1 {
		return nil, unsupportedAlgo(algo)
	}
	if _, err := io.Copy(h, message); err != nil {
		return nil, err
	}
	if err := s.PublicKey.Verify(sshsigSigned(namespace, s.HashAlg, h.Sum(nil)), s.Signature); err != nil {
		return nil, err
	}
	return s.PublicKey, nil
}
