package ssh2

import (
	"context"
	"time"
)

// keepaliveRequest is OpenSSH's keepalive global request; servers answer
// it (usually with failure), which proves the connection is alive.
const keepaliveRequest = "keepalive@openssh.com"

// startKeepalive probes the server every interval and closes the
// connection after countMax probes in a row go unanswered. It holds no
// goroutine between probes; the timer stops itself once the connection
// has ended.
func (c *Client) startKeepalive(interval time.Duration, countMax int) {
	if countMax <= 0 {
		countMax = 3
	}
	missed := 0
	var t *time.Timer
	t = time.AfterFunc(interval, func() {
		ctx, cancel := context.WithTimeout(context.Background(), interval)
		_, _, err := c.SendRequest(ctx, keepaliveRequest, true, nil)
		cancel()
		select {
		case <-c.done:
			return
		default:
		}
		if err != nil {
			missed++
			if missed >= countMax {
				c.t.Close()
				return
			}
		} else {
			missed = 0
		}
		t.Reset(interval)
	})
}
