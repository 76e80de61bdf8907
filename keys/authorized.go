package keys

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"
)

// ParseAuthorizedKey parses the first key in in, which holds lines in the
// format of OpenSSH's authorized_keys file or a .pub file:
//
//	[options] keytype base64-blob [comment]
//
// Blank lines and lines starting with '#' are skipped. options are the
// comma-separated leading options exactly as written (for example
// `command="echo \"hi\""`, `no-pty`, `from="10.0.0.0/8"`); ParseOption
// splits one into name and unescaped value. rest is the input after the
// parsed line, so a caller loops until err is io.EOF, which is returned
// when no key line remains.
//
// When a line is malformed the error wraps ErrMalformed (or
// ErrUnsupportedKeyType, ErrInvalidKey) and rest still holds the input
// after that line, so a caller reading an authorized_keys file may skip
// the bad line and go on with the others.
func ParseAuthorizedKey(in []byte) (pub PublicKey, comment string, options []string, rest []byte, err error) {
	for len(in) > 0 {
		line, next, _ := bytes.Cut(in, []byte{'\n'})
		line = bytes.TrimRight(line, " \t\r")
		line = bytes.TrimLeft(line, " \t")
		if len(line) == 0 || line[0] == '#' {
			in = next
			continue
		}
		pub, comment, options, err = parseAuthorizedLine(line)
		if err != nil {
			return nil, "", nil, next, err
		}
		return pub, comment, options, next, nil
	}
	return nil, "", nil, nil, io.EOF
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// nextField splits off the leading run of non-blank bytes and returns it
// and what follows with leading blanks removed.
func nextField(b []byte) (field, rest []byte) {
	i := 0
	for i < len(b) && !isBlank(b[i]) {
		i++
	}
	field = b[:i]
	for i < len(b) && isBlank(b[i]) {
		i++
	}
	return field, b[i:]
}

// parseAuthorizedLine parses one non-blank, non-comment line.
func parseAuthorizedLine(line []byte) (PublicKey, string, []string, error) {
	if pub, comment, ok, err := parseKeyFields(line); ok {
		return pub, comment, nil, err
	}
	opts, rest, err := splitOptions(line)
	if err != nil {
		return nil, "", nil, err
	}
	pub, comment, ok, err := parseKeyFields(rest)
	if !ok {
		return nil, "", nil, malformed("authorized key line has no key")
	}
	if err != nil {
		return nil, "", nil, err
	}
	return pub, comment, opts, nil
}

// parseKeyFields parses "keytype base64 [comment]". ok reports whether the
// line looks like a key at all: the base64 field decodes to a blob whose
// type name equals keytype. When ok is false the caller may try reading
// options first.
func parseKeyFields(b []byte) (pub PublicKey, comment string, ok bool, err error) {
	typ, rest := nextField(b)
	b64, rest := nextField(rest)
	if !validName(typ) || len(b64) == 0 ||
		len(b64) > base64.StdEncoding.EncodedLen(MaxPublicKeyBlobLen) {
		return nil, "", false, nil
	}
	blob := make([]byte, base64.StdEncoding.DecodedLen(len(b64)))
	n, derr := base64.StdEncoding.Strict().Decode(blob, b64)
	if derr != nil {
		return nil, "", false, nil
	}
	blob = blob[:n]
	if name, nerr := SignatureAlgorithm(blob); nerr != nil || name != string(typ) {
		return nil, "", false, nil
	}
	pub, err = ParsePublicKey(blob)
	if err != nil {
		return nil, "", true, err
	}
	return pub, string(rest), true, nil
}

// splitOptions splits the leading option list off line. Options are
// separated by commas and end at the first blank outside double quotes.
// As in sshd, \" is the only escape: it stands for a quote that neither
// opens nor closes a quoted part; any other backslash is literal.
func splitOptions(line []byte) (opts []string, rest []byte, err error) {
	start := 0
	inQuote := false
	i := 0
	for ; i < len(line); i++ {
		c := line[i]
		if c == '\\' && i+1 < len(line) && line[i+1] == '"' {
			i++
			continue
		}
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		if c == ',' || isBlank(c) {
			opt := string(line[start:i])
			if err := checkOption(opt); err != nil {
				return nil, nil, err
			}
			opts = append(opts, opt)
			start = i + 1
			if isBlank(c) {
				break
			}
		}
	}
	if inQuote || i >= len(line) {
		return nil, nil, malformed("authorized key options")
	}
	_, rest = nextField(line[i:])
	return opts, rest, nil
}

// checkOption validates the syntax of one option: a name of letters,
// digits, '-' and '_', optionally followed by ="value".
func checkOption(opt string) error {
	_, _, err := ParseOption(opt)
	return err
}

// ParseOption splits one authorized_keys option, as returned by
// ParseAuthorizedKey, into its name and its value with the surrounding
// quotes removed and each \" turned into a quote (sshd's only escape:
// other backslashes stay as they are); value is empty for a bare name such
// as no-pty.
func ParseOption(opt string) (name, value string, err error) {
	i := 0
	for i < len(opt) && isOptionNameByte(opt[i]) {
		i++
	}
	if i == 0 {
		return "", "", malformed("authorized key option name")
	}
	name = opt[:i]
	if i == len(opt) {
		return name, "", nil
	}
	q := opt[i:]
	if len(q) < 3 || q[0] != '=' || q[1] != '"' || q[len(q)-1] != '"' {
		return "", "", malformed("authorized key option value")
	}
	q = q[2 : len(q)-1]
	if strings.HasSuffix(q, "\\") { // the closing quote is escaped
		return "", "", malformed("authorized key option value")
	}
	var sb strings.Builder
	for j := 0; j < len(q); j++ {
		c := q[j]
		switch {
		case c == '\\' && j+1 < len(q) && q[j+1] == '"':
			j++
			c = '"'
		case c == '"':
			return "", "", malformed("authorized key option value")
		}
		sb.WriteByte(c)
	}
	return name, sb.String(), nil
}

func isOptionNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// MarshalAuthorizedKey returns pub as one authorized_keys line:
// "type base64\n".
func MarshalAuthorizedKey(pub PublicKey) []byte {
	blob := pub.Marshal()
	t := pub.Type()
	b := make([]byte, 0, len(t)+1+base64.StdEncoding.EncodedLen(len(blob))+1)
	b = append(b, t...)
	b = append(b, ' ')
	b = base64.StdEncoding.AppendEncode(b, blob)
	return append(b, '\n')
}
