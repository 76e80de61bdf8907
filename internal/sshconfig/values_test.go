package sshconfig

import (
	"errors"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"30", 30 * time.Second, false},
		{"0", 0, false},
		{"30s", 30 * time.Second, false},
		{"2m", 2 * time.Minute, false},
		{"1h30m", 90 * time.Minute, false},
		{"1H30M", 90 * time.Minute, false},
		{"1h30", time.Hour + 30*time.Second, false},
		{"1d", 24 * time.Hour, false},
		{"2w", 14 * 24 * time.Hour, false},
		{"10m5s", 605 * time.Second, false},
		{"", 0, true},
		{"m", 0, true},
		{"5x", 0, true},
		{"-5", 0, true},
		{"1.5h", 0, true},
		{"99999999999w", 0, true},
		{"9999999999w", 0, true}, // overflows time.Duration
	} {
		got, err := ParseTime(c.in)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ParseTime(%q) = %v, %v; want %v (error %v)", c.in, got, err, c.want, c.err)
		}
		if err != nil && !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseTime(%q) error %v does not wrap ErrSyntax", c.in, err)
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint64
		err  bool
	}{
		{"16", 16, false},
		{"1K", 1 << 10, false},
		{"500M", 500 << 20, false},
		{"1G", 1 << 30, false},
		{"4g", 4 << 30, false},
		{"2T", 2 << 40, false},
		{"", 0, true},
		{"G", 0, true},
		{"-1G", 0, true},
		{"+1G", 0, true},
		{"1.5G", 0, true},
		{"1X", 0, true},
		{"99999999999999999999", 0, true},
		{"17179869184G", 0, true}, // overflows uint64
	} {
		got, err := ParseSize(c.in)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ParseSize(%q) = %v, %v; want %v (error %v)", c.in, got, err, c.want, c.err)
		}
	}
}

func TestMatchPattern(t *testing.T) {
	for _, c := range []struct {
		name, pattern string
		want          bool
	}{
		{"LANG", "LANG", true},
		{"LANGUAGE", "LANG", false},
		{"LC_ALL", "LC_*", true},
		{"LC_", "LC_*", true},
		{"XLC_ALL", "LC_*", false},
		{"FOO", "F?O", true},
		{"FO", "F?O", false},
		{"anything", "*", true},
		{"", "*", true},
		{"", "", true},
		{"a", "", false},
		{"abcabd", "*ab?", true},
		{"abcabc", "*abd", false},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*a*a*a*c", false},
	} {
		if got := MatchPattern(c.name, c.pattern); got != c.want {
			t.Errorf("MatchPattern(%q, %q) = %v", c.name, c.pattern, got)
		}
	}
}

func TestParseBool(t *testing.T) {
	for in, want := range map[string]bool{"yes": true, "YES": true, "no": false, "No": false} {
		if got, err := ParseBool(in); err != nil || got != want {
			t.Errorf("ParseBool(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseBool("true"); !errors.Is(err, ErrSyntax) {
		t.Errorf("ParseBool(true) error = %v", err)
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"30", "1h30m", "2w", "", "9999999999w", "1x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseTime(s)
		if err == nil && d < 0 {
			t.Fatalf("ParseTime(%q) = %v", s, d)
		}
	})
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1G", "500M", "16", "", "-1", "17179869184G"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _, _ = ParseSize(s) })
}

func FuzzMatchPattern(f *testing.F) {
	f.Add("LC_ALL", "LC_*")
	f.Add("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*a*a*a*c")
	f.Fuzz(func(t *testing.T, name, pattern string) {
		if MatchPattern(name, name) != true && !containsWild(name) {
			t.Fatalf("%q does not match itself", name)
		}
		_ = MatchPattern(name, pattern)
	})
}

func containsWild(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '*' || s[i] == '?' {
			return true
		}
	}
	return false
}
