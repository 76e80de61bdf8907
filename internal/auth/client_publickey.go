package auth

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// PublicKeys returns the "publickey" method using the given signers in
// order. For each key the client first asks whether the server would
// accept it and signs only after PK_OK.
func PublicKeys(signers ...keys.Signer) Method {
	s := slices.Clone(signers)
	return &publicKeyMethod{get: func() ([]keys.Signer, error) { return s, nil }}
}

// PublicKeysCallback returns the "publickey" method with signers obtained
// from get when the method is first used (for example from an agent). An
// error from get ends authentication.
func PublicKeysCallback(get func() ([]keys.Signer, error)) Method {
	return &publicKeyMethod{get: get}
}

type publicKeyMethod struct {
	get func() ([]keys.Signer, error)
}

func (m *publicKeyMethod) Name() string     { return wire.MethodPublicKey }
func (m *publicKeyMethod) start() methodRun { return &publicKeyRun{m: m} }

type publicKeyRun struct {
	m       *publicKeyMethod
	loaded  bool
	signers []keys.Signer
	i       int      // current signer
	algs    []string // algorithms still to try for signer i; nil = not chosen yet
}

// attempt sends one query (and, after PK_OK, the signed request) for the
// next key and algorithm.
func (r *publicKeyRun) attempt(c *client) (outcome, bool, error) {
	if !r.loaded {
		r.loaded = true
		s, err := r.m.get()
		if err != nil {
			return 0, true, fmt.Errorf("auth: public key callback: %w", err)
		}
		r.signers = s
	}
	for r.i < len(r.signers) {
		s := r.signers[r.i]
		if s == nil {
			r.i++
			continue
		}
		if r.algs == nil {
			r.algs = c.algorithmsFor(s)
			if len(r.algs) == 0 {
				r.nextKey()
				continue
			}
		}
		alg := r.algs[0]
		r.algs = r.algs[1:]
		out, keyDone, err := r.try(c, s, alg)
		if keyDone || len(r.algs) == 0 {
			r.nextKey()
		}
		if err != nil || out != outSkipped {
			return out, false, err
		}
	}
	return outSkipped, true, nil
}

func (r *publicKeyRun) nextKey() {
	r.i++
	r.algs = nil
}

// try runs the query and signature exchange for one key and algorithm.
// It returns outSkipped when the signer failed after PK_OK; keyDone
// reports that no other algorithm of this key is worth trying.
func (r *publicKeyRun) try(c *client, s keys.Signer, alg string) (out outcome, keyDone bool, err error) {
	blob := s.PublicKey().Marshal()
	q := wire.PublicKeyBody{Algorithm: alg, PublicKey: blob}
	if err := c.send(wire.MethodPublicKey, q.Append(nil)); err != nil {
		return 0, false, err
	}
	p, err := c.read()
	if err != nil {
		return 0, false, err
	}
	if p[0] != wire.MsgUserAuthPKOK {
		out, err := c.end(p, "to publickey query")
		return out, false, err
	}
	var ok wire.UserAuthPKOK
	if ok.Unmarshal(p) != nil {
		return 0, false, protocolError("malformed PK_OK")
	}
	// Like OpenSSH, accept a PK_OK naming the key type instead of the
	// RSA signature algorithm asked about; the key must be the same.
	if (ok.Algorithm != alg && !algorithmFitsKey(ok.Algorithm, s.PublicKey().Type())) || !bytes.Equal(ok.PublicKey, blob) {
		return 0, false, protocolError("PK_OK for a key or algorithm not asked about")
	}
	data := wire.PublicKeySignedData(c.sessionID, c.cfg.User, wire.ServiceConnection, alg, blob)
	sig, err := s.Sign(c.cfg.Rand, alg, data)
	if err == nil {
		var got string
		if got, err = keys.SignatureAlgorithm(sig); err == nil && got != signatureAlgorithm(alg) {
			err = fmt.Errorf("signer made a %q signature instead of %q", got, signatureAlgorithm(alg))
		}
	}
	if err != nil {
		c.skipped = append(c.skipped, fmt.Errorf("auth: signing with %s key %s: %w",
			s.PublicKey().Type(), keys.FingerprintSHA256(s.PublicKey()), err))
		// The server waits for a new request; the next key is fine.
		return outSkipped, true, nil
	}
	signed := wire.PublicKeyBody{Signed: true, Algorithm: alg, PublicKey: blob, Signature: sig}
	if err := c.send(wire.MethodPublicKey, signed.Append(nil)); err != nil {
		return 0, true, err
	}
	// A signed request that fails means the key is refused: try no more
	// of its algorithms.
	out, err = c.readEnd("to signed publickey request")
	return out, true, err
}

// algorithmsFor returns the publickey algorithms to try for s, in order.
// Non-RSA keys have exactly one. For RSA the server's server-sig-algs
// picks the best common algorithm (RFC 8332 §3.3); without it the client
// tries its accepted RSA algorithms in turn, strongest first, each a
// query that costs nothing but a round trip and, on OpenSSH, one of
// MaxAuthTries. A certificate signer lists certificate algorithms; each
// is allowed, and matched against server-sig-algs, by its own name or the
// plain algorithm underneath, since servers announce plain names.
func (c *client) algorithmsFor(s keys.Signer) []string {
	var algs []string
	for _, a := range s.Algorithms() {
		if algorithmAllowed(c.algs, a) {
			algs = append(algs, a)
		}
	}
	if len(algs) == 0 {
		return nil
	}
	if t, _ := plainKeyType(s.PublicKey().Type()); t != keys.TypeRSA {
		return algs[:1]
	}
	if server, ok := c.serverSigAlgs(); ok {
		for _, a := range algs {
			if algorithmAllowed(server, a) {
				return []string{a}
			}
		}
		return nil
	}
	return algs
}
