// Package wildcard matches OpenSSH's patterns: '*' stands for any run of
// bytes and '?' for exactly one. ssh_config Host lines, known_hosts,
// authorized_keys from= and principals, SendEnv/AcceptEnv and allowed
// signers all use them.
package wildcard

// Match reports whether s matches pattern. It backtracks only to the last
// '*', so it runs in O(len(pattern)*len(s)) time at worst, even on
// hostile patterns.
func Match(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		// '*' first: a '*' in s is not a literal match for the pattern's.
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
