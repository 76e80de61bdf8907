package kex

import (
	"bytes"
	"crypto/rand"
	"testing"
)

// BenchmarkExchange runs one client+server exchange per iteration, in
// process, for every method.
func BenchmarkExchange(b *testing.B) {
	for _, name := range allNames() {
		b.Run(name, func(b *testing.B) {
			m := mustLookup(b, name)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, _, _, cerr, serr := runPair(m, rand.Reader, rand.Reader); cerr != nil || serr != nil {
					b.Fatal(cerr, serr)
				}
			}
		})
	}
}

// BenchmarkParseModuli parses a file of five groups.
func BenchmarkParseModuli(b *testing.B) {
	var s []byte
	for _, g := range builtinGEXGroups {
		s = append(s, moduliLine(&g, 2, 6, g.Bits()-1)+"\n"...)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseModuli(bytes.NewReader(s)); err != nil {
			b.Fatal(err)
		}
	}
}
