package keys

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// FingerprintSHA256 returns the key's SHA-256 fingerprint as ssh-keygen -l
// prints it (for a certificate, that of the certified key): "SHA256:" and the unpadded base64 of the digest of the blob.
func FingerprintSHA256(pub PublicKey) string {
	sum := sha256.Sum256(plainKey(pub).Marshal())
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// FingerprintMD5 returns the key's legacy MD5 fingerprint as
// ssh-keygen -l -E md5 prints it: "MD5:" and colon-separated hex pairs.
func FingerprintMD5(pub PublicKey) string {
	sum := md5.Sum(plainKey(pub).Marshal())
	b := make([]byte, 0, len("MD5:")+3*len(sum)-1)
	b = append(b, "MD5:"...)
	for i, c := range sum {
		if i > 0 {
			b = append(b, ':')
		}
		b = hex.AppendEncode(b, []byte{c})
	}
	return string(b)
}
