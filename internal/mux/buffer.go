package mux

import "sync"

// chunkSize is the unit receive buffers grow by: OpenSSH's and our default
// maximum packet, so a full data packet spans at most two chunks.
const chunkSize = 32 << 10

// chunk is one pooled piece of a receive buffer; b[r:w] is unread.
type chunk struct {
	b    [chunkSize]byte
	r, w int
	next *chunk
}

var chunkPool = sync.Pool{New: func() any { return new(chunk) }}

// buffer is a FIFO byte queue made of pooled chunks. It holds no memory
// while empty: a chunk goes back to the pool as soon as it is drained. Its
// size is bounded by the caller (the channel window), not by buffer.
type buffer struct {
	head, tail *chunk
	n          int
}

// Len is the number of unread bytes.
func (b *buffer) Len() int { return b.n }

// write appends a copy of p.
func (b *buffer) write(p []byte) {
	b.n += len(p)
	for len(p) > 0 {
		t := b.tail
		if t == nil || t.w == chunkSize {
			c := chunkPool.Get().(*chunk)
			c.r, c.w, c.next = 0, 0, nil
			if t == nil {
				b.head = c
			} else {
				t.next = c
			}
			b.tail, t = c, c
		}
		k := copy(t.b[t.w:], p)
		t.w += k
		p = p[k:]
	}
}

// read moves up to len(p) bytes into p and returns how many.
func (b *buffer) read(p []byte) int {
	n := 0
	for n < len(p) && b.head != nil {
		h := b.head
		k := copy(p[n:], h.b[h.r:h.w])
		h.r += k
		n += k
		if h.r == h.w {
			b.head = h.next
			if b.head == nil {
				b.tail = nil
			}
			h.next = nil
			chunkPool.Put(h)
		}
	}
	b.n -= n
	return n
}

// reset drops all unread bytes and returns the chunks to the pool.
func (b *buffer) reset() {
	for h := b.head; h != nil; {
		next := h.next
		h.next = nil
		chunkPool.Put(h)
		h = next
	}
	*b = buffer{}
}
