package ssh2

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// keepaliveRequest is OpenSSH's keepalive global request; servers answer
// it (usually with failure), which proves the connection is alive.
const keepaliveRequest = "keepalive@openssh.com"

// ErrKeepaliveTimeout is the error (wrapped; test with errors.Is) that
// Client.Wait, and the client's channels, report when the connection was
// closed because the server left ClientConfig.KeepaliveCountMax
// keepalives in a row unanswered.
var ErrKeepaliveTimeout = errors.New("ssh2: server not responding to keepalives")

// defaultKeepaliveCountMax is ServerAliveCountMax's default in OpenSSH.
const defaultKeepaliveCountMax = 3

// keepalive implements ClientConfig.KeepaliveInterval the way OpenSSH's
// ServerAliveInterval works: every interval it checks whether any packet
// came from the server since the last check. If one did, the server is
// alive and the count of unanswered probes starts again; if none did, it
// sends a keepalive request that wants a reply, and once countMax probes
// in a row have gone unanswered it closes the connection with
// ErrKeepaliveTimeout. Between checks it holds a timer and no goroutine.
type keepalive struct {
	c        *Client
	interval time.Duration
	countMax int

	mu      sync.Mutex
	timer   *time.Timer
	stopped bool
	seen    uint64 // packets received at the last check
	missed  int    // probes sent since the server was last heard from
}

func (c *Client) startKeepalive(interval time.Duration, countMax int) {
	if countMax <= 0 {
		countMax = defaultKeepaliveCountMax
	}
	k := &keepalive{c: c, interval: interval, countMax: countMax, seen: c.t.PacketsReceived()}
	k.mu.Lock()
	k.timer = time.AfterFunc(interval, k.check)
	k.mu.Unlock()
	c.onFinish(k.stop)
}

// stop ends the checks once the connection has ended.
func (k *keepalive) stop() {
	k.mu.Lock()
	k.stopped = true
	k.timer.Stop()
	k.mu.Unlock()
}

// check runs on the timer's goroutine. The next check is scheduled
// before a probe is written, so a write that blocks (a peer that stopped
// reading) cannot stop the count.
func (k *keepalive) check() {
	k.mu.Lock()
	if k.stopped {
		k.mu.Unlock()
		return
	}
	if n := k.c.t.PacketsReceived(); n != k.seen {
		k.seen, k.missed = n, 0
	}
	if k.missed >= k.countMax {
		missed := k.missed
		k.stopped = true
		k.mu.Unlock()
		err := fmt.Errorf("%w: %d keepalives sent %v apart went unanswered", ErrKeepaliveTimeout, missed, k.interval)
		k.c.log.Debug("ssh2: closing connection", "err", err)
		k.c.abort(err)
		return
	}
	k.missed++
	missed := k.missed
	k.timer.Reset(k.interval)
	k.mu.Unlock()

	k.c.log.Debug("ssh2: sending keepalive", "unanswered", missed, "max", k.countMax)
	// The reply itself does not matter: any packet from the server counts
	// at the next check. Waiting for it here (it ends when the connection
	// does) keeps the request's place in the reply order.
	_, _, _ = k.c.SendRequest(context.Background(), keepaliveRequest, true, nil)
}
