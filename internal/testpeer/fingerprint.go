package testpeer

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// Fingerprint returns the OpenSSH-style SHA256 fingerprint
// ("SHA256:<unpadded base64>") of a public key given as an authorized_keys
// or known_hosts-style line ("type base64 [comment]").
func Fingerprint(pubLine string) (string, error) {
	f := strings.Fields(pubLine)
	if len(f) < 2 {
		return "", fmt.Errorf("testpeer: %q is not a public key line", pubLine)
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return "", fmt.Errorf("testpeer: public key line: %w", err)
	}
	sum := sha256.Sum256(blob)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:]), nil
}
