package sshd

import (
	"crypto/dsa" //lint:ignore SA1019 only to print the size of a legacy key.
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ssh2go/ssh2/keys"
)

// maxKeyFileSize bounds a host key file read.
const maxKeyFileSize = 1 << 20

// DefaultHostKeyPath is where ssh2d keeps its host key without -hostkey:
// os.UserConfigDir()/ssh2d/ssh_host_ed25519_key.
func DefaultHostKeyPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "ssh2d", "ssh_host_ed25519_key"), nil
}

// LoadOrCreateHostKey reads the private key at path; when the file does
// not exist it generates an ed25519 key and writes it there in OpenSSH
// format (mode 0600, parent directories 0700) with the public key beside
// it in path.pub. created reports whether a key was made.
func LoadOrCreateHostKey(path string) (s keys.Signer, created bool, err error) {
	data, err := readBounded(path)
	if err == nil {
		s, err = keys.ParsePrivateKey(data)
		if err != nil {
			return nil, false, fmt.Errorf("sshd: host key %s: %w", path, err)
		}
		return s, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("sshd: host key: %w", err)
	}
	s, err = keys.GenerateEd25519(nil)
	if err != nil {
		return nil, false, err
	}
	host, _ := os.Hostname()
	pem, err := keys.MarshalPrivateKey(s, "ssh2d@"+host, nil)
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("sshd: host key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("sshd: host key: %w", err)
	}
	if _, err := f.Write(pem); err != nil {
		f.Close()
		os.Remove(path)
		return nil, false, fmt.Errorf("sshd: host key: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, false, fmt.Errorf("sshd: host key: %w", err)
	}
	pub := strings.TrimSpace(string(keys.MarshalAuthorizedKey(s.PublicKey()))) + " ssh2d@" + host + "\n"
	_ = os.WriteFile(path+".pub", []byte(pub), 0o644) // a convenience only
	return s, true, nil
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxKeyFileSize {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxKeyFileSize)
	}
	return data, nil
}

// FingerprintLine describes a key as ssh-keygen -l does:
// "256 SHA256:... comment (ED25519)".
func FingerprintLine(pub keys.PublicKey, comment string) string {
	bits, label := keySize(pub)
	return fmt.Sprintf("%d %s %s (%s)", bits, keys.FingerprintSHA256(pub), comment, label)
}

func keySize(pub keys.PublicKey) (int, string) {
	label := "UNKNOWN"
	switch pub.Type() {
	case keys.TypeED25519:
		label = "ED25519"
	case keys.TypeECDSA256, keys.TypeECDSA384, keys.TypeECDSA521:
		label = "ECDSA"
	case keys.TypeRSA:
		label = "RSA"
	case keys.TypeDSA:
		label = "DSA"
	case keys.TypeSKED25519:
		label = "ED25519-SK"
	case keys.TypeSKECDSA:
		label = "ECDSA-SK"
	}
	switch k := pub.CryptoPublicKey().(type) {
	case ed25519.PublicKey:
		return 256, label
	case *ecdsa.PublicKey:
		return k.Curve.Params().BitSize, label
	case *rsa.PublicKey:
		return k.N.BitLen(), label
	case *dsa.PublicKey:
		return k.P.BitLen(), label
	}
	if label == "ED25519-SK" {
		return 256, label
	}
	if label == "ECDSA-SK" {
		return 256, label
	}
	return 0, label
}
