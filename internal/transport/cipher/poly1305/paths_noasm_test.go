//go:build !amd64 || purego

package poly1305

// testPaths lists every way to compute a tag in this build.
func testPaths() []path {
	return []path{{"Sum", 0, Sum}, {"generic", 0, sumGeneric}}
}
