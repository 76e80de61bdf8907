package mux

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errPipeClosed = errors.New("test pipe closed")

// pipeWriter copies each packet into a bounded queue that the other
// side's reader goroutine drains, like a socket with a buffer.
type pipeWriter struct {
	ch   chan []byte
	done chan struct{}
	// dataBytes counts CHANNEL_DATA/EXTENDED_DATA payload bytes sent.
	mu        sync.Mutex
	dataBytes int64
}

func (w *pipeWriter) WritePacket(hdr, body []byte) error {
	p := make([]byte, 0, len(hdr)+len(body))
	p = append(append(p, hdr...), body...)
	if len(hdr) > 0 && (hdr[0] == 94 || hdr[0] == 95) {
		w.mu.Lock()
		w.dataBytes += int64(len(body))
		w.mu.Unlock()
	}
	select {
	case w.ch <- p:
		return nil
	case <-w.done:
		return errPipeClosed
	}
}

// The queues are deep enough that the readers' own small writes (CLOSE,
// request failures) never wait on a full queue while the other reader
// does the same: data in flight is bounded by the windows, far below.

// pair is two muxes connected back to back, each with a reader goroutine.
type pair struct {
	a, b      *Mux
	aw, bw    *pipeWriter // aw carries a's packets to b
	done      chan struct{}
	once      sync.Once
	wg        sync.WaitGroup
	mu        sync.Mutex
	errA      error // HandlePacket error on a's reader
	errB      error
	delivered chan struct{}          // a token after each packet b handles
	onB       atomic.Pointer[func()] // called on b's reader after each packet
}

func newPair(t *testing.T, ca, cb Config) *pair {
	t.Helper()
	p := &pair{done: make(chan struct{}), delivered: make(chan struct{}, 1)}
	p.aw = &pipeWriter{ch: make(chan []byte, 8192), done: p.done}
	p.bw = &pipeWriter{ch: make(chan []byte, 8192), done: p.done}
	if cb.OnGlobalRequest == nil {
		cb.OnGlobalRequest = barrierHandler
	}
	if ca.OnGlobalRequest == nil {
		ca.OnGlobalRequest = barrierHandler
	}
	p.a = New(p.aw, ca)
	p.b = New(p.bw, cb)
	p.wg.Add(2)
	go p.read(p.b, p.aw.ch, &p.errB, true)
	go p.read(p.a, p.bw.ch, &p.errA, false)
	t.Cleanup(func() { p.shutdown(nil) })
	return p
}

func barrierHandler(r *GlobalRequest) {
	if r.Type == "barrier" {
		r.Reply(true, []byte("ok"))
		return
	}
	r.Reply(false, nil)
}

func (p *pair) read(m *Mux, ch chan []byte, errp *error, isB bool) {
	defer p.wg.Done()
	for {
		select {
		case pkt := <-ch:
			if err := m.HandlePacket(pkt); err != nil {
				p.mu.Lock()
				*errp = err
				p.mu.Unlock()
				go p.shutdown(err)
				return
			}
			if isB {
				if f := p.onB.Load(); f != nil {
					(*f)()
				}
				wake(p.delivered)
			}
		case <-p.done:
			return
		}
	}
}

// shutdown ends the connection: both muxes are closed with err.
func (p *pair) shutdown(err error) {
	p.once.Do(func() {
		if err == nil {
			err = errPipeClosed
		}
		close(p.done)
		p.a.Close(err)
		p.b.Close(err)
	})
	p.wg.Wait()
}

func (p *pair) errors() (error, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.errA, p.errB
}

// barrier returns once the peer of m has handled every packet m sent
// before, and m has handled every packet the peer sent before replying.
func barrier(t *testing.T, m *Mux) {
	t.Helper()
	ok, data, err := m.SendRequest(context.Background(), "barrier", true, nil)
	if err != nil || !ok || string(data) != "ok" {
		t.Fatalf("barrier: %v %v %q", ok, err, data)
	}
}

// acceptAll is an OnChannelOpen that accepts every channel and hands it to
// the returned channel.
func acceptAll(cc ChannelConfig) (func(*NewChannel), chan *Channel) {
	out := make(chan *Channel, 256)
	return func(n *NewChannel) {
		c, err := n.AcceptConfig(cc)
		if err == nil {
			out <- c
		}
	}, out
}

// openPair opens one channel from a to b and returns both ends.
func openPair(t *testing.T, p *pair, accepted chan *Channel, cc ChannelConfig) (*Channel, *Channel) {
	t.Helper()
	ca, err := p.a.OpenChannelConfig(context.Background(), "session", nil, cc)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case cb := <-accepted:
		return ca, cb
	case <-time.After(10 * time.Second):
		t.Fatal("accepted channel never arrived")
	}
	return nil, nil
}

// recorder is a PacketWriter that keeps every packet, for driving a single
// mux by hand as a rogue peer would.
type recorder struct {
	mu   sync.Mutex
	pkts [][]byte
	fail error
}

func (r *recorder) WritePacket(hdr, body []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.pkts = append(r.pkts, append(append([]byte(nil), hdr...), body...))
	return nil
}

func (r *recorder) take() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.pkts
	r.pkts = nil
	return p
}
