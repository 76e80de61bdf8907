// Package sshconfig reads the OpenSSH configuration syntax our commands
// accept: ssh_config files for cmd/ssh2, sshd_config keywords given with
// -o for cmd/ssh2d, and the algorithm-list modifiers both share.
package sshconfig

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// AlgorithmList applies an OpenSSH algorithm list value to a default list
// (ssh_config(5), "KexAlgorithms"): "+a,b" appends to the defaults, "-pat"
// removes the names matching the wildcard patterns, "^a,b" puts the names
// first, and a plain list replaces the defaults. Every name must be in
// supported; patterns are allowed only after "-".
func AlgorithmList(value string, defaults, supported []string) ([]string, error) {
	if value == "" {
		return nil, fmt.Errorf("empty algorithm list")
	}
	op := value[0]
	body := value
	if op == '+' || op == '-' || op == '^' {
		body = value[1:]
	}
	names := strings.Split(body, ",")
	for _, n := range names {
		if n == "" {
			return nil, fmt.Errorf("empty name in algorithm list %q", value)
		}
		if op == '-' {
			if _, err := path.Match(n, ""); err != nil {
				return nil, fmt.Errorf("bad pattern %q", n)
			}
			continue
		}
		if !slices.Contains(supported, n) {
			return nil, fmt.Errorf("unsupported algorithm %q", n)
		}
	}
	switch op {
	case '+':
		out := slices.Clone(defaults)
		for _, n := range names {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		return out, nil
	case '-':
		var out []string
		for _, d := range defaults {
			if !matchAny(d, names) {
				out = append(out, d)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%q removes every algorithm", value)
		}
		return out, nil
	case '^':
		out := dedupe(names)
		for _, d := range defaults {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
		return out, nil
	}
	return dedupe(names), nil
}

func dedupe(names []string) []string {
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// matchAny reports whether name matches one of the shell-style patterns.
func matchAny(name string, patterns []string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}
