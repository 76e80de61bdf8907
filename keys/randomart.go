package keys

import (
	"crypto/md5"
	"crypto/sha256"
	"strconv"
	"strings"
)

// Dimensions of the randomart field, as OpenSSH draws it.
const (
	artWidth  = 17
	artHeight = 9
)

// artSymbols maps visit counts to characters; the last two mark the start
// and end positions of the walk.
const artSymbols = " .o+=*BOX@%&#/^SE"

// KeyTypeLabel returns the short upper-case key type name ssh-keygen
// prints in parentheses after a fingerprint: "ED25519", "ECDSA", "RSA",
// "DSA", "ED25519-SK", "ECDSA-SK", with "-CERT" appended for
// certificates. Unknown types yield "unknown".
func KeyTypeLabel(pub PublicKey) string {
	if c, ok := pub.(*Certificate); ok {
		return KeyTypeLabel(c.Key) + "-CERT"
	}
	switch pub.Type() {
	case TypeED25519:
		return "ED25519"
	case TypeECDSA256, TypeECDSA384, TypeECDSA521:
		return "ECDSA"
	case TypeRSA:
		return "RSA"
	case TypeDSA:
		return "DSA"
	case TypeSKED25519:
		return "ED25519-SK"
	case TypeSKECDSA:
		return "ECDSA-SK"
	}
	return "unknown"
}

// KeyBits returns the key size ssh-keygen prints: the RSA modulus or DSA
// prime length in bits, the curve size for ECDSA keys and 256 for
// Ed25519. For a certificate it is the size of the certified key.
func KeyBits(pub PublicKey) int {
	if c, ok := pub.(*Certificate); ok {
		return KeyBits(c.Key)
	}
	switch k := pub.(type) {
	case *rsaPublic:
		return k.key.N.BitLen()
	case *dsaPublic:
		return k.key.P.BitLen()
	case *ecdsaPublic:
		return k.key.Curve.Params().BitSize
	}
	switch pub.Type() {
	case TypeED25519, TypeSKED25519, TypeSKECDSA:
		return 256
	}
	return 0
}

// Randomart draws the "drunken bishop" picture of pub's fingerprint that
// ssh-keygen -lv prints, byte for byte (without a trailing newline).
// hashAlg is "SHA256" or "MD5"; anything else is treated as "SHA256".
func Randomart(pub PublicKey, hashAlg string) string {
	blob := plainKey(pub).Marshal()
	var digest []byte
	if hashAlg == "MD5" {
		s := md5.Sum(blob)
		digest = s[:]
	} else {
		hashAlg = "SHA256"
		s := sha256.Sum256(blob)
		digest = s[:]
	}
	return drawRandomart(digest, KeyTypeLabel(pub), KeyBits(pub), hashAlg)
}

// drawRandomart walks the bishop over the field, two bits of digest per
// step, and frames the result with the title and hash name.
func drawRandomart(digest []byte, label string, bits int, hashAlg string) string {
	var field [artWidth][artHeight]int
	maxSym := len(artSymbols) - 1
	x, y := artWidth/2, artHeight/2
	for _, c := range digest {
		in := int(c)
		for range 4 {
			if in&1 != 0 {
				x++
			} else {
				x--
			}
			if in&2 != 0 {
				y++
			} else {
				y--
			}
			x = min(max(x, 0), artWidth-1)
			y = min(max(y, 0), artHeight-1)
			if field[x][y] < maxSym-2 {
				field[x][y]++
			}
			in >>= 2
		}
	}
	field[artWidth/2][artHeight/2] = maxSym - 1
	field[x][y] = maxSym

	// OpenSSH formats the title into a 17-byte buffer: when "[type bits]"
	// does not fit it falls back to "[type]", truncated to 16 characters.
	title := "[" + label + " " + strconv.Itoa(bits) + "]"
	if len(title) > artWidth {
		title = "[" + label + "]"
	}
	if len(title) > artWidth-1 {
		title = title[:artWidth-1]
	}
	var b strings.Builder
	border(&b, title)
	for yy := range artHeight {
		b.WriteByte('|')
		for xx := range artWidth {
			b.WriteByte(artSymbols[min(field[xx][yy], maxSym)])
		}
		b.WriteString("|\n")
	}
	border(&b, "["+hashAlg+"]")
	s := b.String()
	return s[:len(s)-1]
}

// border writes a "+--[text]--+" line, text centred as OpenSSH does.
func border(b *strings.Builder, text string) {
	b.WriteByte('+')
	i := 0
	for ; i < (artWidth-len(text))/2; i++ {
		b.WriteByte('-')
	}
	b.WriteString(text)
	for i += len(text); i < artWidth; i++ {
		b.WriteByte('-')
	}
	b.WriteString("+\n")
}
