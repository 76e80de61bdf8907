package transport

import (
	"crypto"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/ssh2go/ssh2/internal/transport/cipher"
	"github.com/ssh2go/ssh2/internal/transport/kex"
	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// kexState is the reading goroutine's view of key exchanges.
type kexState struct {
	strict    bool // strict KEX negotiated in the first exchange
	first     bool // the running exchange is the first one
	skipGuess bool // discard the peer's wrongly guessed first KEX packet
}

// strictInitial reports whether strict KEX rules for the first exchange
// apply: then no message outside the key exchange is tolerated.
func (k *kexState) strictInitial() bool { return k.first && k.strict }

// HostKeyError wraps the HostKeyCallback's refusal of the server's key.
type HostKeyError struct {
	Key keys.PublicKey
	Err error
}

func (e *HostKeyError) Error() string { return "ssh: host key rejected: " + e.Err.Error() }
func (e *HostKeyError) Unwrap() error { return e.Err }

// sendKexInitLocked sends our KEXINIT. c.wmu is held.
func (c *Conn) sendKexInitLocked() error {
	var m wire.KexInit
	if _, err := io.ReadFull(c.rand, m.Cookie[:]); err != nil {
		return err
	}
	m.KexAlgos = slices.Clone(orDefault(c.cfg.KexAlgorithms, DefaultKexAlgorithms(c.isClient)))
	if c.kexRounds == 0 {
		if c.isClient {
			m.KexAlgos = append(m.KexAlgos, extInfoClient, strictKexClient)
		} else {
			m.KexAlgos = append(m.KexAlgos, extInfoServer, strictKexServer)
		}
	}
	if c.isClient {
		m.HostKeyAlgos = orDefault(c.cfg.HostKeyAlgorithms, DefaultHostKeyAlgorithms)
	} else {
		m.HostKeyAlgos = c.serverHostKeyAlgos()
	}
	m.CiphersClientServer = orDefault(c.cfg.Ciphers, cipher.DefaultCiphers())
	m.CiphersServerClient = m.CiphersClientServer
	m.MACsClientServer = orDefault(c.cfg.MACs, DefaultMACs(c.isClient))
	m.MACsServerClient = m.MACsClientServer
	m.CompressionClientServer = []string{compressionNone}
	m.CompressionServerClient = m.CompressionClientServer
	payload := m.Marshal(nil)
	// OpenSSH's wording. Logged before the write, so that the peer's
	// answer cannot be logged first: the order of the "sent" and
	// "received" lines shows which side started a key exchange.
	c.log.Debug("ssh: SSH2_MSG_KEXINIT sent")
	if err := c.w.write(payload, nil); err != nil {
		c.werr = err
		c.wcond.Broadcast()
		return err
	}
	c.ourKexInit = payload
	c.kexSent = true
	c.kexStarted = time.Now()
	return nil
}

// serverHostKeyAlgos lists the host key algorithms our host keys make,
// in the configured order of preference. A certificate signer makes its
// certificate algorithms and the plain algorithms of its key.
func (c *Conn) serverHostKeyAlgos() []string {
	var have []string
	for _, s := range c.cfg.HostKeys {
		have = append(have, s.Algorithms()...)
		if _, ok := s.PublicKey().(*keys.Certificate); ok {
			for _, a := range s.Algorithms() {
				if p, ok := keys.CertAlgorithmUnderlying(a); ok {
					have = append(have, p)
				}
			}
		}
	}
	var out []string
	for _, a := range orDefault(c.cfg.HostKeyAlgorithms, DefaultServerHostKeyAlgorithms) {
		if slices.Contains(have, a) && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func orDefault(v, def []string) []string {
	if len(v) == 0 {
		return def
	}
	return v
}

// runKex runs one key exchange after the peer's KEXINIT arrived.
func (c *Conn) runKex(peerKexInit []byte) error {
	peerInit := slices.Clone(peerKexInit)
	c.wmu.Lock()
	if !c.kexSent {
		if err := c.sendKexInitLocked(); err != nil {
			c.wmu.Unlock()
			return c.fail(err)
		}
	}
	ourInit := c.ourKexInit
	c.kex.first = c.kexRounds == 0
	c.wmu.Unlock()

	var peer, ours wire.KexInit
	if err := peer.Unmarshal(peerInit); err != nil {
		return c.fail(&protocolError{reason: wire.DisconnectProtocolError, msg: "malformed KEXINIT"})
	}
	if err := ours.Unmarshal(ourInit); err != nil {
		return c.fail(err)
	}
	cl, sv := &ours, &peer
	m := &kex.Magics{ClientVersion: c.localVersion, ServerVersion: c.remoteVersion, ClientKexInit: ourInit, ServerKexInit: peerInit}
	if !c.isClient {
		cl, sv = sv, cl
		m = &kex.Magics{ClientVersion: c.remoteVersion, ServerVersion: c.localVersion, ClientKexInit: peerInit, ServerKexInit: ourInit}
	}
	if c.kex.first {
		c.kex.strict = slices.Contains(cl.KexAlgos, strictKexClient) && slices.Contains(sv.KexAlgos, strictKexServer)
		if c.kex.strict && c.r.seq != 1 {
			return c.fail(&protocolError{reason: wire.DisconnectProtocolError, msg: "strict KEX: KEXINIT was not the first message"})
		}
	}
	algs, err := negotiate(cl, sv)
	if err != nil {
		return c.fail(&DisconnectError{Reason: wire.DisconnectKeyExchangeFailed, Message: err.Error(), Local: true})
	}
	c.kex.skipGuess = peer.FirstKexFollows && (len(peer.KexAlgos) == 0 || peer.KexAlgos[0] != algs.Kex ||
		len(peer.HostKeyAlgos) == 0 || peer.HostKeyAlgos[0] != algs.HostKey)
	method, ok := kex.Lookup(algs.Kex)
	if !ok {
		return c.fail(&DisconnectError{Reason: wire.DisconnectKeyExchangeFailed, Message: "unsupported key exchange " + algs.Kex, Local: true})
	}

	var res *kex.Result
	kc := kexConn{c}
	if c.isClient {
		res, err = method.Client(kc, c.rand, m)
		if err == nil {
			err = c.verifyHostKey(algs.HostKey, res)
		}
	} else {
		hk, ok := c.hostKeyFor(algs.HostKey)
		if !ok {
			return c.fail(&DisconnectError{Reason: wire.DisconnectKeyExchangeFailed, Message: "no host key for " + algs.HostKey, Local: true})
		}
		res, err = method.Server(kc, c.rand, m, hk)
	}
	if err != nil {
		var de *DisconnectError
		if errors.As(err, &de) {
			return c.fail(err)
		}
		reason := uint32(wire.DisconnectKeyExchangeFailed)
		var hke *HostKeyError
		if errors.As(err, &hke) {
			reason = wire.DisconnectHostKeyNotVerifiable
		}
		c.fail(&DisconnectError{Reason: reason, Message: err.Error(), Local: true})
		return err
	}

	c.smu.Lock()
	if c.sessionID == nil {
		c.sessionID = slices.Clone(res.H)
	}
	sessionID := c.sessionID
	c.algs = algs
	c.smu.Unlock()

	sealer, opener, err := c.newCiphers(algs, res, sessionID)
	if err != nil {
		return c.fail(&DisconnectError{Reason: wire.DisconnectKeyExchangeFailed, Message: err.Error(), Local: true})
	}
	// RFC 8308 §2.1: each side may send EXT_INFO after its first NEWKEYS
	// when the other signalled it accepts one.
	peerExt := extInfoClient
	if c.isClient {
		peerExt = extInfoServer
	}
	sendExtInfo := c.kex.first && slices.Contains(peer.KexAlgos, peerExt)
	if err := c.sendNewKeys(sealer, sendExtInfo); err != nil {
		return c.fail(err)
	}
	p, err := kc.ReadPacket()
	if err != nil {
		return err
	}
	if len(p) != 1 || p[0] != wire.MsgNewKeys {
		return c.fail(&protocolError{reason: wire.DisconnectProtocolError, msg: fmt.Sprintf("expected NEWKEYS, got message %d", p[0])})
	}
	c.r.opener = opener
	if c.kex.strict {
		c.r.seq = 0
	}
	c.r.bytes, c.r.packets, c.lastRead = 0, 0, time.Now()
	c.kex.first = false

	c.wmu.Lock()
	c.kexRounds++
	c.wcond.Broadcast()
	c.wmu.Unlock()
	c.log.Debug("ssh: key exchange complete", "kex", algs.Kex, "hostkey", algs.HostKey,
		"cipher_cs", algs.CipherClientServer, "cipher_sc", algs.CipherServerClient)
	if c.cfg.OnKeyExchange != nil {
		c.cfg.OnKeyExchange(algs)
	}
	return nil
}

// sendNewKeys sends NEWKEYS, switches the writing side to the new keys,
// optionally sends EXT_INFO as the very next packet (RFC 8308 §2.4), and
// releases what waited for the key exchange.
func (c *Conn) sendNewKeys(sealer cipher.Sealer, extInfo bool) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	if err := c.w.write([]byte{wire.MsgNewKeys}, nil); err != nil {
		c.werr = err
		c.wcond.Broadcast()
		return err
	}
	c.w.sealer = sealer
	if c.kex.strict {
		c.w.seq = 0
	}
	c.w.bytes, c.w.packets = 0, 0
	c.kexSent = false
	c.ourKexInit = nil
	var err error
	if extInfo {
		err = c.w.write(c.extInfo(), nil)
	}
	for _, q := range c.queued {
		if err != nil {
			break
		}
		err = c.w.write(q, nil)
	}
	c.queued = nil
	if err != nil {
		c.werr = err
	}
	c.wcond.Broadcast()
	return err
}

// extInfo is our EXT_INFO: a server announces the signature algorithms
// it accepts for user keys, and both sides announce that they answer
// pings (OpenSSH PROTOCOL §1.8), so the peer's Ping works either way.
func (c *Conn) extInfo() []byte {
	var m wire.ExtInfo
	if !c.isClient {
		algs := c.cfg.ServerSigAlgs
		if len(algs) == 0 {
			algs = DefaultPubkeyAlgorithms
		}
		m.Extensions = append(m.Extensions, wire.Extension{Name: "server-sig-algs", Value: []byte(joinNames(algs))})
	}
	m.Extensions = append(m.Extensions, wire.Extension{Name: extPing, Value: []byte("0")})
	return m.Marshal(nil)
}

func (c *Conn) verifyHostKey(algo string, res *kex.Result) error {
	pub, err := keys.ParsePublicKey(res.HostKey)
	if err != nil {
		return fmt.Errorf("ssh: server host key: %w", err)
	}
	if pub.Type() != keyTypeOf(algo) {
		return fmt.Errorf("ssh: server sent a %s host key for algorithm %s", pub.Type(), algo)
	}
	// A host certificate's signature is made by the certified key with
	// the plain algorithm (PROTOCOL.certkeys).
	wantSig := algo
	if p, ok := keys.CertAlgorithmUnderlying(algo); ok {
		wantSig = p
	}
	sigAlgo, err := keys.SignatureAlgorithm(res.Signature)
	if err != nil || sigAlgo != wantSig {
		return fmt.Errorf("ssh: server signed with %q, negotiated %s", sigAlgo, algo)
	}
	if err := pub.Verify(res.H, res.Signature); err != nil {
		return fmt.Errorf("ssh: host key signature: %w", err)
	}
	c.smu.Lock()
	prev := c.hostKey
	c.smu.Unlock()
	if prev != nil {
		if !keys.Equal(prev, pub) {
			return &HostKeyError{Key: pub, Err: errors.New("host key changed during re-key")}
		}
		return nil
	}
	if err := c.cfg.HostKeyCallback(pub); err != nil {
		return &HostKeyError{Key: pub, Err: err}
	}
	c.smu.Lock()
	c.hostKey = pub
	c.smu.Unlock()
	return nil
}

// keyTypeOf maps a host key algorithm to its key type; a certificate
// algorithm maps to the certificate type of its key.
func keyTypeOf(algo string) string {
	if p, ok := keys.CertAlgorithmUnderlying(algo); ok {
		c, _ := keys.CertAlgorithm(keyTypeOf(p))
		return c
	}
	switch algo {
	case keys.SigRSASHA256, keys.SigRSASHA512:
		return keys.TypeRSA
	}
	return algo
}

// hostKeyFor returns the host key that signs for algo: a signer listing
// algo, or else, for a plain algorithm, the key under a certificate
// signer that makes the certificate form of algo.
func (c *Conn) hostKeyFor(algo string) (hostKey, bool) {
	for _, s := range c.cfg.HostKeys {
		if slices.Contains(s.Algorithms(), algo) {
			return hostKey{s: s, algo: algo, pub: s.PublicKey()}, true
		}
	}
	for _, s := range c.cfg.HostKeys {
		cert, ok := s.PublicKey().(*keys.Certificate)
		if !ok {
			continue
		}
		for _, a := range s.Algorithms() {
			if p, ok := keys.CertAlgorithmUnderlying(a); ok && p == algo {
				return hostKey{s: s, algo: algo, pub: cert.Key}, true
			}
		}
	}
	return hostKey{}, false
}

// newCiphers derives the keys of RFC 4253 §7.2 and builds both directions.
func (c *Conn) newCiphers(a Algorithms, res *kex.Result, sessionID []byte) (cipher.Sealer, cipher.Opener, error) {
	type dir struct {
		cipher, mac   string
		iv, key, mac_ byte
	}
	cs := dir{a.CipherClientServer, a.MACClientServer, 'A', 'C', 'E'}
	sc := dir{a.CipherServerClient, a.MACServerClient, 'B', 'D', 'F'}
	keysFor := func(d dir) (cipher.Keys, error) {
		ivLen, keyLen, macLen, err := cipher.KeySizes(d.cipher, d.mac)
		if err != nil {
			return cipher.Keys{}, err
		}
		return cipher.Keys{
			IV:  deriveKey(res.Hash, res.K, res.H, d.iv, sessionID, ivLen),
			Key: deriveKey(res.Hash, res.K, res.H, d.key, sessionID, keyLen),
			MAC: deriveKey(res.Hash, res.K, res.H, d.mac_, sessionID, macLen),
		}, nil
	}
	out, in := cs, sc
	if !c.isClient {
		out, in = sc, cs
	}
	ko, err := keysFor(out)
	if err != nil {
		return nil, nil, err
	}
	ki, err := keysFor(in)
	if err != nil {
		return nil, nil, err
	}
	s, err := cipher.NewSealer(out.cipher, out.mac, ko)
	if err != nil {
		return nil, nil, err
	}
	o, err := cipher.NewOpener(in.cipher, in.mac, ki)
	if err != nil {
		return nil, nil, err
	}
	return s, o, nil
}

// deriveKey computes n bytes of key material with letter x (RFC 4253 §7.2).
func deriveKey(h crypto.Hash, k, H []byte, x byte, sessionID []byte, n int) []byte {
	if n == 0 {
		return nil
	}
	d := h.New()
	d.Write(k)
	d.Write(H)
	d.Write([]byte{x})
	d.Write(sessionID)
	out := d.Sum(nil)
	for len(out) < n {
		d.Reset()
		d.Write(k)
		d.Write(H)
		d.Write(out)
		out = d.Sum(out)
	}
	return out[:n]
}

// negotiate picks the algorithms of RFC 4253 §7.1 from both KEXINITs.
func negotiate(cl, sv *wire.KexInit) (Algorithms, error) {
	var a Algorithms
	var err error
	if a.Kex, err = choose("key exchange", realKex(cl.KexAlgos), sv.KexAlgos); err != nil {
		return a, err
	}
	if a.HostKey, err = choose("host key", cl.HostKeyAlgos, sv.HostKeyAlgos); err != nil {
		return a, err
	}
	if a.CipherClientServer, err = choose("client to server cipher", cl.CiphersClientServer, sv.CiphersClientServer); err != nil {
		return a, err
	}
	if a.CipherServerClient, err = choose("server to client cipher", cl.CiphersServerClient, sv.CiphersServerClient); err != nil {
		return a, err
	}
	if !cipher.IsAEAD(a.CipherClientServer) {
		if a.MACClientServer, err = choose("client to server MAC", cl.MACsClientServer, sv.MACsClientServer); err != nil {
			return a, err
		}
	}
	if !cipher.IsAEAD(a.CipherServerClient) {
		if a.MACServerClient, err = choose("server to client MAC", cl.MACsServerClient, sv.MACsServerClient); err != nil {
			return a, err
		}
	}
	if a.CompressClientServer, err = choose("client to server compression", cl.CompressionClientServer, sv.CompressionClientServer); err != nil {
		return a, err
	}
	a.CompressServerClient, err = choose("server to client compression", cl.CompressionServerClient, sv.CompressionServerClient)
	return a, err
}

// realKex drops the pseudo-algorithms that only signal extensions.
func realKex(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		switch n {
		case extInfoClient, extInfoServer, strictKexClient, strictKexServer:
		default:
			out = append(out, n)
		}
	}
	return out
}

// kexConn gives a key exchange method the raw packet stream.
type kexConn struct{ c *Conn }

func (k kexConn) WritePacket(p []byte) error {
	c := k.c
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	if err := c.w.write(p, nil); err != nil {
		c.werr = err
		c.wcond.Broadcast()
		return err
	}
	return nil
}

// ReadPacket returns the next key exchange message, handling the generic
// transport messages RFC 4253 §7.1 still allows.
func (k kexConn) ReadPacket() ([]byte, error) {
	c := k.c
	for {
		p, err := c.readPacket()
		if err != nil {
			return nil, c.fail(err)
		}
		switch {
		case p[0] == wire.MsgDisconnect:
			var d wire.Disconnect
			_ = d.Unmarshal(p)
			err := &DisconnectError{Reason: d.Reason, Message: d.Message}
			c.failRead(err)
			return nil, err
		case p[0] == wire.MsgIgnore || p[0] == wire.MsgDebug || p[0] == wire.MsgUnimplemented:
			if c.kex.strictInitial() {
				return nil, c.fail(&protocolError{reason: wire.DisconnectProtocolError, msg: "strict KEX: unexpected message during key exchange"})
			}
			c.logGeneric(p)
			continue
		case c.kex.skipGuess:
			c.kex.skipGuess = false
			continue
		case p[0] == wire.MsgNewKeys || (p[0] >= 30 && p[0] < 50):
			return p, nil
		}
		return nil, c.fail(&protocolError{reason: wire.DisconnectProtocolError, msg: fmt.Sprintf("unexpected message %d during key exchange", p[0])})
	}
}

// hostKey binds a host key to the negotiated algorithm. pub is the key
// sent to the client: the signer's own public key, or the plain key under
// a certificate when a plain algorithm was negotiated.
type hostKey struct {
	s    keys.Signer
	algo string
	pub  keys.PublicKey
}

func (h hostKey) PublicKey() []byte { return h.pub.Marshal() }
func (h hostKey) Sign(rand io.Reader, data []byte) ([]byte, error) {
	return h.s.Sign(rand, h.algo, data)
}
