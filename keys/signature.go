package keys

import "github.com/ssh2go/ssh2/internal/wire"

// maxNameLen bounds algorithm and key type names. Real names are under
// 64 bytes; anything longer is hostile.
const maxNameLen = 256

// validName reports whether b looks like an SSH algorithm name: non-empty
// printable US-ASCII without spaces or commas (RFC 4251 §6).
func validName(b []byte) bool {
	if len(b) == 0 || len(b) > maxNameLen {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || c == ',' {
			return false
		}
	}
	return true
}

// SignatureAlgorithm returns the algorithm name at the head of a wire
// signature blob (RFC 4253 §6.6), without checking the rest of it.
func SignatureAlgorithm(sig []byte) (string, error) {
	d := wire.NewDecoder(sig)
	name := d.String()
	if d.Err() != nil || !validName(name) {
		return "", malformed("signature algorithm name")
	}
	return string(name), nil
}

// splitSignature decodes a signature blob as string algorithm, string
// body, and returns what follows (empty for every format but the
// security-key ones).
func splitSignature(sig []byte) (algo string, body, rest []byte, err error) {
	d := wire.NewDecoder(sig)
	name := d.String()
	body = d.String()
	if d.Err() != nil || !validName(name) {
		return "", nil, nil, malformed("signature blob")
	}
	return string(name), body, d.Rest(), nil
}

// splitPlainSignature is splitSignature for formats with nothing after the
// body, checking that the algorithm is want.
func splitPlainSignature(sig []byte, want string) ([]byte, error) {
	algo, body, rest, err := splitSignature(sig)
	if err != nil {
		return nil, err
	}
	if algo != want {
		return nil, unsupportedAlgo(algo)
	}
	if len(rest) != 0 {
		return nil, malformed("trailing bytes after signature")
	}
	return body, nil
}

// appendSignature appends the wire signature blob string algo, string body.
func appendSignature(b []byte, algo string, body []byte) []byte {
	b = wire.AppendText(b, algo)
	return wire.AppendString(b, body)
}
