package knownhosts

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkCheckHashed measures a lookup in a file of 1000 hashed
// entries, the common case with HashKnownHosts: one HMAC per entry.
func BenchmarkCheckHashed(b *testing.B) {
	k := newKey(b)
	var buf bytes.Buffer
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&buf, "%s %s\n", HashHostname(fmt.Sprintf("host%d.example.com", i)), authLine(k))
	}
	entries, _, err := Parse(&buf, "bench")
	if err != nil || len(entries) != 1000 {
		b.Fatal(err)
	}
	db := &DB{Entries: entries}
	b.ResetTimer()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := db.Check("host999.example.com", k); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse measures parsing 1000 plain entries.
func BenchmarkParse(b *testing.B) {
	k := newKey(b)
	var sb strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&sb, "host%d.example.com,10.0.%d.%d %s\n", i, i/256, i%256, authLine(k))
	}
	data := sb.String()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := Parse(strings.NewReader(data), "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
