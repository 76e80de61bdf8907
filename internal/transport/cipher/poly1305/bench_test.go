package poly1305

import (
	"fmt"
	"testing"

	xpoly "golang.org/x/crypto/poly1305" //lint:ignore SA1019 the baseline these benchmarks compare with
)

func BenchmarkSum(b *testing.B) {
	var key [KeySize]byte
	for i := range key {
		key[i] = byte(i)
	}
	for _, n := range []int{64, 256, 1024, 32*1024 + 4} {
		msg := make([]byte, n)
		b.Run(fmt.Sprintf("%s/%d", Implementation(), n), func(b *testing.B) {
			var tag [TagSize]byte
			b.SetBytes(int64(n))
			for i := 0; i < b.N; i++ {
				Sum(&tag, msg, &key)
			}
		})
		b.Run(fmt.Sprintf("xcrypto/%d", n), func(b *testing.B) {
			var tag [TagSize]byte
			b.SetBytes(int64(n))
			for i := 0; i < b.N; i++ {
				xpoly.Sum(&tag, msg, &key)
			}
		})
	}
}
