package kex

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
)

// Fields of an OpenSSH moduli(5) record.
const (
	moduliTypeSafe      = 2    // "safe" prime: (p-1)/2 is prime
	moduliTestComposite = 0x01 // known composite
	moduliTestMR        = 0x04 // Miller-Rabin tested
	moduliMaxLine       = 8192 // a 16384-bit modulus is 4096 hex digits
	moduliMaxBits       = gexCeiling
)

// ErrModuli reports a syntactically bad moduli file; errors from
// ParseModuli wrap it in a *ModuliError.
var ErrModuli = errors.New("kex: bad moduli file")

// ModuliError reports the line of a moduli file that could not be parsed.
type ModuliError struct {
	Line   int    // 1-based line number
	Reason string // what is wrong
}

func (e *ModuliError) Error() string {
	return fmt.Sprintf("kex: moduli line %d: %s", e.Line, e.Reason)
}

// Unwrap makes errors.Is(err, ErrModuli) hold.
func (e *ModuliError) Unwrap() error { return ErrModuli }

// ParseModuli reads groups in OpenSSH's moduli(5) format (as written by
// ssh-keygen -M screen): one record a line of seven space-separated fields
// "timestamp type tests trials size generator modulus", with size one less
// than the modulus's bit length and generator and modulus in hex. Blank
// lines and lines starting with '#' are ignored. Records that are well
// formed but not usable — type other than 2 (safe prime), tests lacking
// Miller-Rabin or marked composite, or moduli over 16384 bits — are skipped,
// as sshd skips them. Any other malformed line is an error (*ModuliError).
// Primality is not re-tested: the file is local configuration that
// ssh-keygen already screened.
func ParseModuli(r io.Reader) ([]Group, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), moduliMaxLine)
	var groups []Group
	line := 0
	for sc.Scan() {
		line++
		g, ok, reason := parseModuliLine(sc.Text())
		if reason != "" {
			return nil, &ModuliError{Line: line, Reason: reason}
		}
		if ok {
			groups = append(groups, g)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &ModuliError{Line: line + 1, Reason: "line too long"}
		}
		return nil, err
	}
	return groups, nil
}

// parseModuliLine returns the record's group and whether it is usable, or
// a reason the line is malformed.
func parseModuliLine(s string) (g Group, ok bool, reason string) {
	s = strings.TrimSpace(s)
	if s == "" || s[0] == '#' {
		return Group{}, false, ""
	}
	f := strings.Fields(s)
	if len(f) != 7 {
		return Group{}, false, fmt.Sprintf("%d fields, want 7", len(f))
	}
	var n [5]uint64
	for i := range 5 {
		v, err := strconv.ParseUint(f[i], 10, 64)
		if err != nil {
			return Group{}, false, fmt.Sprintf("field %d is not a decimal number", i+1)
		}
		n[i] = v
	}
	typ, tests, size := n[1], n[2], n[4]
	if size == 0 || size >= moduliMaxBits {
		return Group{}, false, "" // absurd or oversized: skip
	}
	if len(f[6]) > moduliMaxBits/4+1 {
		return Group{}, false, "" // too large to be useful: skip
	}
	if len(f[5]) > len(f[6]) {
		return Group{}, false, "generator out of range"
	}
	gen, okG := new(big.Int).SetString(f[5], 16)
	p, okP := new(big.Int).SetString(f[6], 16)
	if !okG || !okP || gen.Sign() < 0 || p.Sign() < 0 {
		return Group{}, false, "generator or modulus is not hexadecimal"
	}
	if uint64(p.BitLen()) != size+1 {
		return Group{}, false, fmt.Sprintf("modulus has %d bits, size field says %d+1", p.BitLen(), size)
	}
	if typ != moduliTypeSafe || tests&moduliTestComposite != 0 || tests&moduliTestMR == 0 {
		return Group{}, false, ""
	}
	if p.Bit(0) == 0 {
		return Group{}, false, "modulus is even"
	}
	if gen.Cmp(bigOne) <= 0 || gen.Cmp(new(big.Int).Sub(p, bigOne)) >= 0 {
		return Group{}, false, "generator out of range"
	}
	return Group{P: p, G: gen}, true, ""
}
