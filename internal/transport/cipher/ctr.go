package cipher

import (
	stdcipher "crypto/cipher"
	"encoding/binary"
)

// This file holds the block-cipher-plus-HMAC family: AES-CTR (RFC 4344)
// and the opt-in CBC ciphers (RFC 4253 §6.3), each either with a classic
// MAC over the plaintext (RFC 4253 §6.4) or with an encrypt-then-MAC
// algorithm (OpenSSH PROTOCOL §1.7). Both CTR and CBC keep their state
// from packet to packet, as SSH requires.

// newCrypter returns the in-place transform of one direction: CTR is the
// same both ways; CBC needs the encrypter or the decrypter.
func newCrypter(cs *cipherSpec, k Keys, encrypt bool) (func(dst, src []byte), error) {
	b, err := cs.newBlock(k.Key)
	if err != nil {
		return nil, err
	}
	if cs.kind == kindCTR {
		return stdcipher.NewCTR(b, k.IV).XORKeyStream, nil
	}
	if encrypt {
		return stdcipher.NewCBCEncrypter(b, k.IV).CryptBlocks, nil
	}
	return stdcipher.NewCBCDecrypter(b, k.IV).CryptBlocks, nil
}

type blockSealer struct {
	crypt func(dst, src []byte)
	mac   *packetMAC
	block int
	etm   bool
}

func newBlockSealer(cs *cipherSpec, ms *macSpec, k Keys) (*blockSealer, error) {
	crypt, err := newCrypter(cs, k, true)
	if err != nil {
		return nil, err
	}
	return &blockSealer{crypt: crypt, mac: newPacketMAC(ms, k.MAC), block: cs.blockSize, etm: ms.etm}, nil
}

func (s *blockSealer) BlockSize() int      { return s.block }
func (s *blockSealer) Overhead() int       { return s.mac.size }
func (s *blockSealer) LengthInClear() bool { return s.etm }

// Seal encrypts and MACs pkt. For CBC the aligned region must be a whole
// number of blocks (the padding contract in the package doc); a transport
// that breaks it makes crypto/cipher panic.
func (s *blockSealer) Seal(seq uint32, pkt []byte) []byte {
	n := len(pkt)
	pkt = grow(pkt, s.mac.size)
	if s.etm {
		// Encrypt padding_length || payload || padding, then MAC
		// seq || packet_length || ciphertext.
		s.crypt(pkt[4:n], pkt[4:n])
		return append(pkt, s.mac.compute(seq, pkt[:n])...)
	}
	// MAC seq || plaintext packet, then encrypt the whole packet.
	sum := s.mac.compute(seq, pkt)
	s.crypt(pkt, pkt)
	return append(pkt, sum...)
}

type blockOpener struct {
	crypt func(dst, src []byte)
	mac   *packetMAC
	block int
	etm   bool
}

func newBlockOpener(cs *cipherSpec, ms *macSpec, k Keys) (*blockOpener, error) {
	crypt, err := newCrypter(cs, k, false)
	if err != nil {
		return nil, err
	}
	return &blockOpener{crypt: crypt, mac: newPacketMAC(ms, k.MAC), block: cs.blockSize, etm: ms.etm}, nil
}

func (o *blockOpener) HeaderLen() int {
	if o.etm {
		return 4
	}
	return o.block
}

func (o *blockOpener) Overhead() int { return o.mac.size }

// Length returns packet_length. With encrypt-then-MAC it is read from the
// clear and hdr is left alone. Otherwise the first block is decrypted in
// place: the length is then necessarily used before the MAC can be
// checked, and only to bound and align the read, as OpenSSH does.
func (o *blockOpener) Length(seq uint32, hdr []byte) (uint32, error) {
	if len(hdr) < o.HeaderLen() {
		return 0, ErrPacketLength
	}
	if o.etm {
		n := binary.BigEndian.Uint32(hdr)
		if !alignedWithoutLength(n, o.block) {
			return 0, ErrPacketLength
		}
		return n, nil
	}
	o.crypt(hdr[:o.block], hdr[:o.block])
	n := binary.BigEndian.Uint32(hdr)
	if !alignedWithLength(n, o.block) {
		return 0, ErrPacketLength
	}
	return n, nil
}

func (o *blockOpener) Open(seq uint32, pkt []byte) ([]byte, error) {
	m := o.mac.size
	if o.etm {
		if !wholePacket(pkt, m) {
			return nil, ErrPacketLength
		}
		body := len(pkt) - m
		if (body-4)%o.block != 0 {
			return nil, ErrPacketLength
		}
		if !o.mac.verify(seq, pkt[:body], pkt[body:]) {
			return nil, ErrMAC
		}
		o.crypt(pkt[4:body], pkt[4:body])
		return pkt[:body], nil
	}
	// The first block was decrypted by Length.
	body := len(pkt) - m
	if body < o.block || (body-o.block)%o.block != 0 {
		return nil, ErrPacketLength
	}
	o.crypt(pkt[o.block:body], pkt[o.block:body])
	ok := o.mac.verify(seq, pkt[:body], pkt[body:])
	if !ok {
		return nil, ErrMAC
	}
	if !wholePacket(pkt, m) {
		return nil, ErrPacketLength
	}
	return pkt[:body], nil
}
