package chacha

import (
	"encoding/binary"

	"golang.org/x/crypto/chacha20"
)

// xorGeneric XORs src into dst with the keystream of the input block st,
// using golang.org/x/crypto/chacha20 (assembly on arm64, ppc64x and s390x,
// portable Go elsewhere). That package implements RFC 8439, whose state
// is laid out as ours with word 13 taken from the first four nonce bytes,
// so the original variant maps onto it exactly as long as word 12 does not
// wrap, which XORKeyStream guarantees.
func xorGeneric(st *[16]uint32, dst, src []byte) {
	var key [KeySize]byte
	for i := 0; i < 8; i++ {
		binary.LittleEndian.PutUint32(key[4*i:], st[4+i])
	}
	var nonce [chacha20.NonceSize]byte
	binary.LittleEndian.PutUint32(nonce[0:], st[13])
	binary.LittleEndian.PutUint32(nonce[4:], st[14])
	binary.LittleEndian.PutUint32(nonce[8:], st[15])
	c, err := chacha20.NewUnauthenticatedCipher(key[:], nonce[:])
	if err != nil {
		panic("chacha: x/crypto rejected a fixed-size key") // unreachable
	}
	c.SetCounter(st[12])
	c.XORKeyStream(dst, src)
}
