package transport

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ssh2go/ssh2/internal/transport/cipher"
	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// Conn is an SSH transport connection after the first key exchange.
type Conn struct {
	conn     net.Conn
	cfg      *Config
	isClient bool
	rand     io.Reader
	log      *slog.Logger

	localVersion, remoteVersion []byte

	// Reading side: used only by the reading goroutine.
	r        packetReader
	kex      kexState
	lastRead time.Time // start of the current key set, for RekeyInterval

	// Writing side, guarded by wmu.
	wmu        sync.Mutex
	wcond      *sync.Cond // signalled when a key exchange ends or the conn fails
	w          packetWriter
	kexSent    bool     // we sent KEXINIT and not yet NEWKEYS
	kexRounds  int      // completed key exchanges
	queued     [][]byte // control messages held back during a key exchange
	werr       error    // sticky write error
	kexStarted time.Time
	ourKexInit []byte // the KEXINIT we sent for the running exchange

	// Negotiated state, guarded by smu.
	smu           sync.Mutex
	sessionID     []byte
	algs          Algorithms
	hostKey       keys.PublicKey
	serverSigAlgs []string
	peerPing      bool
	pingSeq       uint64
	pings         map[string]chan struct{} // our pings awaiting a PONG, by data

	received  atomic.Uint64 // packets read, for liveness checks
	closed    chan struct{} // closed by Close
	closeOnce sync.Once
}

// Client runs the client side of the version exchange and first key
// exchange over conn. ctx bounds the handshake.
func Client(ctx context.Context, conn net.Conn, cfg *Config) (*Conn, error) {
	if cfg.HostKeyCallback == nil {
		return nil, errors.New("ssh: HostKeyCallback is required")
	}
	return handshake(ctx, conn, cfg, true)
}

// Server runs the server side of the version exchange and first key
// exchange over conn. ctx bounds the handshake.
func Server(ctx context.Context, conn net.Conn, cfg *Config) (*Conn, error) {
	if len(cfg.HostKeys) == 0 {
		return nil, errors.New("ssh: server has no host keys")
	}
	return handshake(ctx, conn, cfg, false)
}

func handshake(ctx context.Context, conn net.Conn, cfg *Config, isClient bool) (*Conn, error) {
	version := cfg.Version
	if version == "" {
		version = DefaultVersion
	}
	if err := checkVersion(version); err != nil {
		return nil, err
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	c := &Conn{
		conn:         conn,
		cfg:          cfg,
		isClient:     isClient,
		rand:         cfg.Rand,
		log:          cfg.logger(),
		localVersion: []byte(version),
		lastRead:     time.Now(),
		closed:       make(chan struct{}),
	}
	if c.rand == nil {
		c.rand = rand.Reader
	}
	c.wcond = sync.NewCond(&c.wmu)
	c.r = packetReader{r: bufio.NewReaderSize(conn, readBufferSize), opener: cipher.NewNoneOpener(), maxPacket: cfg.maxPacket()}
	c.w = newPacketWriter(conn)

	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	err := c.runHandshake(isClient, cfg)
	if !stop() || ctx.Err() != nil {
		// The deadline may have been set; the context's error explains it.
		if err == nil {
			err = ctx.Err()
		} else {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	return c, nil
}

func (c *Conn) runHandshake(isClient bool, cfg *Config) error {
	var out []byte
	if !isClient {
		for _, l := range cfg.Preamble {
			if strings.HasPrefix(l, "SSH-") || strings.ContainsAny(l, "\r\n") {
				return fmt.Errorf("%w: preamble line %q", ErrVersion, l)
			}
			out = append(append(out, l...), '\r', '\n')
		}
	}
	out = append(append(out, c.localVersion...), '\r', '\n')
	if _, err := c.conn.Write(out); err != nil {
		return err
	}
	v, err := readVersion(c.r.r, isClient)
	if err != nil {
		return err
	}
	c.remoteVersion = v
	c.log.Debug("ssh: remote version", "version", string(v))

	c.wmu.Lock()
	err = c.sendKexInitLocked()
	c.wmu.Unlock()
	if err != nil {
		return err
	}
	// The first key exchange completes inside readPacket; the first packet
	// it returns belongs to the next layer, so hold it back.
	for c.Rounds() == 0 {
		p, err := c.readOne()
		if err != nil {
			return err
		}
		if p != nil {
			return c.fail(&protocolError{reason: wire.DisconnectProtocolError,
				msg: fmt.Sprintf("message %d before key exchange", p[0])})
		}
	}
	return nil
}

// LocalVersion and RemoteVersion return the identification strings.
func (c *Conn) LocalVersion() []byte  { return c.localVersion }
func (c *Conn) RemoteVersion() []byte { return c.remoteVersion }

// LocalAddr and RemoteAddr are those of the underlying connection.
func (c *Conn) LocalAddr() net.Addr  { return c.conn.LocalAddr() }
func (c *Conn) RemoteAddr() net.Addr { return c.conn.RemoteAddr() }

// SessionID is the exchange hash of the first key exchange.
func (c *Conn) SessionID() []byte {
	c.smu.Lock()
	defer c.smu.Unlock()
	return c.sessionID
}

// Algorithms returns the algorithms of the latest key exchange.
func (c *Conn) Algorithms() Algorithms {
	c.smu.Lock()
	defer c.smu.Unlock()
	return c.algs
}

// HostKey returns the server's host key (verified on the client side).
func (c *Conn) HostKey() keys.PublicKey {
	c.smu.Lock()
	defer c.smu.Unlock()
	return c.hostKey
}

// ServerSigAlgs returns the server-sig-algs extension the server sent
// (client side), or nil.
func (c *Conn) ServerSigAlgs() []string {
	c.smu.Lock()
	defer c.smu.Unlock()
	return c.serverSigAlgs
}

// Rounds returns the number of completed key exchanges.
func (c *Conn) Rounds() int {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.kexRounds
}

// ReadPacket returns the next packet for the layers above: transport
// messages are handled here, and key exchanges run inside this call. The
// result is valid until the next ReadPacket. Only one goroutine may read.
func (c *Conn) ReadPacket() ([]byte, error) {
	for {
		p, err := c.readOne()
		if err != nil || p != nil {
			return p, err
		}
	}
}

// PacketsReceived returns how many packets have been read from the peer
// so far. A caller checking that the peer is alive compares it over time.
func (c *Conn) PacketsReceived() uint64 { return c.received.Load() }

// readPacket reads the next packet and counts it.
func (c *Conn) readPacket() ([]byte, error) {
	p, err := c.r.read()
	if err == nil {
		c.received.Add(1)
	}
	return p, err
}

// readOne reads one packet and handles it if it belongs to the transport,
// returning nil, nil in that case.
func (c *Conn) readOne() ([]byte, error) {
	p, err := c.readPacket()
	if err != nil {
		return nil, c.fail(err)
	}
	if p[0] >= 50 && p[0] != wire.MsgPing && p[0] != wire.MsgPong {
		if err := c.checkRekey(&c.r.bytes, &c.r.packets); err != nil {
			return nil, err
		}
		return p, nil
	}
	switch p[0] {
	case wire.MsgKexInit:
		c.log.Debug("ssh: SSH2_MSG_KEXINIT received")
		return nil, c.runKex(p)
	case wire.MsgServiceRequest, wire.MsgServiceAccept:
		if c.Rounds() == 0 {
			break
		}
		return p, nil
	case wire.MsgIgnore, wire.MsgDebug, wire.MsgUnimplemented:
		if c.kex.strictInitial() {
			break
		}
		c.logGeneric(p)
		return nil, nil
	case wire.MsgDisconnect:
		var d wire.Disconnect
		if err := d.Unmarshal(p); err != nil {
			return nil, c.fail(&DisconnectError{Reason: wire.DisconnectProtocolError, Message: "malformed disconnect"})
		}
		err := &DisconnectError{Reason: d.Reason, Message: d.Message}
		c.failRead(err)
		return nil, err
	case wire.MsgExtInfo:
		return nil, c.handleExtInfo(p)
	case wire.MsgPing:
		return nil, c.handlePing(p)
	case wire.MsgPong:
		return nil, c.handlePong(p)
	default:
		if p[0] >= 30 && p[0] < 50 || p[0] == wire.MsgNewKeys {
			break // KEX method messages outside a key exchange
		}
		// RFC 4253 §11.4: unknown transport message numbers.
		return nil, c.WritePacket((&wire.Unimplemented{Seq: c.r.seq - 1}).Marshal(nil))
	}
	return nil, c.fail(&protocolError{reason: wire.DisconnectProtocolError,
		msg: fmt.Sprintf("unexpected message %d", p[0])})
}

func (c *Conn) logGeneric(p []byte) {
	if p[0] != wire.MsgDebug {
		return
	}
	var d wire.Debug
	if d.Unmarshal(p) == nil {
		c.log.Debug("ssh: peer debug message", "message", d.Message, "always_display", d.AlwaysDisplay)
	}
}

// UnimplementedLast answers the packet ReadPacket returned last with
// SSH_MSG_UNIMPLEMENTED, for layers above that do not know its number.
func (c *Conn) UnimplementedLast() error {
	return c.WritePacket((&wire.Unimplemented{Seq: c.r.seq - 1}).Marshal(nil))
}

func (c *Conn) handlePing(p []byte) error {
	d := wire.NewDecoder(p[1:])
	data := d.String()
	if err := d.Finish(); err != nil {
		return c.fail(&protocolError{reason: wire.DisconnectProtocolError, msg: "malformed ping"})
	}
	if c.Rounds() == 0 {
		return nil // pings before the first NEWKEYS are ignored (PROTOCOL §1.9)
	}
	return c.WritePacket(wire.AppendString([]byte{wire.MsgPong}, data))
}

func (c *Conn) handleExtInfo(p []byte) error {
	var m wire.ExtInfo
	if err := m.Unmarshal(p); err != nil {
		return c.fail(&protocolError{reason: wire.DisconnectProtocolError, msg: "malformed EXT_INFO"})
	}
	c.smu.Lock()
	defer c.smu.Unlock()
	if v, ok := m.Lookup("server-sig-algs"); ok && c.isClient {
		d := wire.NewDecoder(wire.AppendString(nil, v))
		c.serverSigAlgs = d.NameList()
	}
	if _, ok := m.Lookup(extPing); ok {
		c.peerPing = true
	}
	return nil
}

// PeerSupportsPing reports whether the peer announced ping@openssh.com in
// its EXT_INFO (OpenSSH PROTOCOL §1.8), which makes Ping usable.
func (c *Conn) PeerSupportsPing() bool {
	c.smu.Lock()
	defer c.smu.Unlock()
	return c.peerPing
}

// Ping sends SSH2_MSG_PING and waits for the peer's PONG carrying the
// same data, the connection's end, or ctx. It returns ErrPingUnsupported
// when the peer did not announce the extension. Another goroutine must be
// reading. Pings may overlap; each waits for its own PONG.
func (c *Conn) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.smu.Lock()
	if !c.peerPing {
		c.smu.Unlock()
		return ErrPingUnsupported
	}
	c.pingSeq++
	data := fmt.Appendf(nil, "ssh2go-ping-%d", c.pingSeq)
	pong := make(chan struct{})
	if c.pings == nil {
		c.pings = map[string]chan struct{}{}
	}
	c.pings[string(data)] = pong
	c.smu.Unlock()
	defer func() {
		c.smu.Lock()
		delete(c.pings, string(data)) // answered, abandoned or failed
		c.smu.Unlock()
	}()
	if err := c.WritePacket(wire.AppendString([]byte{wire.MsgPing}, data)); err != nil {
		return err
	}
	select {
	case <-pong:
		return nil
	case <-c.closed:
		c.wmu.Lock()
		err := c.werr
		c.wmu.Unlock()
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// handlePong releases the Ping whose data the PONG carries; a PONG nobody
// waits for (its Ping gave up) is ignored.
func (c *Conn) handlePong(p []byte) error {
	d := wire.NewDecoder(p[1:])
	data := d.String()
	if err := d.Finish(); err != nil {
		return c.fail(&protocolError{reason: wire.DisconnectProtocolError, msg: "malformed pong"})
	}
	c.smu.Lock()
	if ch, ok := c.pings[string(data)]; ok {
		delete(c.pings, string(data))
		close(ch)
	}
	c.smu.Unlock()
	return nil
}

// WritePacket sends a control message. While a key exchange that we
// started is in progress it is queued and sent after NEWKEYS, so it never
// waits for the reading goroutine. payload may be reused after return.
func (c *Conn) WritePacket(payload []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	if c.kexSent {
		if len(c.queued) >= maxQueuedControl {
			c.werr = errors.New("ssh: too many messages queued during key exchange")
			return c.werr
		}
		c.queued = append(c.queued, append([]byte(nil), payload...))
		return nil
	}
	return c.writeLocked(payload, nil, false)
}

// WriteData sends a message whose payload is hdr followed by body, waiting
// while a key exchange is in progress. It is meant for channel data.
func (c *Conn) WriteData(hdr, body []byte) error { return c.writeData(hdr, body, false) }

// WriteDataHeld is WriteData for a packet the caller follows at once with
// more: it may be held back and written together with the next packets,
// so a large write costs one system call per few packets rather than one
// each. Any other write, or Flush, sends it; the caller must make one.
func (c *Conn) WriteDataHeld(hdr, body []byte) error { return c.writeData(hdr, body, true) }

// Flush writes the packets WriteDataHeld held back.
func (c *Conn) Flush() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	if err := c.w.flush(); err != nil {
		c.werr = err
		c.wcond.Broadcast()
		return err
	}
	return nil
}

func (c *Conn) writeData(hdr, body []byte, hold bool) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	for c.kexSent && c.werr == nil {
		c.wcond.Wait()
	}
	if c.werr != nil {
		return c.werr
	}
	return c.writeLocked(hdr, body, hold)
}

// writeLocked writes a packet (or holds it back) and starts a key exchange
// when the current keys have protected enough data; the KEXINIT write
// sends what is held. c.wmu is held.
func (c *Conn) writeLocked(hdr, body []byte, hold bool) error {
	var err error
	if hold {
		err = c.w.writeHeld(hdr, body)
	} else {
		err = c.w.write(hdr, body)
	}
	if err != nil {
		c.werr = err
		c.wcond.Broadcast()
		return err
	}
	if c.kexRounds > 0 && !c.kexSent && c.needRekey(c.w.bytes, c.w.packets, c.kexStarted) {
		return c.sendKexInitLocked()
	}
	return nil
}

func (c *Conn) needRekey(bytes, packets uint64, since time.Time) bool {
	if bytes >= c.cfg.rekeyBytes() || packets >= rekeyPackets {
		return true
	}
	return c.cfg.RekeyInterval > 0 && time.Since(since) >= c.cfg.RekeyInterval
}

// checkRekey starts a key exchange from the reading side's counters.
func (c *Conn) checkRekey(bytes, packets *uint64) error {
	if !c.needRekey(*bytes, *packets, c.lastRead) {
		return nil
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.kexSent || c.werr != nil {
		return nil
	}
	return c.sendKexInitLocked()
}

// RequestKeyExchange starts a key exchange unless one is in progress, and
// waits until it completes. Another goroutine must be reading.
func (c *Conn) RequestKeyExchange(ctx context.Context) error {
	c.wmu.Lock()
	target := c.kexRounds + 1
	if !c.kexSent {
		if err := c.sendKexInitLocked(); err != nil {
			c.wmu.Unlock()
			return err
		}
	}
	stop := context.AfterFunc(ctx, func() {
		c.wmu.Lock()
		c.wcond.Broadcast()
		c.wmu.Unlock()
	})
	defer stop()
	for c.kexRounds < target && c.werr == nil && ctx.Err() == nil {
		c.wcond.Wait()
	}
	err := c.werr
	c.wmu.Unlock()
	if err != nil {
		return err
	}
	return ctx.Err()
}

// LocalDisconnect returns the DISCONNECT we sent, or nil if we sent none.
// Once we have sent one, whatever error reading meets afterwards (the
// peer hanging up in answer, say) is a consequence of it.
func (c *Conn) LocalDisconnect() *DisconnectError {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	var de *DisconnectError
	if errors.As(c.werr, &de) && de.Local {
		return de
	}
	return nil
}

// Disconnect sends SSH_MSG_DISCONNECT and closes the connection.
func (c *Conn) Disconnect(reason uint32, msg string) error {
	c.wmu.Lock()
	if c.werr == nil {
		_ = c.w.write((&wire.Disconnect{Reason: reason, Message: msg}).Marshal(nil), nil)
		c.werr = &DisconnectError{Reason: reason, Message: msg, Local: true}
		c.wcond.Broadcast()
	}
	c.wmu.Unlock()
	return c.Close()
}

// Close closes the connection without a DISCONNECT message.
func (c *Conn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		c.wmu.Lock()
		if c.werr == nil {
			c.werr = ErrClosed
		}
		c.wcond.Broadcast()
		c.wmu.Unlock()
		close(c.closed)
		err = c.conn.Close()
	})
	return err
}

// fail turns a read-side error into the connection's final error: a
// protocol violation is reported to the peer with DISCONNECT first.
func (c *Conn) fail(err error) error {
	var pe *protocolError
	if errors.As(err, &pe) {
		c.log.Debug("ssh: disconnecting", "reason", pe.reason, "error", pe.msg)
		_ = c.Disconnect(pe.reason, pe.msg)
		return &DisconnectError{Reason: pe.reason, Message: pe.msg, Local: true}
	}
	var de *DisconnectError
	if errors.As(err, &de) && de.Local {
		_ = c.Disconnect(de.Reason, de.Message)
		return err
	}
	c.failRead(err)
	return err
}

// failRead records a fatal read error so blocked writers wake up.
func (c *Conn) failRead(err error) {
	c.wmu.Lock()
	if c.werr == nil {
		c.werr = err
	}
	c.wcond.Broadcast()
	c.wmu.Unlock()
	c.Close()
}
