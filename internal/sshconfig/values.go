package sshconfig

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ssh2go/ssh2/internal/wildcard"
)

// ParseTime parses an OpenSSH time value (sshd_config(5) "TIME
// FORMATS"): a sequence of numbers, each followed by s, m, h, d or w
// (case-insensitive) or by nothing for seconds, as in "90", "1h30m".
func ParseTime(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("%w: empty time value", ErrSyntax)
	}
	var total float64
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i > 10 {
			return 0, fmt.Errorf("%w: bad time value %q", ErrSyntax, s)
		}
		n, _ := strconv.ParseUint(rest[:i], 10, 64)
		rest = rest[i:]
		unit := time.Second
		if rest != "" {
			switch rest[0] {
			case 's', 'S':
			case 'm', 'M':
				unit = time.Minute
			case 'h', 'H':
				unit = time.Hour
			case 'd', 'D':
				unit = 24 * time.Hour
			case 'w', 'W':
				unit = 7 * 24 * time.Hour
			default:
				return 0, fmt.Errorf("%w: bad time unit in %q", ErrSyntax, s)
			}
			rest = rest[1:]
		}
		total += float64(n) * float64(unit)
	}
	if total > math.MaxInt64 {
		return 0, fmt.Errorf("%w: time value %q too large", ErrSyntax, s)
	}
	return time.Duration(total), nil
}

// ParseSize parses an OpenSSH data size: a number with an optional K, M
// G or T suffix (powers of 1024), as RekeyLimit takes it.
func ParseSize(s string) (uint64, error) {
	if s == "" {
		return 0, fmt.Errorf("%w: empty size", ErrSyntax)
	}
	mult := uint64(1)
	num := s
	switch s[len(s)-1] {
	case 'k', 'K':
		mult = 1 << 10
	case 'm', 'M':
		mult = 1 << 20
	case 'g', 'G':
		mult = 1 << 30
	case 't', 'T':
		mult = 1 << 40
	}
	if mult != 1 {
		num = s[:len(s)-1]
	}
	if num == "" || strings.ContainsAny(num, "+-") {
		return 0, fmt.Errorf("%w: bad size %q", ErrSyntax, s)
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil || n > math.MaxUint64/mult {
		return 0, fmt.Errorf("%w: bad size %q", ErrSyntax, s)
	}
	return n * mult, nil
}

// ParseBool parses an sshd_config yes/no flag.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return false, fmt.Errorf("%w: want yes or no, got %q", ErrSyntax, s)
}

// MatchPattern reports whether name matches an OpenSSH pattern, where
// '*' matches any run of characters and '?' any one character.
func MatchPattern(name, pattern string) bool { return wildcard.Match(pattern, name) }
