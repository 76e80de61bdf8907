package kex

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
)

func moduliLine(g *Group, typ, tests int, size int) string {
	return fmt.Sprintf("20240101000000 %d %d 100 %d %X %X", typ, tests, size, g.G, g.P)
}

func TestParseModuli(t *testing.T) {
	var b strings.Builder
	b.WriteString("#    $OpenBSD: moduli,v 1.x $\n# Time Type Tests Tries Size Generator Modulus\n\n")
	b.WriteString(moduliLine(groupMODP14, 2, 6, 2047) + "\n")
	b.WriteString(moduliLine(&Group{P: groupMODP14.P, G: bigFive()}, 2, 6, 2047) + "\n")
	b.WriteString(moduliLine(groupMODP15, 4, 2, 3071) + "\n") // Sophie Germain candidate: skipped
	b.WriteString(moduliLine(groupMODP15, 2, 2, 3071) + "\n") // not Miller-Rabin tested: skipped
	b.WriteString(moduliLine(groupMODP15, 2, 7, 3071) + "\n") // marked composite: skipped
	b.WriteString("   " + moduliLine(groupMODP16, 2, 4, 4095) + "   \r\n")
	groups, err := ParseModuli(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 3 {
		t.Fatalf("%d groups, want 3", len(groups))
	}
	if groups[0].P.Cmp(groupMODP14.P) != 0 || groups[0].G.Int64() != 2 || groups[1].G.Int64() != 5 || groups[2].Bits() != 4096 {
		t.Fatal("wrong groups")
	}
	// The parsed groups drive a full exchange.
	gx := &GroupExchange{Groups: groups, Preferred: 4096}
	cr, sr, _, _, cerr, serr := runPair(gx, rand.Reader, rand.Reader)
	if cerr != nil || serr != nil || !bytes.Equal(cr.H, sr.H) {
		t.Fatal(cerr, serr)
	}
}

func bigFive() *big.Int { return big.NewInt(5) }

func newBig(v int64) *big.Int { return big.NewInt(v) }

func TestParseModuliErrors(t *testing.T) {
	good := moduliLine(groupMODP14, 2, 6, 2047)
	cases := map[string]string{
		"six fields":     "20240101000000 2 6 100 2047 2",
		"eight fields":   good + " extra",
		"bad decimal":    "2024010100000x 2 6 100 2047 2 FF",
		"negative":       "20240101000000 -2 6 100 2047 2 FF",
		"bad hex":        "20240101000000 2 6 100 7 2 ZZ",
		"size mismatch":  moduliLine(groupMODP14, 2, 6, 2048),
		"size is bits":   moduliLine(groupMODP14, 2, 6, 2047+1),
		"even modulus":   "20240101000000 2 6 100 7 2 FE",
		"generator 1":    moduliLine(&Group{P: groupMODP14.P, G: newBig(1)}, 2, 6, 2047),
		"generator 0":    moduliLine(&Group{P: groupMODP14.P, G: newBig(0)}, 2, 6, 2047),
		"negative hex":   "20240101000000 2 6 100 7 2 -FF",
		"too long line":  strings.Repeat("1", 9000),
		"generator=p-1":  "20240101000000 2 6 100 7 FE FF",
		"generator >= p": "20240101000000 2 6 100 7 1FF FF",
	}
	for what, line := range cases {
		_, err := ParseModuli(strings.NewReader("# comment\n" + line + "\n"))
		var me *ModuliError
		if !errors.As(err, &me) || !errors.Is(err, ErrModuli) || me.Line != 2 {
			t.Errorf("%s: got %v, want a *ModuliError on line 2", what, err)
		}
	}
	// Oversized moduli are skipped, not rejected.
	g, err := ParseModuli(strings.NewReader("20240101000000 2 6 100 20000 2 FF\n"))
	if err != nil || len(g) != 0 {
		t.Errorf("oversized: %v %v", g, err)
	}
	// Empty input is no groups.
	g, err = ParseModuli(strings.NewReader(""))
	if err != nil || g != nil {
		t.Error(g, err)
	}
}

func FuzzParseModuli(f *testing.F) {
	f.Add(moduliLine(groupMODP14, 2, 6, 2047) + "\n")
	f.Add("# c\n\n20240101000000 2 6 100 7 2 FF\n")
	f.Add("20240101000000 2 6 100 7 2 -FF")
	f.Add(strings.Repeat("9", 100))
	f.Fuzz(func(t *testing.T, s string) {
		groups, err := ParseModuli(strings.NewReader(s))
		if err != nil {
			if !errors.Is(err, ErrModuli) {
				t.Fatalf("error %v does not wrap ErrModuli", err)
			}
			return
		}
		for _, g := range groups {
			if g.P.Bit(0) == 0 || g.G.Cmp(bigOne) <= 0 || g.G.Cmp(g.P) >= 0 || g.Bits() > moduliMaxBits {
				t.Fatalf("accepted a bad group %v", g)
			}
		}
	})
}
