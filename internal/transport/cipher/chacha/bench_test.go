package chacha

import (
	"fmt"
	"testing"

	"golang.org/x/crypto/chacha20"
)

var benchSizes = []int{64, 256, 1350, 8192, 32768 + 13}

func BenchmarkXORKeyStream(b *testing.B) {
	var key [KeySize]byte
	var nonce [NonceSize]byte
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("%s/%d", Implementation(), n), func(b *testing.B) {
			buf := make([]byte, n)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				XORKeyStream(buf, buf, &key, &nonce, 1)
			}
		})
	}
}

// BenchmarkXCrypto is the same work through golang.org/x/crypto/chacha20,
// for comparison.
func BenchmarkXCrypto(b *testing.B) {
	key := make([]byte, chacha20.KeySize)
	nonce := make([]byte, chacha20.NonceSize)
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			buf := make([]byte, n)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c, _ := chacha20.NewUnauthenticatedCipher(key, nonce)
				c.SetCounter(1)
				c.XORKeyStream(buf, buf)
			}
		})
	}
}

func BenchmarkBlock(b *testing.B) {
	var key [KeySize]byte
	var nonce [NonceSize]byte
	var out [BlockSize]byte
	b.SetBytes(BlockSize)
	for i := 0; i < b.N; i++ {
		Block(&out, &key, &nonce, uint64(i))
	}
}
