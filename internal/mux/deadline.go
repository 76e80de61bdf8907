package mux

import (
	"sync"
	"time"
)

// deadline turns a point in time into a channel that is closed once the
// time has passed, so a blocked operation can select on it together with
// its wake-up channel. Moving the deadline affects operations already
// waiting: they hold the same channel, which stays open (and is reused)
// until some deadline actually expires.
type deadline struct {
	mu      sync.Mutex
	expired chan struct{} // closed when the current deadline has passed
	fired   bool          // expired is closed
	timer   *time.Timer
	gen     uint64 // bumped on every set, so a stale timer does nothing
}

func (d *deadline) init() { d.expired = make(chan struct{}) }

// set arms the deadline at t; the zero time disarms it.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen++
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	if d.fired {
		d.expired = make(chan struct{})
		d.fired = false
	}
	if t.IsZero() {
		return
	}
	wait := time.Until(t)
	if wait <= 0 {
		close(d.expired)
		d.fired = true
		return
	}
	gen := d.gen
	d.timer = time.AfterFunc(wait, func() {
		d.mu.Lock()
		if d.gen == gen && !d.fired {
			close(d.expired)
			d.fired = true
		}
		d.mu.Unlock()
	})
}

// wait returns the channel that is closed when the deadline passes.
func (d *deadline) wait() <-chan struct{} {
	d.mu.Lock()
	ch := d.expired
	d.mu.Unlock()
	return ch
}

// passed reports whether the deadline has already passed.
func (d *deadline) passed() bool {
	select {
	case <-d.wait():
		return true
	default:
		return false
	}
}

// stop releases the timer.
func (d *deadline) stop() {
	d.mu.Lock()
	d.gen++
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	d.mu.Unlock()
}
