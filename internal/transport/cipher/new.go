package cipher

import "fmt"

// NewSealer returns the Sealer for cipher and mac keyed with k, whose
// fields must have exactly the lengths KeySizes reports. For an AEAD cipher
// mac is ignored. The key material is copied (expanded) at construction,
// so the caller may wipe k afterwards. Insecure algorithms are accepted:
// keeping them out of negotiation is the caller's policy.
func NewSealer(cipher, mac string, k Keys) (Sealer, error) {
	cs, ms, err := checkKeys(cipher, mac, k)
	if err != nil {
		return nil, err
	}
	switch cs.kind {
	case kindChaCha:
		return &chachaSealer{*newChaChaState(k)}, nil
	case kindGCM:
		g, err := newGCMState(cs, k)
		if err != nil {
			return nil, err
		}
		return &gcmSealer{*g}, nil
	default:
		return newBlockSealer(cs, ms, k)
	}
}

// NewOpener returns the Opener for cipher and mac keyed with k, under the
// same rules as NewSealer.
func NewOpener(cipher, mac string, k Keys) (Opener, error) {
	cs, ms, err := checkKeys(cipher, mac, k)
	if err != nil {
		return nil, err
	}
	switch cs.kind {
	case kindChaCha:
		return &chachaOpener{chachaState: *newChaChaState(k)}, nil
	case kindGCM:
		g, err := newGCMState(cs, k)
		if err != nil {
			return nil, err
		}
		return &gcmOpener{*g}, nil
	default:
		return newBlockOpener(cs, ms, k)
	}
}

func checkKeys(cipher, mac string, k Keys) (*cipherSpec, *macSpec, error) {
	cs, ms, err := lookup(cipher, mac)
	if err != nil {
		return nil, nil, err
	}
	if len(k.IV) != cs.ivLen || len(k.Key) != cs.keyLen {
		return nil, nil, fmt.Errorf("%w: %s needs a %d-byte IV and a %d-byte key, got %d and %d",
			ErrKeySize, cipher, cs.ivLen, cs.keyLen, len(k.IV), len(k.Key))
	}
	if ms != nil && len(k.MAC) != ms.keyLen {
		return nil, nil, fmt.Errorf("%w: %s needs a %d-byte key, got %d", ErrKeySize, mac, ms.keyLen, len(k.MAC))
	}
	return cs, ms, nil
}
