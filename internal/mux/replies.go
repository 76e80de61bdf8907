package mux

import "sync"

// replyQueue keeps the replies we owe to the peer's want-reply requests in
// arrival order. SSH replies carry no request id (RFC 4254 §4, §5.4), so a
// reply that is ready early waits until every earlier one has been sent.
//
// Sending happens outside the lock: whoever finds no flush in progress
// becomes the flusher and sends every ready reply at the head; a reply
// made ready meanwhile is picked up by that flusher. So the reader
// goroutine never waits for an application goroutine that is blocked
// writing.
type replyQueue struct {
	mu       sync.Mutex
	slots    []replySlot // slots[0] has sequence number head
	head     uint64
	flushing bool
	dead     bool // the channel or connection is gone: replies are dropped
	limit    int
}

type replySlot struct {
	ready, ok bool
	data      []byte
}

// add reserves the next reply slot. It fails when limit replies are
// already owed, so a peer cannot queue without bound.
func (q *replyQueue) add() (seq uint64, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.slots) >= q.limit {
		return 0, false
	}
	q.slots = append(q.slots, replySlot{})
	return q.head + uint64(len(q.slots)) - 1, true
}

// set fills in reply seq. It reports false if that reply was already
// given or the queue is dead.
func (q *replyQueue) set(seq uint64, ok bool, data []byte) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.dead || seq < q.head {
		return false
	}
	s := &q.slots[seq-q.head]
	if s.ready {
		return false
	}
	*s = replySlot{ready: true, ok: ok, data: data}
	return true
}

// kill drops every owed reply; later set and flush calls do nothing.
func (q *replyQueue) kill() {
	q.mu.Lock()
	q.dead = true
	q.slots = nil
	q.mu.Unlock()
}

// flush sends the ready replies at the head of the queue with send, unless
// another goroutine is already doing so.
func (q *replyQueue) flush(send func(ok bool, data []byte) error) error {
	q.mu.Lock()
	if q.flushing {
		q.mu.Unlock()
		return nil
	}
	q.flushing = true
	for !q.dead && len(q.slots) > 0 && q.slots[0].ready {
		s := q.slots[0]
		q.slots[0] = replySlot{}
		q.slots = q.slots[1:]
		q.head++
		if len(q.slots) == 0 {
			q.slots = nil // let the backing array go
		}
		q.mu.Unlock()
		err := send(s.ok, s.data)
		q.mu.Lock()
		if err != nil {
			q.dead = true
			q.slots = nil
			q.flushing = false
			q.mu.Unlock()
			return err
		}
	}
	q.flushing = false
	q.mu.Unlock()
	return nil
}
