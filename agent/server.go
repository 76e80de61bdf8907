package agent

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/ssh2go/ssh2/internal/wire"
)

// ServeAgent serves the agent protocol for a on one connection until the
// peer closes it (then it returns nil) or reading or writing fails.
// Malformed and unknown requests are answered with SSH_AGENT_FAILURE; a
// message longer than MaxMessageSize ends the connection with an error.
func ServeAgent(a Agent, rw io.ReadWriter) error {
	var in, out []byte
	for {
		msg, err := readMessage(rw, in)
		if err != nil {
			if errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				return nil
			}
			return err
		}
		in = msg[:0]
		out = append(out[:0], 0, 0, 0, 0)
		out = handleRequest(a, msg, out)
		binary.BigEndian.PutUint32(out, uint32(len(out)-4))
		if _, err := rw.Write(out); err != nil {
			return fmt.Errorf("agent: write: %w", err)
		}
	}
}

// handleRequest decodes msg, runs it against a and appends the reply.
func handleRequest(a Agent, msg, out []byte) []byte {
	status := func(t byte) []byte { return append(out, t) }
	req, err := decodeRequest(msg)
	if err != nil {
		return status(msgFailure)
	}
	switch r := req.(type) {
	case reqList:
		ids, err := a.List()
		if err != nil {
			return status(msgFailure)
		}
		if len(ids) > MaxIdentities {
			ids = ids[:MaxIdentities]
		}
		if reply := appendIdentities(out, ids); len(reply)-len(out) <= MaxMessageSize {
			return reply
		}
		return status(msgFailure)
	case reqSign:
		sig, err := a.Sign(parsePublicKey(r.keyBlob), r.data, r.flags)
		if err != nil {
			return status(msgFailure)
		}
		if len(sig) > MaxMessageSize-5 {
			return status(msgFailure)
		}
		out = append(out, msgSignResponse)
		return wire.AppendString(out, sig)
	case reqAdd:
		err = a.Add(AddedKey{
			PrivateKey:           r.signer,
			Certificate:          r.cert,
			Comment:              r.comment,
			LifetimeSecs:         r.cons.lifetime,
			ConfirmBeforeUse:     r.cons.confirm,
			ConstraintExtensions: r.cons.extensions,
		})
	case reqRemove:
		err = a.Remove(parsePublicKey(r.keyBlob))
	case reqRemoveAll:
		err = a.RemoveAll()
	case reqLock:
		if r.unlock {
			err = a.Unlock(r.passphrase)
		} else {
			err = a.Lock(r.passphrase)
		}
	case reqExtension:
		reply, err := a.Extension(r.name, r.contents)
		switch {
		case errors.Is(err, ErrExtensionUnsupported):
			return status(msgFailure)
		case err != nil:
			return append(out, msgExtensionFailure)
		case len(reply) == 0:
			return status(msgSuccess)
		case len(out)+len(reply) > MaxMessageSize:
			return append(out, msgExtensionFailure)
		}
		return append(out, reply...)
	default:
		return status(msgFailure)
	}
	if err != nil {
		return status(msgFailure)
	}
	return status(msgSuccess)
}

// Serve accepts connections on l and serves a on each until l is closed
// or Accept fails; it then closes the connections still open, waits for
// their goroutines and returns the Accept error (net.ErrClosed after a
// Close).
func Serve(l net.Listener, a Agent) error {
	var (
		mu    sync.Mutex
		conns = map[net.Conn]struct{}{}
		wg    sync.WaitGroup
	)
	defer func() {
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	}()
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		mu.Lock()
		conns[c] = struct{}{}
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = ServeAgent(a, c)
			c.Close()
			mu.Lock()
			delete(conns, c)
			mu.Unlock()
		}()
	}
}
