package wildcard

import (
	"path"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*.example.com", "host.example.com", true},
		{"*.example.com", "example.com", false},
		{"10.0.*.1", "10.0.255.1", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"**", "x", true},
		{"*", "*0", true}, // the '*' in s is not matched as a literal
		{"a*", "a*b", true},
		{"[h]:*", "[h]:2222", true},
		{"192.168.?.*", "192.168.1.20", true},
		{"a*b*c*d", "axxbxxcxx", false},
		{"abc", "abcd", false},
		{"[ab]", "a", false}, // no character classes in OpenSSH patterns
	} {
		if got := Match(c.pattern, c.s); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

func TestMatchHostile(t *testing.T) {
	// Exponential in a naive backtracking matcher.
	if Match(strings.Repeat("*a", 200)+"b", strings.Repeat("a", 2000)) {
		t.Error("matched")
	}
}

// FuzzMatch compares Match with path.Match on the inputs both read the
// same way (ASCII, no '[', '\\' or '/': path.Match's '?' is one rune),
// and runs hostile patterns through Match.
func FuzzMatch(f *testing.F) {
	f.Add("a*b?c", "aXXbYc")
	f.Add(strings.Repeat("*a", 30)+"b", strings.Repeat("a", 60))
	f.Fuzz(func(t *testing.T, pattern, s string) {
		got := Match(pattern, s)
		if strings.ContainsAny(pattern+s, "[]\\/") || !isASCII(pattern+s) {
			return
		}
		if want, err := path.Match(pattern, s); err == nil && got != want {
			t.Fatalf("Match(%q, %q) = %v, path.Match says %v", pattern, s, got, want)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
