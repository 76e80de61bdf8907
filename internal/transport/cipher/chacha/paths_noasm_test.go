//go:build !amd64 || purego

package chacha

// forEachPath calls f for the one implementation there is.
func forEachPath(f func(path string)) { f(Implementation()) }
