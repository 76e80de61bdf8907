package agent

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ssh2go/ssh2/keys"
)

// KeyringOption configures NewKeyring.
type KeyringOption func(*keyring)

// WithClock sets the keyring's clock, used for key lifetimes (the default
// is time.Now). Tests inject a fake clock.
func WithClock(now func() time.Time) KeyringOption {
	return func(k *keyring) { k.now = now }
}

// WithConfirm sets the callback asked before each use of a key added with
// ConfirmBeforeUse; it returns true to allow the signature. Without it, the
// keyring refuses keys that carry the confirm constraint.
func WithConfirm(confirm func(key keys.PublicKey, comment string) bool) KeyringOption {
	return func(k *keyring) { k.confirm = confirm }
}

// ringKey is one identity of the keyring.
type ringKey struct {
	signer  keys.Signer
	blob    []byte
	comment string
	expiry  time.Time // zero: never
	confirm bool
}

// keyring is the in-memory Agent returned by NewKeyring.
type keyring struct {
	mu       sync.Mutex
	keys     []*ringKey
	locked   bool
	passHash [sha256.Size]byte
	now      func() time.Time
	confirm  func(keys.PublicKey, string) bool
	// failedUnlocks counts wrong passphrases since the last lock; each
	// failure delays the reply longer (as OpenSSH's agent does), slowing
	// guessing.
	failedUnlocks int
	sleep         func(time.Duration)
}

// Unlock failure delays: unlockDelay per failure so far, at most
// maxUnlockDelay.
const (
	unlockDelay    = 100 * time.Millisecond
	maxUnlockDelay = 10 * time.Second
)

// NewKeyring returns an in-memory Agent. It holds plain keys and
// certificate identities (a key added with its OpenSSH certificate, as
// ssh-add does for KEY-cert.pub). Keys added with a lifetime are
// forgotten once it has passed (checked on every access); while locked it
// lists no keys and refuses every other operation but Unlock.
func NewKeyring(opts ...KeyringOption) Agent {
	k := &keyring{now: time.Now, sleep: time.Sleep}
	for _, o := range opts {
		o(k)
	}
	return k
}

// expireLocked drops keys whose lifetime has passed. k.mu must be held.
func (k *keyring) expireLocked() {
	now := k.now()
	k.keys = slices.DeleteFunc(k.keys, func(r *ringKey) bool {
		return !r.expiry.IsZero() && !now.Before(r.expiry)
	})
}

func (k *keyring) findLocked(blob []byte) int {
	return slices.IndexFunc(k.keys, func(r *ringKey) bool { return bytes.Equal(r.blob, blob) })
}

// List returns the keyring's identities; none while locked.
func (k *keyring) List() ([]*Identity, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expireLocked()
	if k.locked {
		return nil, nil
	}
	ids := make([]*Identity, 0, len(k.keys))
	for _, r := range k.keys {
		ids = append(ids, &Identity{PublicKey: r.signer.PublicKey(), Blob: r.blob, Comment: r.comment})
	}
	return ids, nil
}

// Sign signs data with the key matching key.
func (k *keyring) Sign(key keys.PublicKey, data []byte, flags SignFlags) ([]byte, error) {
	k.mu.Lock()
	k.expireLocked()
	if k.locked {
		k.mu.Unlock()
		return nil, ErrLocked
	}
	i := k.findLocked(key.Marshal())
	if i < 0 {
		k.mu.Unlock()
		return nil, ErrKeyNotFound
	}
	r := *k.keys[i]
	confirm := k.confirm
	k.mu.Unlock()

	// A certificate identity signs with its certified key's algorithms
	// (PROTOCOL.certkeys); the certificate signer accepts plain names.
	plain := r.signer.PublicKey()
	if c, ok := plain.(*keys.Certificate); ok {
		plain = c.Key
	}
	algo := r.signer.Algorithms()[0]
	if p, ok := keys.CertAlgorithmUnderlying(algo); ok {
		algo = p
	}
	if plain.Type() == keys.TypeRSA {
		switch {
		case flags&SignatureFlagRSASHA512 != 0:
			algo = keys.SigRSASHA512
		case flags&SignatureFlagRSASHA256 != 0:
			algo = keys.SigRSASHA256
		default:
			algo = keys.SigRSASHA1
		}
	}
	if r.confirm && (confirm == nil || !confirm(r.signer.PublicKey(), r.comment)) {
		return nil, ErrConfirmDenied
	}
	return r.signer.Sign(rand.Reader, algo, data)
}

// Add adds or replaces a key. With a Certificate, the identity is the
// certificate: it is listed with the certificate blob, signs when asked
// for that blob and is removed by it. The certificate must be well
// formed, signed by its CA and certify PrivateKey (else ErrMalformed or
// ErrCertificateMismatch). Adding the plain key and its certificate makes
// two identities, as ssh-add does.
func (k *keyring) Add(key AddedKey) error {
	if len(key.ConstraintExtensions) > 0 {
		return fmt.Errorf("%w: %s", ErrConstraintUnsupported, key.ConstraintExtensions[0].Name)
	}
	s, err := key.signer()
	if err != nil {
		return err
	}
	blob := s.PublicKey().Marshal()
	if key.Certificate != nil {
		cert, err := parseCertificate(key.Certificate)
		if err != nil {
			return err
		}
		if s, err = keys.NewCertSigner(cert, s); err != nil {
			return fmt.Errorf("%w: %v", ErrCertificateMismatch, err)
		}
		blob = bytes.Clone(key.Certificate)
	}
	comment := key.Comment
	if cm, ok := key.PrivateKey.(keys.Commented); ok && comment == "" {
		comment = cm.Comment()
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if key.ConfirmBeforeUse && k.confirm == nil {
		return fmt.Errorf("%w: confirm (no confirm callback configured)", ErrConstraintUnsupported)
	}
	k.expireLocked()
	if k.locked {
		return ErrLocked
	}
	r := &ringKey{signer: s, blob: blob, comment: comment, confirm: key.ConfirmBeforeUse}
	if key.LifetimeSecs != 0 {
		r.expiry = k.now().Add(time.Duration(key.LifetimeSecs) * time.Second)
	}
	if i := k.findLocked(r.blob); i >= 0 {
		k.keys[i] = r
	} else {
		k.keys = append(k.keys, r)
	}
	return nil
}

// Remove removes one key.
func (k *keyring) Remove(key keys.PublicKey) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expireLocked()
	if k.locked {
		return ErrLocked
	}
	i := k.findLocked(key.Marshal())
	if i < 0 {
		return ErrKeyNotFound
	}
	k.keys = slices.Delete(k.keys, i, i+1)
	return nil
}

// RemoveAll removes every key.
func (k *keyring) RemoveAll() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.locked {
		return ErrLocked
	}
	clear(k.keys)
	k.keys = k.keys[:0]
	return nil
}

// Lock locks the keyring; only a hash of the passphrase is kept.
func (k *keyring) Lock(passphrase []byte) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.locked {
		return ErrLocked
	}
	k.locked = true
	k.failedUnlocks = 0
	k.passHash = sha256.Sum256(passphrase)
	return nil
}

// Unlock unlocks the keyring if passphrase matches, compared in constant
// time. A wrong passphrase is reported after a delay that grows with each
// failure (100 ms per failure, at most 10 s); the keyring stays usable for
// other callers meanwhile.
func (k *keyring) Unlock(passphrase []byte) error {
	k.mu.Lock()
	if !k.locked {
		k.mu.Unlock()
		return ErrNotLocked
	}
	h := sha256.Sum256(passphrase)
	if subtle.ConstantTimeCompare(h[:], k.passHash[:]) != 1 {
		k.failedUnlocks++
		delay := min(time.Duration(k.failedUnlocks)*unlockDelay, maxUnlockDelay)
		k.mu.Unlock()
		k.sleep(delay)
		return ErrBadPassphrase
	}
	k.locked = false
	k.failedUnlocks = 0
	k.passHash = [sha256.Size]byte{}
	k.mu.Unlock()
	return nil
}

// Signers returns signers that sign through the keyring, so lifetime,
// lock and confirm constraints keep applying.
func (k *keyring) Signers() ([]keys.Signer, error) {
	ids, err := k.List()
	if err != nil {
		return nil, err
	}
	out := make([]keys.Signer, len(ids))
	for i, id := range ids {
		out[i] = &agentSigner{agent: k, pub: id.PublicKey, comment: id.Comment}
	}
	return out, nil
}

// keyringExtensions are the extensions the keyring answers.
var keyringExtensions = []string{ExtensionQuery, ExtensionSessionBind}

// Extension answers "query" and checks session-bind@openssh.com requests
// (their signature is verified; destination constraints are not
// supported, so the binding is not recorded).
func (k *keyring) Extension(name string, contents []byte) ([]byte, error) {
	switch name {
	case ExtensionQuery:
		return AppendQueryReply(nil, keyringExtensions), nil
	case ExtensionSessionBind:
		sb, err := ParseSessionBind(contents)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrExtensionFailure, err)
		}
		if err := sb.Verify(); err != nil {
			return nil, fmt.Errorf("%w: session-bind: %v", ErrExtensionFailure, err)
		}
		return nil, nil
	}
	return nil, ErrExtensionUnsupported
}
