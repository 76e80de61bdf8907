package keys

import (
	"bytes"
	"encoding/base64"
	"strings"
)

// RFC 4716 framing.
const (
	rfc4716Begin   = "---- BEGIN SSH2 PUBLIC KEY ----"
	rfc4716End     = "---- END SSH2 PUBLIC KEY ----"
	rfc4716LineLen = 70
	// maxRFC4716Len bounds the files ParseRFC4716PublicKey reads.
	maxRFC4716Len = 64 << 10
)

// RFC4716Header is one "Tag: value" header of an RFC 4716 public key
// file, the value with any enclosing double quotes kept.
type RFC4716Header struct {
	Tag, Value string
}

// ParseRFC4716PublicKey parses the first "---- BEGIN SSH2 PUBLIC KEY ----"
// block in data (RFC 4716): headers, possibly continued with a trailing
// backslash, then the base64 key blob. It returns the key and its headers
// in file order. Text before the block is ignored.
func ParseRFC4716PublicKey(data []byte) (PublicKey, []RFC4716Header, error) {
	if len(data) > maxRFC4716Len {
		return nil, nil, malformed("RFC 4716 file too long")
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) != rfc4716Begin {
		i++
	}
	if i == len(lines) {
		return nil, nil, malformed("no RFC 4716 begin line")
	}
	i++
	var headers []RFC4716Header
	var body strings.Builder
	inHeaders := true
	for ; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t\r")
		if line == rfc4716End {
			raw, err := base64.StdEncoding.DecodeString(body.String())
			if err != nil {
				return nil, nil, malformed("RFC 4716 base64")
			}
			pub, err := ParsePublicKey(raw)
			if err != nil {
				return nil, nil, err
			}
			return pub, headers, nil
		}
		if inHeaders && strings.Contains(line, ":") {
			// A header, with continuation lines ending in '\'.
			for strings.HasSuffix(line, `\`) {
				i++
				if i >= len(lines) {
					return nil, nil, malformed("RFC 4716 header continuation")
				}
				line = line[:len(line)-1] + strings.TrimRight(lines[i], " \t\r")
			}
			tag, val, _ := strings.Cut(line, ":")
			if len(tag) == 0 || len(tag) > 64 || len(line) > 1024*8 {
				return nil, nil, malformed("RFC 4716 header")
			}
			headers = append(headers, RFC4716Header{Tag: tag, Value: strings.TrimLeft(val, " ")})
			continue
		}
		inHeaders = false
		body.WriteString(strings.TrimSpace(line))
	}
	return nil, nil, malformed("no RFC 4716 end line")
}

// MarshalRFC4716PublicKey writes pub as an RFC 4716 block with the given
// headers (values written as given; quote them yourself, as ssh-keygen
// quotes Comment), wrapping the base64 at 70 columns as ssh-keygen -e
// does. Header lines longer than 72 bytes are continued with '\'.
func MarshalRFC4716PublicKey(pub PublicKey, headers []RFC4716Header) []byte {
	var b bytes.Buffer
	b.WriteString(rfc4716Begin + "\n")
	for _, h := range headers {
		line := h.Tag + ": " + h.Value
		for len(line) > 72 {
			b.WriteString(line[:71] + "\\\n")
			line = line[71:]
		}
		b.WriteString(line + "\n")
	}
	enc := base64.StdEncoding.EncodeToString(pub.Marshal())
	for len(enc) > rfc4716LineLen {
		b.WriteString(enc[:rfc4716LineLen] + "\n")
		enc = enc[rfc4716LineLen:]
	}
	b.WriteString(enc + "\n" + rfc4716End + "\n")
	return b.Bytes()
}
