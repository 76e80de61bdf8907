package transport

import "sync"

// pooledSize fits a full 32 KiB channel data packet with its headers,
// padding and MAC; larger packets (up to MaxPacket) get one-off buffers.
const pooledSize = 32*1024 + 1024

var bufPool = sync.Pool{New: func() any {
	b := make([]byte, pooledSize)
	return &b
}}

func getBuffer(n int) *[]byte {
	if n > pooledSize {
		b := make([]byte, n)
		return &b
	}
	return bufPool.Get().(*[]byte)
}

func putBuffer(b *[]byte) {
	if cap(*b) == pooledSize {
		bufPool.Put(b)
	}
}

// readBufferSize is the socket read buffer of a connection: small, since
// packet bodies larger than it are read straight into their buffers.
const readBufferSize = 4096
