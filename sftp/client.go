package sftp

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// Client is an SFTP client over one byte stream. It is safe for concurrent
// use: requests from many goroutines share the stream, a single goroutine
// reads the replies and hands each to its caller, in whatever order the
// server answers.
type Client struct {
	r       *bufio.Reader
	direct  readAtLeaster // the unbuffered stream, if it can wait for a whole payload
	w       io.Writer
	closers []io.Closer

	wmu sync.Mutex // serialises writes of whole packets

	mu      sync.Mutex
	nextID  uint32
	pending map[uint32]*call
	err     error // why the session ended; set once
	handles int   // open handles, checked against limits.MaxOpenHandles

	done    chan struct{}  // closed when the reader goroutine exits
	bg      sync.WaitGroup // background CLOSEs of abandoned handles
	closing atomic.Bool

	rhdr [13]byte // reply header scratch, used by the reader goroutine only

	version  uint32
	exts     map[string]string
	limits   Limits
	cfg      clientConfig
	readLen  int // bytes per READ request
	writeLen int // bytes per WRITE request
}

type clientConfig struct {
	maxPacket   uint32
	chunkSize   int
	concurrency int
	maxInflight int // bytes of READ or WRITE payload in flight per transfer
}

// ClientOption configures a [Client].
type ClientOption func(*clientConfig)

// WithMaxPacket bounds the length of a reply packet the client accepts
// (default [DefaultMaxPacket]); a longer one ends the session. Values below
// 34000 are raised to it.
func WithMaxPacket(n int) ClientOption {
	return func(c *clientConfig) {
		if n < minMaxPacket {
			n = minMaxPacket
		}
		c.maxPacket = uint32(n)
	}
}

// WithChunkSize sets the largest payload of one READ or WRITE request
// (at least 512 bytes). By default the client uses 32 KiB, or what the
// server's limits@openssh.com reply allows up to 255 KiB. A server's
// stated limits always win, however small.
func WithChunkSize(n int) ClientOption {
	return func(c *clientConfig) {
		if n > 0 {
			c.chunkSize = n
		}
	}
}

// WithConcurrency sets how many READ or WRITE requests one transfer keeps
// in flight (default 64).
func WithConcurrency(n int) ClientOption {
	return func(c *clientConfig) {
		if n > 0 {
			c.concurrency = n
		}
	}
}

// WithMaxInFlight bounds the payload bytes one transfer (Download,
// Upload, WriteTo, ReadFrom) keeps in flight, and so the memory it uses
// for them (default 4 MiB, at least one request). Concurrency is lowered
// to fit: 64 requests of 255 KiB would be 16 MiB.
func WithMaxInFlight(n int) ClientOption {
	return func(c *clientConfig) {
		if n > 0 {
			c.maxInflight = n
		}
	}
}

// inflightConcurrency lowers conc so that conc requests of chunk bytes fit
// in the in-flight bound (one request always does).
func (c *Client) inflightConcurrency(conc, chunk int) int {
	if conc*chunk > c.cfg.maxInflight {
		conc = max(1, c.cfg.maxInflight/chunk)
	}
	return conc
}

const (
	defaultChunk       = 32 * 1024
	maxDefaultChunk    = 255 * 1024
	minChunk           = 512                              // floor of a chosen size; a server's limit may go lower
	writeHeaderLen     = 1 + 4 + 4 + MaxHandleLen + 8 + 4 // a WRITE request before its payload, at the longest handle
	defaultConcurrency = 64
	readBufSize        = 16 << 10 // the reply stream's buffer
	maxInflightBytes   = 4 << 20  // default bound on data in flight per transfer (larger measured slower: cache misses)
)

// ErrTooManyHandles is returned when opening one more file or directory
// would exceed the open-handle limit the server announced.
var ErrTooManyHandles = errors.New("sftp: too many open handles")

// NewClientPipe starts an SFTP session over a reader (the server's output)
// and a writer (its input), such as the stdout and stdin of an sftp-server
// process or of an SSH channel. It sends INIT, waits for VERSION and, if
// the server supports limits@openssh.com, reads its limits. Close closes w,
// and r too if it is an io.Closer.
func NewClientPipe(ctx context.Context, r io.Reader, w io.WriteCloser, opts ...ClientOption) (*Client, error) {
	closers := []io.Closer{w}
	if rc, ok := r.(io.Closer); ok && any(rc) != any(w) {
		closers = append(closers, rc)
	}
	return newClient(ctx, r, w, closers, opts)
}

// NewClient starts an SFTP session over rwc, such as an SSH channel running
// the "sftp" subsystem. See [NewClientPipe].
func NewClient(ctx context.Context, rwc io.ReadWriteCloser, opts ...ClientOption) (*Client, error) {
	return newClient(ctx, rwc, rwc, []io.Closer{rwc}, opts)
}

func newClient(ctx context.Context, r io.Reader, w io.Writer, closers []io.Closer, opts []ClientOption) (*Client, error) {
	c := &Client{
		// Buffered so that small replies and headers cost no system call
		// each; large DATA payloads still go straight to their buffers.
		// Small, so that little of a payload is copied twice when the
		// buffer filled past its header.
		r: bufio.NewReaderSize(r, readBufSize), w: w, closers: closers,
		pending: make(map[uint32]*call),
		done:    make(chan struct{}),
		cfg:     clientConfig{maxPacket: DefaultMaxPacket, concurrency: defaultConcurrency, maxInflight: maxInflightBytes},
	}
	c.direct, _ = r.(readAtLeaster)
	for _, o := range opts {
		o(&c.cfg)
	}
	if _, err := w.Write(appendInit(nil, ProtocolVersion)); err != nil {
		c.closeIO()
		return nil, fmt.Errorf("sftp: sending init: %w", err)
	}
	ready := make(chan error, 1)
	go c.readLoop(ready)
	select {
	case err := <-ready:
		if err != nil {
			c.closeIO()
			<-c.done
			return nil, err
		}
	case <-ctx.Done():
		c.closeIO()
		<-c.done
		return nil, ctx.Err()
	}
	if c.version != ProtocolVersion {
		c.Close()
		return nil, fmt.Errorf("sftp: server speaks version %d, want %d", c.version, ProtocolVersion)
	}
	c.readLen, c.writeLen = defaultChunk, defaultChunk
	if c.HasExtension(extLimits) {
		l, err := c.fetchLimits(ctx)
		if err != nil && !isStatus(err) {
			c.Close()
			return nil, err
		}
		if err == nil {
			c.limits = l
		}
	}
	c.readLen, c.writeLen = c.chunkSizes()
	return c, nil
}

// chunkSizes picks READ and WRITE payload sizes: the chosen size (or the
// default, at least minChunk), lowered to exactly what the server's
// limits@openssh.com reply allows — its read and write lengths, and its
// packet length less the request's or reply's own fields — however small,
// and for READ to our own packet bound. A limit of 0 means none.
func (c *Client) chunkSizes() (read, write int) {
	pick := func(limit uint64, overhead int) int {
		n := c.cfg.chunkSize
		if n == 0 {
			n = defaultChunk
			if limit > 0 {
				n = maxDefaultChunk
			}
		}
		n = max(n, minChunk)
		if limit > 0 && uint64(n) > limit {
			n = int(limit)
		}
		if p := c.limits.MaxPacketLength; p > 0 && uint64(n)+uint64(overhead) > p {
			n = int(max(p, uint64(overhead)+1) - uint64(overhead))
		}
		return n
	}
	read = min(pick(c.limits.MaxReadLength, dataHeaderLen), int(c.cfg.maxPacket)-dataHeaderLen)
	write = pick(c.limits.MaxWriteLength, writeHeaderLen)
	return read, write
}

func isStatus(err error) bool {
	var se *StatusError
	return errors.As(err, &se)
}

// ServerVersion returns the protocol version the server announced.
func (c *Client) ServerVersion() uint32 { return c.version }

// Extensions returns the extensions the server announced, name to data
// (for OpenSSH's, the extension's version).
func (c *Client) Extensions() map[string]string {
	m := make(map[string]string, len(c.exts))
	for k, v := range c.exts {
		m[k] = v
	}
	return m
}

// HasExtension reports whether the server announced the named extension
// with the version this package implements.
func (c *Client) HasExtension(name string) bool {
	v, ok := c.exts[name]
	if !ok {
		return false
	}
	if want, known := extVersions[name]; known {
		return v == want
	}
	return true
}

// Limits returns the server's limits@openssh.com figures, or zeros when it
// did not announce them.
func (c *Client) Limits() Limits { return c.limits }

// Close ends the session: pending and later calls fail with ErrClosed. It
// closes the underlying stream and waits for the reader goroutine to exit.
func (c *Client) Close() error {
	if c.closing.Swap(true) {
		<-c.done
		return nil
	}
	err := c.closeIO()
	<-c.done
	c.bg.Wait()
	return err
}

func (c *Client) closeIO() error {
	var first error
	for _, cl := range c.closers {
		if err := cl.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Wait blocks until the session ends and returns why (nil after Close).
func (c *Client) Wait() error {
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	if errors.Is(c.err, ErrClosed) {
		return nil
	}
	return c.err
}

// call is one request in flight.
type call struct {
	id        uint32
	ch        chan *call // receives the call when it completes
	dst       []byte     // READ: where DATA lands, without copying
	n         int        // READ: bytes placed in dst
	body      []byte     // reply body (type byte first), unless DATA went to dst
	buf       *[]byte    // pooled buffer behind body
	err       error      // session failure
	abandoned bool       // caller gave up; the reply is discarded
	fast      bool       // DATA went straight into dst; body is nil
	tag       int        // for the caller's bookkeeping
}

var callPool = sync.Pool{New: func() any { return &call{ch: make(chan *call, 1)} }}

func newCall() *call { return callPool.Get().(*call) }

// release returns a completed call and its buffer to their pools.
func (c *Client) release(cl *call) {
	if cl.buf != nil {
		putBuf(cl.buf)
	}
	ch := cl.ch
	*cl = call{ch: ch}
	if cap(ch) == 1 && len(ch) == 0 {
		callPool.Put(cl)
	}
}

var (
	bufPool   = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}
	largePool = sync.Pool{New: func() any { b := make([]byte, 0, DefaultMaxPacket+1024); return &b }}
)

// getBuf returns a pooled buffer with capacity of at least n bytes.
func getBuf(n int) *[]byte {
	var p *[]byte
	switch {
	case n <= 64*1024:
		p = bufPool.Get().(*[]byte)
	case n <= DefaultMaxPacket+1024:
		p = largePool.Get().(*[]byte)
	default:
		b := make([]byte, 0, n)
		return &b
	}
	if cap(*p) < n {
		*p = make([]byte, 0, n)
	}
	return p
}

func putBuf(p *[]byte) {
	switch c := cap(*p); {
	case c <= 64*1024:
		*p = (*p)[:0]
		bufPool.Put(p)
	case c <= DefaultMaxPacket+1024:
		*p = (*p)[:0]
		largePool.Put(p)
	}
}

// start registers cl under a fresh id, encodes the request with encode and
// sends it. On failure the call is unregistered and the error returned.
func (c *Client) start(cl *call, encode func(b []byte, id uint32) []byte) error {
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return err
	}
	c.nextID++
	cl.id = c.nextID
	c.pending[cl.id] = cl
	c.mu.Unlock()

	// encode may return a buffer of its own (streamWrite does), so only
	// the pooled buffer we took goes back to the pool.
	pb := getBuf(512)
	pkt := encode((*pb)[:0], cl.id)
	err := c.writePacket(pkt)
	putBuf(pb)
	if err != nil {
		c.mu.Lock()
		delete(c.pending, cl.id)
		c.mu.Unlock()
		return err
	}
	return nil
}

// register assigns cl a fresh id and records it as pending.
func (c *Client) register(cl *call) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	c.nextID++
	cl.id = c.nextID
	c.pending[cl.id] = cl
	return nil
}

func (c *Client) writePacket(pkt []byte) error {
	c.wmu.Lock()
	_, err := c.w.Write(pkt)
	c.wmu.Unlock()
	if err != nil {
		c.fail(fmt.Errorf("sftp: write: %w", err))
		c.mu.Lock()
		err = c.err
		c.mu.Unlock()
	}
	return err
}

// wait blocks until cl completes or ctx ends. On ctx's end the call is
// abandoned (its reply will be dropped) unless the reader already owns it,
// in which case wait lets it finish first.
func (c *Client) wait(ctx context.Context, cl *call) error {
	select {
	case <-cl.ch:
		return cl.err
	case <-ctx.Done():
		if c.abandon(cl) {
			return ctx.Err()
		}
		<-cl.ch
		return cl.err
	}
}

// abandon marks cl abandoned if the reader has not taken it yet.
func (c *Client) abandon(cl *call) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending[cl.id] == cl {
		cl.abandoned = true
		return true
	}
	return false
}

// roundTrip sends a request and waits for its reply, decoded into rep. The
// reply aliases a pooled buffer: callers copy what they keep before calling
// done (which must be called).
func (c *Client) roundTrip(ctx context.Context, r *request, rep *reply) (done func(), err error) {
	cl := newCall()
	err = c.start(cl, func(b []byte, id uint32) []byte {
		r.id = id
		return appendRequest(b, r)
	})
	if err != nil {
		c.release(cl)
		return nil, err
	}
	if err := c.wait(ctx, cl); err != nil {
		if !cl.abandoned {
			c.release(cl)
		}
		return nil, err
	}
	if err := decodeReply(cl.body, rep); err != nil {
		c.release(cl)
		c.fail(err)
		return nil, err
	}
	return func() { c.release(cl) }, nil
}

// fail ends the session with err (the first error wins) and completes
// every pending call with it.
func (c *Client) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	err = c.err
	pend := c.pending
	c.pending = make(map[uint32]*call)
	c.mu.Unlock()
	for _, cl := range pend {
		cl.err = err
		if cl.abandoned {
			continue
		}
		cl.ch <- cl
	}
	c.closeIO()
}

// readLoop reads VERSION, reports it on ready, then reads replies until
// the stream ends.
func (c *Client) readLoop(ready chan<- error) {
	defer close(c.done)
	body, err := readPacket(c.r, nil, c.cfg.maxPacket)
	if err == nil {
		c.version, c.exts, err = decodeVersionMap(body)
	}
	if err != nil {
		err = fmt.Errorf("sftp: reading server version: %w", err)
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
		ready <- err
		return
	}
	ready <- nil
	for {
		if err := c.readReply(); err != nil {
			if c.closing.Load() || errors.Is(err, io.EOF) && c.closing.Load() {
				err = ErrClosed
			} else if errors.Is(err, io.EOF) {
				err = fmt.Errorf("sftp: server closed the session: %w", io.ErrUnexpectedEOF)
			}
			c.fail(err)
			return
		}
	}
}

func decodeVersionMap(body []byte) (uint32, map[string]string, error) {
	v, exts, err := decodeVersion(body, fxpVersion)
	if err != nil {
		return 0, nil, err
	}
	m := make(map[string]string, len(exts))
	for _, e := range exts {
		m[e.Name] = e.Data
	}
	return v, m, nil
}

// readReply reads one reply and completes its call. DATA for a call with a
// destination buffer is read straight into that buffer.
func (c *Client) readReply() error {
	hdr := c.rhdr[:9] // a field, so the reads do not allocate
	if _, err := io.ReadFull(c.r, hdr[:4]); err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(hdr[:4])
	if n > c.cfg.maxPacket {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrPacketTooLarge, n, c.cfg.maxPacket)
	}
	if n < 5 {
		return errShortPacket
	}
	if _, err := io.ReadFull(c.r, hdr[4:9]); err != nil {
		return unexpected(err)
	}
	typ := hdr[4]
	id := binary.BigEndian.Uint32(hdr[5:9])
	c.mu.Lock()
	cl := c.pending[id]
	delete(c.pending, id)
	c.mu.Unlock()
	if cl == nil {
		return fmt.Errorf("%w: reply to unknown request id %d", ErrMalformed, id)
	}
	rest := int(n) - 5
	if typ == fxpData && cl.dst != nil && !cl.abandoned {
		if rest < 4 {
			return c.finishCall(cl, errShortPacket)
		}
		lb := c.rhdr[9:13]
		if _, err := io.ReadFull(c.r, lb); err != nil {
			return c.finishCall(cl, unexpected(err))
		}
		m := binary.BigEndian.Uint32(lb)
		if int64(m) != int64(rest-4) || int(m) > len(cl.dst) {
			return c.finishCall(cl, fmt.Errorf("%w: data reply of %d bytes for a %d-byte read", ErrMalformed, m, len(cl.dst)))
		}
		if err := c.readPayload(cl.dst[:m]); err != nil {
			return c.finishCall(cl, unexpected(err))
		}
		cl.n = int(m)
		cl.fast = true
		cl.ch <- cl
		return nil
	}
	pb := getBuf(int(n))
	b := append((*pb)[:0], hdr[4:9]...)
	b = b[:n]
	if _, err := io.ReadFull(c.r, b[5:]); err != nil {
		putBuf(pb)
		return c.finishCall(cl, unexpected(err))
	}
	if cl.abandoned {
		putBuf(pb)
		c.cleanupAbandoned(typ, b)
		return nil
	}
	*pb = b
	cl.buf, cl.body = pb, b
	cl.ch <- cl
	return nil
}

// readAtLeaster is a stream that can block until a given amount has
// arrived, with the semantics of io.ReadAtLeast: one wake-up for a whole
// DATA payload instead of one for each SSH packet carrying it.
type readAtLeaster interface {
	ReadAtLeast(p []byte, min int) (int, error)
}

// readPayload fills p from the stream: what the buffer holds first, then,
// if the stream can wait for a whole payload, straight from it.
func (c *Client) readPayload(p []byte) error {
	if c.direct == nil || len(p) <= c.r.Buffered() {
		_, err := io.ReadFull(c.r, p)
		return err
	}
	if b := c.r.Buffered(); b > 0 {
		k, _ := c.r.Read(p[:b]) // cannot fail: served from the buffer
		p = p[k:]
	}
	n, err := c.direct.ReadAtLeast(p, len(p))
	if n >= len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// finishCall completes cl with a session error and returns the error, so
// the reader stops.
func (c *Client) finishCall(cl *call, err error) error {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
	cl.err = err
	if !cl.abandoned {
		cl.ch <- cl
	}
	return err
}

// cleanupAbandoned closes a handle whose OPEN or OPENDIR the caller gave up
// on, so it does not leak on the server.
func (c *Client) cleanupAbandoned(typ byte, body []byte) {
	if typ != fxpHandle {
		return
	}
	var rep reply
	if decodeReply(body, &rep) != nil {
		return
	}
	h := rep.handle
	cl := newCall()
	cl.abandoned = true
	// Sent from another goroutine: the reader must never block on writes.
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		_ = c.start(cl, func(b []byte, id uint32) []byte {
			return appendRequest(b, &request{typ: fxpClose, id: id, handle: h})
		})
	}()
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
