package keys

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
)

// fuzzPassphrase is the passphrase FuzzParsePrivateKeyPassphrase passes
// and its encrypted seeds are made with, so mutations of them reach the
// code after decryption.
const fuzzPassphrase = "fuzz pass"

// pkcs7Pad pads b to a multiple of blockSize.
func pkcs7Pad(b []byte, blockSize int) []byte {
	n := blockSize - len(b)%blockSize
	return append(bytes.Clone(b), bytes.Repeat([]byte{byte(n)}, n)...)
}

// encryptLegacyPEM encrypts a traditional PEM key as OpenSSL does
// ("Proc-Type: 4,ENCRYPTED", EVP_BytesToKey with MD5 and one round).
func encryptLegacyPEM(t testing.TB, typ string, der []byte, pass, algo string) []byte {
	t.Helper()
	keyLen, newBlock := 24, des.NewTripleDESCipher
	switch algo {
	case "AES-128-CBC":
		keyLen, newBlock = 16, aes.NewCipher
	case "AES-192-CBC":
		keyLen, newBlock = 24, aes.NewCipher
	case "AES-256-CBC":
		keyLen, newBlock = 32, aes.NewCipher
	}
	blockSize := aes.BlockSize
	if algo == "DES-EDE3-CBC" {
		blockSize = des.BlockSize
	}
	iv := make([]byte, blockSize)
	rand.Read(iv)
	var key, prev []byte
	for len(key) < keyLen {
		h := md5.New()
		h.Write(prev)
		h.Write([]byte(pass))
		h.Write(iv[:8])
		prev = h.Sum(nil)
		key = append(key, prev...)
	}
	b, err := newBlock(key[:keyLen])
	if err != nil {
		t.Fatal(err)
	}
	body := pkcs7Pad(der, blockSize)
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(body, body)
	return pem.EncodeToMemory(&pem.Block{Type: typ, Headers: map[string]string{
		"Proc-Type": "4,ENCRYPTED", "DEK-Info": algo + "," + fmt.Sprintf("%X", iv),
	}, Bytes: body})
}

// encryptPKCS8 wraps a PrivateKeyInfo in PBES2 with PBKDF2-HMAC-SHA256
// and the given cipher from pbes2Ciphers.
func encryptPKCS8(t testing.TB, der []byte, pass string, c pbes2Cipher, iterations int) []byte {
	t.Helper()
	salt := make([]byte, 8)
	iv := make([]byte, c.blockSize)
	rand.Read(salt)
	rand.Read(iv)
	key, err := pbkdf2.Key(sha256.New, pass, salt, iterations, c.keyLen)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.newBlock(key)
	if err != nil {
		t.Fatal(err)
	}
	body := pkcs7Pad(der, c.blockSize)
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(body, body)
	kdfParams := must(t)(asn1.Marshal(pbkdf2Params{Salt: salt, Iterations: iterations,
		PRF: algorithmIdentifier{Algorithm: oidHMACSHA256, Parameters: asn1.NullRawValue}}))
	ivDER := must(t)(asn1.Marshal(iv))
	params := must(t)(asn1.Marshal(pbes2Params{
		KeyDerivationFunc: algorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdfParams}},
		EncryptionScheme:  algorithmIdentifier{Algorithm: c.oid, Parameters: asn1.RawValue{FullBytes: ivDER}},
	}))
	out := must(t)(asn1.Marshal(encryptedPrivateKeyInfo{
		Algorithm:     algorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}},
		EncryptedData: body,
	}))
	return pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: out})
}

// must returns a function that fails t on a non-nil error.
func must(t testing.TB) func([]byte, error) []byte {
	return func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

// pemSeedKeys returns unencrypted PEM keys of every type and structure
// the PEM parser reads: PKCS #1, SEC 1, PKCS #8 (Ed25519, ECDSA, RSA,
// DSA) and OpenSSL's DSA structure.
func pemSeedKeys(t testing.TB) []*pem.Block {
	var out []*pem.Block
	for _, s := range testSigners(t) {
		for _, marshal := range []func(Signer) ([]byte, error){MarshalPKCS8PrivateKey, MarshalPEMPrivateKey} {
			data, err := marshal(s)
			if err != nil {
				continue // no traditional form for Ed25519
			}
			b, _ := pem.Decode(data)
			out = append(out, b)
		}
	}
	k := testDSAKey(t)
	out = append(out, &pem.Block{Type: "DSA PRIVATE KEY", Bytes: must(t)(asn1.Marshal(openSSLDSA{P: k.P, Q: k.Q, G: k.G, Y: k.Y, X: k.X}))})
	return append(out, &pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8DSADER(t, k.P, k.Q, k.G, k.X)})
}

// fuzzKDFCheap reports whether parsing data with a passphrase costs
// little key derivation, so the fuzzer spends its time in the parsers:
// bcrypt rounds, PBKDF2 iterations and Argon2 work above small bounds are
// skipped (their limits are tested by TestPPKArgon2Limits and alike).
func fuzzKDFCheap(data []byte) bool {
	if isPPK(data) {
		f, err := parsePPKFile(data)
		return err != nil || f.version == 2 || f.enc == "none" ||
			uint64(max(f.mem, 8*f.par))*uint64(f.passes) <= 256
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return true
	}
	switch block.Type {
	case "OPENSSH PRIVATE KEY":
		if !bytes.HasPrefix(block.Bytes, []byte(opensshMagic)) {
			return true
		}
		d := wire.NewDecoder(block.Bytes[len(opensshMagic):])
		d.String()
		d.String()
		o := wire.NewDecoder(d.String())
		o.String()
		return o.Uint32() <= 4
	case "ENCRYPTED PRIVATE KEY":
		var info encryptedPrivateKeyInfo
		var params pbes2Params
		var kdf pbkdf2Params
		if _, err := asn1.Unmarshal(block.Bytes, &info); err != nil {
			return true
		}
		if _, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &params); err != nil {
			return true
		}
		if _, err := asn1.Unmarshal(params.KeyDerivationFunc.Parameters.FullBytes, &kdf); err != nil {
			return true
		}
		return kdf.Iterations <= 16
	}
	return true
}

// errorClassified reports whether err is one of the package's errors, as
// callers are promised.
func errorClassified(err error) bool {
	var pm *PassphraseMissingError
	for _, e := range []error{ErrMalformed, ErrInvalidKey, ErrUnsupportedKeyType, ErrUnsupportedCipher,
		ErrKDFTooExpensive, ErrIncorrectPassphrase, ErrCorruptMAC} {
		if errors.Is(err, e) {
			return true
		}
	}
	return errors.As(err, &pm)
}

// FuzzParsePrivateKeyPassphrase parses with a fixed passphrase, so legacy
// PEM (DEK-Info) and PKCS #8 PBES2 decryption and the parsers after them
// run on mutated input. Seeds: every PEM structure plain, legacy-encrypted
// with each DEK-Info cipher and PBES2-encrypted with each cipher, and
// OpenSSH and PPK files encrypted with cheap KDF parameters.
func FuzzParsePrivateKeyPassphrase(f *testing.F) {
	for _, b := range pemSeedKeys(f) {
		f.Add(pem.EncodeToMemory(b))
		if b.Type != "PRIVATE KEY" {
			for _, algo := range []string{"DES-EDE3-CBC", "AES-128-CBC", "AES-192-CBC", "AES-256-CBC"} {
				f.Add(encryptLegacyPEM(f, b.Type, b.Bytes, fuzzPassphrase, algo))
			}
			continue
		}
		for _, c := range pbes2Ciphers {
			f.Add(encryptPKCS8(f, b.Bytes, fuzzPassphrase, c, 2))
		}
	}
	for _, s := range testSigners(f)[:2] {
		data, err := MarshalPrivateKeyRounds(s, "fuzz", []byte(fuzzPassphrase), 1)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		for _, kdf := range []string{"Argon2id", "Argon2i", "Argon2d"} {
			data, err := marshalPPK(s, "fuzz", []byte(fuzzPassphrase), ppkArgon2{kdf: kdf, mem: 16, passes: 1, par: 2})
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !fuzzKDFCheap(data) {
			return
		}
		s, err := ParsePrivateKeyWithPassphrase(data, []byte(fuzzPassphrase))
		if err != nil {
			if !errorClassified(err) {
				t.Fatalf("error %q is not errors.Is-able as a package error", err)
			}
			return
		}
		checkFuzzSigner(t, s)
	})
}

// TestEncryptedPEMSeeds checks that the seeds of the passphrase fuzz
// target decrypt to the key they were made from, so the fuzzer starts from
// inputs that reach the parsers after decryption.
func TestEncryptedPEMSeeds(t *testing.T) {
	for _, b := range pemSeedKeys(t) {
		want, err := ParsePrivateKey(pem.EncodeToMemory(b))
		if err != nil {
			t.Fatalf("%s: %v", b.Type, err)
		}
		var enc [][]byte
		if b.Type == "PRIVATE KEY" {
			for _, c := range pbes2Ciphers {
				enc = append(enc, encryptPKCS8(t, b.Bytes, fuzzPassphrase, c, 2))
			}
		} else {
			for _, algo := range []string{"DES-EDE3-CBC", "AES-128-CBC", "AES-192-CBC", "AES-256-CBC"} {
				enc = append(enc, encryptLegacyPEM(t, b.Type, b.Bytes, fuzzPassphrase, algo))
			}
		}
		for _, data := range enc {
			got, err := ParsePrivateKeyWithPassphrase(data, []byte(fuzzPassphrase))
			if err != nil || !Equal(got.PublicKey(), want.PublicKey()) {
				t.Fatalf("%s: %v\n%s", b.Type, err, data)
			}
			if _, err := ParsePrivateKeyWithPassphrase(data, []byte("other")); !errors.Is(err, ErrIncorrectPassphrase) {
				t.Fatalf("%s: wrong passphrase: %v", b.Type, err)
			}
		}
	}
}
