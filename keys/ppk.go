package keys

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/dsa" //lint:ignore SA1019 legacy ssh-dss keys are still accepted.
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math"
	"math/big"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/ssh2go/ssh2/internal/wire"
)

// ErrCorruptMAC reports a PuTTY key file whose MAC does not verify
// although the private key decrypted (or was never encrypted): the file
// was altered, as opposed to ErrIncorrectPassphrase.
var ErrCorruptMAC = errors.New("keys: key file MAC does not verify (file corrupted or altered)")

// Limits on what a PPK file may ask of us. Argon2 fills at least 8 KiB
// per lane whatever memory the file declares, so the work bound applies
// to that effective memory times the passes. PuTTYgen writes 8 MiB, one
// lane and passes tuned to about 100 ms.
const (
	ppkMaxLines     = 1024
	ppkMaxArgonMem  = 1 << 18 // KiB: 256 MiB
	ppkMaxArgonPar  = 64      // lanes
	ppkMaxArgonWork = 1 << 24 // effective KiB × passes
	ppkLineLen      = 64
)

// ppkArgon2 is the key derivation of an encrypted PPK v3 file.
type ppkArgon2 struct {
	kdf              string // "Argon2id", "Argon2i" or "Argon2d"
	mem, passes, par uint32
}

// ppkDefaultArgon2 is what MarshalPPK uses (PuTTYgen's memory and
// parallelism).
var ppkDefaultArgon2 = ppkArgon2{kdf: "Argon2id", mem: 8192, passes: 13, par: 1}

// isPPK reports whether data starts like a PuTTY key file.
func isPPK(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("PuTTY-User-Key-File-"))
}

// ppkFile is the decoded outer layer of a PPK file.
type ppkFile struct {
	version   int
	algo, enc string
	comment   string
	pub, priv []byte
	ppkArgon2 // when encrypted (v3)
	salt      []byte
	mac       []byte
}

// ppkLines walks the lines of a PPK file.
type ppkLines struct {
	lines []string
	err   error
}

// field reads the next line, which must be "name: value".
func (l *ppkLines) field(name string) string {
	if l.err != nil {
		return ""
	}
	if len(l.lines) == 0 {
		l.err = malformed("PPK file truncated before " + name)
		return ""
	}
	v, ok := strings.CutPrefix(l.lines[0], name+": ")
	if !ok {
		l.err = malformed("PPK file: expected " + name)
		return ""
	}
	l.lines = l.lines[1:]
	return v
}

// number reads a decimal field.
func (l *ppkLines) number(name string, maxV uint64) uint32 {
	s := l.field(name)
	if l.err != nil {
		return 0
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n > maxV {
		l.err = malformed("PPK file: bad " + name)
		return 0
	}
	return uint32(n)
}

// blob reads a "NAME-Lines: n" field and n base64 lines.
func (l *ppkLines) blob(name string) []byte {
	n := int(l.number(name+"-Lines", ppkMaxLines))
	if l.err != nil {
		return nil
	}
	if n > len(l.lines) {
		l.err = malformed("PPK file truncated in " + name + " lines")
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(strings.Join(l.lines[:n], ""))
	if err != nil {
		l.err = malformed("PPK file: " + name + " base64")
		return nil
	}
	l.lines = l.lines[n:]
	return b
}

func parsePPKFile(data []byte) (*ppkFile, error) {
	if len(data) > MaxPrivateKeyFileLen {
		return nil, malformed("PPK file too long")
	}
	text := strings.ReplaceAll(string(bytes.TrimLeft(data, " \t\r\n")), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	l := &ppkLines{lines: strings.Split(text, "\n")}
	f := &ppkFile{}
	first := l.lines[0]
	l.lines = l.lines[1:]
	switch {
	case strings.HasPrefix(first, "PuTTY-User-Key-File-3: "):
		f.version = 3
	case strings.HasPrefix(first, "PuTTY-User-Key-File-2: "):
		f.version = 2
	default:
		return nil, fmt.Errorf("%w: PPK version", ErrUnsupportedKeyType)
	}
	_, f.algo, _ = strings.Cut(first, ": ")
	f.enc = l.field("Encryption")
	f.comment = l.field("Comment")
	f.pub = l.blob("Public")
	if f.version == 3 && f.enc != "none" {
		f.kdf = l.field("Key-Derivation")
		f.mem = l.number("Argon2-Memory", math.MaxUint32)
		f.passes = l.number("Argon2-Passes", math.MaxUint32)
		f.par = l.number("Argon2-Parallelism", math.MaxUint32)
		salt := l.field("Argon2-Salt")
		if l.err == nil {
			var err error
			if f.salt, err = hex.DecodeString(salt); err != nil {
				return nil, malformed("PPK Argon2-Salt")
			}
		}
	}
	f.priv = l.blob("Private")
	mac := l.field("Private-MAC")
	if l.err != nil {
		return nil, l.err
	}
	var err error
	if f.mac, err = hex.DecodeString(mac); err != nil {
		return nil, malformed("PPK Private-MAC")
	}
	for _, rest := range l.lines {
		if strings.TrimSpace(rest) != "" {
			return nil, malformed("PPK trailing data")
		}
	}
	switch f.enc {
	case "none", "aes256-cbc":
	default:
		return nil, fmt.Errorf("%w: PPK encryption %q", ErrUnsupportedCipher, truncName([]byte(f.enc)))
	}
	return f, nil
}

// ppkKeys derives the cipher key, IV and MAC key for f.
func (f *ppkFile) keys(passphrase []byte) (key, iv, macKey []byte, err error) {
	if f.version == 2 {
		h := sha1.New()
		h.Write([]byte("putty-private-key-file-mac-key"))
		if f.enc != "none" {
			h.Write(passphrase)
			var k []byte
			for i := range uint32(2) {
				hh := sha1.New()
				hh.Write(wire.AppendUint32(nil, i))
				hh.Write(passphrase)
				k = hh.Sum(k)
			}
			key, iv = k[:32], make([]byte, aes.BlockSize)
		}
		return key, iv, h.Sum(nil), nil
	}
	if f.enc == "none" {
		return nil, nil, nil, nil
	}
	if err := f.checkArgon2(); err != nil {
		return nil, nil, nil, err
	}
	var out []byte
	switch f.kdf {
	case "Argon2id":
		out = argon2.IDKey(passphrase, f.salt, f.passes, f.mem, uint8(f.par), 80)
	case "Argon2i":
		out = argon2.Key(passphrase, f.salt, f.passes, f.mem, uint8(f.par), 80)
	case "Argon2d":
		out = argon2dKey(passphrase, f.salt, nil, nil, f.passes, f.mem, uint8(f.par), 80)
	}
	return out[:32], out[32:48], out[48:], nil
}

// checkArgon2 vets the KDF header of an encrypted v3 file before any
// work is done: a known Argon2 variant, non-zero parameters, and memory,
// lanes and effective work (max(memory, 8 KiB × lanes) × passes) within
// the limits above.
func (f *ppkFile) checkArgon2() error {
	switch f.kdf {
	case "Argon2id", "Argon2i", "Argon2d":
	default:
		return fmt.Errorf("%w: PPK key derivation %q", ErrUnsupportedCipher, truncName([]byte(f.kdf)))
	}
	if f.mem == 0 || f.passes == 0 || f.par == 0 {
		return malformed("PPK Argon2 parameters must not be zero")
	}
	if f.mem > ppkMaxArgonMem || f.par > ppkMaxArgonPar {
		return fmt.Errorf("%w: PPK Argon2 memory %d KiB or parallelism %d exceeds %d KiB or %d",
			ErrKDFTooExpensive, f.mem, f.par, ppkMaxArgonMem, ppkMaxArgonPar)
	}
	mem := max(uint64(f.mem), 8*uint64(f.par))
	if mem*uint64(f.passes) > ppkMaxArgonWork {
		return fmt.Errorf("%w: PPK Argon2 work %d KiB × %d passes exceeds %d",
			ErrKDFTooExpensive, mem, f.passes, ppkMaxArgonWork)
	}
	return nil
}

// macData is the byte string the PPK MAC covers.
func ppkMACData(algo, enc, comment string, pub, priv []byte) []byte {
	b := wire.AppendText(nil, algo)
	b = wire.AppendText(b, enc)
	b = wire.AppendText(b, comment)
	b = wire.AppendString(b, pub)
	return wire.AppendString(b, priv)
}

func (f *ppkFile) newMAC(macKey []byte) hash.Hash {
	if f.version == 2 {
		return hmac.New(sha1.New, macKey)
	}
	return hmac.New(sha256.New, macKey)
}

// parsePPK parses a PuTTY private key file, versions 2 and 3.
func parsePPK(data, passphrase []byte) (Signer, error) {
	f, err := parsePPKFile(data)
	if err != nil {
		return nil, err
	}
	pub, err := ParsePublicKey(f.pub)
	if err != nil {
		return nil, err
	}
	if pub.Type() != f.algo {
		return nil, malformed("PPK algorithm differs from the public key")
	}
	if f.enc != "none" && len(passphrase) == 0 {
		return nil, &PassphraseMissingError{PublicKey: pub}
	}
	key, iv, macKey, err := f.keys(passphrase)
	if err != nil {
		return nil, err
	}
	priv := f.priv
	if f.enc != "none" {
		if len(priv) == 0 || len(priv)%aes.BlockSize != 0 {
			return nil, malformed("PPK private blob length")
		}
		block, _ := aes.NewCipher(key)
		priv = bytes.Clone(priv)
		cipher.NewCBCDecrypter(block, iv).CryptBlocks(priv, priv)
	}
	m := f.newMAC(macKey)
	m.Write(ppkMACData(f.algo, f.enc, f.comment, f.pub, priv))
	macOK := hmac.Equal(m.Sum(nil), f.mac)
	s, perr := ppkPrivate(pub, priv)
	switch {
	case macOK && perr == nil:
	case macOK:
		return nil, perr
	case f.enc != "none" && perr != nil:
		return nil, ErrIncorrectPassphrase
	default:
		return nil, ErrCorruptMAC
	}
	s.(interface{ setComment(string) }).setComment(f.comment)
	return s, nil
}

// ppkPrivate decodes a PPK private blob (padding allowed after it) for
// the given public key and checks that the two halves match.
func ppkPrivate(pub PublicKey, priv []byte) (Signer, error) {
	d := wire.NewDecoder(priv)
	var s Signer
	var err error
	switch k := pub.(type) {
	case *ed25519Public:
		seed := d.String()
		if d.Err() != nil || len(seed) != ed25519.SeedSize {
			return nil, malformed("PPK ed25519 private key")
		}
		s, err = newED25519Signer(ed25519.NewKeyFromSeed(seed))
	case *ecdsaPublic:
		dv := boundedMpint(&d)
		if d.Err() != nil {
			return nil, malformed("PPK ecdsa private key")
		}
		s, err = ecdsaFromScalar(k, dv)
	case *rsaPublic:
		dv, p, q := boundedMpint(&d), boundedMpint(&d), boundedMpint(&d)
		boundedMpint(&d) // iqmp, recomputed
		if d.Err() != nil {
			return nil, malformed("PPK rsa private key")
		}
		s, err = rsaFromParts(k.key.N, big.NewInt(int64(k.key.E)), dv, p, q)
	case *dsaPublic:
		x := boundedMpint(&d)
		if d.Err() != nil {
			return nil, malformed("PPK dsa private key")
		}
		s, err = newDSASigner(&dsa.PrivateKey{PublicKey: *k.key, X: x})
	default:
		return nil, unsupportedType(pub.Type())
	}
	if err != nil {
		return nil, err
	}
	if !Equal(s.PublicKey(), pub) {
		return nil, invalid("PPK private key does not match public key")
	}
	return s, nil
}

// MarshalPPK writes s as a PuTTY private key file, format version 3. An
// empty passphrase leaves it unencrypted; otherwise it is encrypted with
// aes256-cbc under an Argon2id-derived key (8 MiB, 13 passes, as
// PuTTYgen's defaults roughly are).
func MarshalPPK(s Signer, comment string, passphrase []byte) ([]byte, error) {
	return marshalPPK(s, comment, passphrase, ppkDefaultArgon2)
}

// marshalPPK is MarshalPPK with the given Argon2 parameters.
func marshalPPK(s Signer, comment string, passphrase []byte, kdf ppkArgon2) ([]byte, error) {
	if strings.ContainsAny(comment, "\r\n") {
		return nil, errors.New("keys: PPK comment must not contain line breaks")
	}
	priv, err := ppkPrivateBlob(s)
	if err != nil {
		return nil, err
	}
	pub := s.PublicKey().Marshal()
	algo := s.PublicKey().Type()
	f := &ppkFile{version: 3, enc: "none"}
	if len(passphrase) > 0 {
		f.enc, f.ppkArgon2 = "aes256-cbc", kdf
		f.salt = make([]byte, 16)
		if _, err := rand.Read(f.salt); err != nil {
			return nil, err
		}
		if pad := aes.BlockSize - len(priv)%aes.BlockSize; pad != aes.BlockSize {
			p := make([]byte, pad)
			if _, err := rand.Read(p); err != nil {
				return nil, err
			}
			priv = append(priv, p...)
		}
	}
	key, iv, macKey, err := f.keys(passphrase)
	if err != nil {
		return nil, err
	}
	m := f.newMAC(macKey)
	m.Write(ppkMACData(algo, f.enc, comment, pub, priv))
	mac := m.Sum(nil)
	if f.enc != "none" {
		block, _ := aes.NewCipher(key)
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(priv, priv)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "PuTTY-User-Key-File-3: %s\nEncryption: %s\nComment: %s\n", algo, f.enc, comment)
	writePPKLines(&b, "Public", pub)
	if f.enc != "none" {
		fmt.Fprintf(&b, "Key-Derivation: %s\nArgon2-Memory: %d\nArgon2-Passes: %d\nArgon2-Parallelism: %d\nArgon2-Salt: %x\n",
			f.kdf, f.mem, f.passes, f.par, f.salt)
	}
	writePPKLines(&b, "Private", priv)
	fmt.Fprintf(&b, "Private-MAC: %x\n", mac)
	return []byte(b.String()), nil
}

func writePPKLines(b *strings.Builder, name string, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	fmt.Fprintf(b, "%s-Lines: %d\n", name, (len(enc)+ppkLineLen-1)/ppkLineLen)
	for len(enc) > ppkLineLen {
		b.WriteString(enc[:ppkLineLen] + "\n")
		enc = enc[ppkLineLen:]
	}
	b.WriteString(enc + "\n")
}

// ppkPrivateBlob encodes the private half as PuTTY stores it.
func ppkPrivateBlob(s Signer) ([]byte, error) {
	switch s := s.(type) {
	case *ed25519Signer:
		return wire.AppendString(nil, s.priv.Seed()), nil
	case *ecdsaSigner:
		return wire.AppendMpint(nil, s.priv.D), nil
	case *rsaSigner:
		k := s.priv
		if len(k.Primes) != 2 {
			return nil, fmt.Errorf("%w: multi-prime RSA", ErrUnsupportedKeyType)
		}
		p, q := k.Primes[0], k.Primes[1]
		iqmp := new(big.Int).ModInverse(q, p)
		if iqmp == nil {
			return nil, invalid("rsa primes")
		}
		b := wire.AppendMpint(nil, k.D)
		b = wire.AppendMpint(b, p)
		b = wire.AppendMpint(b, q)
		return wire.AppendMpint(b, iqmp), nil
	case *dsaSigner:
		return wire.AppendMpint(nil, s.priv.X), nil
	}
	return nil, fmt.Errorf("%w: signer %T was not made by package keys", ErrUnsupportedKeyType, s)
}
