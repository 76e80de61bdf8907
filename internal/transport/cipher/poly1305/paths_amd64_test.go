//go:build amd64 && !purego

package poly1305

// testPaths lists every way to compute a tag that this CPU can run: the
// dispatching Sum, the portable limb code on its own, and each vector width
// called directly (for messages of at least one vector step, so that short
// inputs reach the assembly too).
func testPaths() []path {
	ps := []path{{"Sum", 0, Sum}, {"generic", 0, sumGeneric}}
	if useAVX512 {
		ps = append(ps, path{"avx512", 128, func(out *[TagSize]byte, msg []byte, key *[KeySize]byte) {
			sumVector(out, msg, key, 8)
		}})
	}
	if useAVX2 {
		ps = append(ps, path{"avx2", 64, func(out *[TagSize]byte, msg []byte, key *[KeySize]byte) {
			sumVector(out, msg, key, 4)
		}})
	}
	return ps
}
