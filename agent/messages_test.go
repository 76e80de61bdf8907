package agent

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// seedRequests returns a valid encoding of every request kind.
func seedRequests(t testing.TB) [][]byte {
	t.Helper()
	ed, _ := keys.GenerateEd25519(rand.Reader)
	ec, _ := keys.Generate(keys.TypeECDSA256, 256, rand.Reader)
	rs, _ := keys.Generate(keys.TypeRSA, 2048, rand.Reader)
	reqs := []request{
		reqList{}, reqRemoveAll{},
		reqSign{keyBlob: ed.PublicKey().Marshal(), data: []byte("data"), flags: SignatureFlagRSASHA256},
		reqRemove{keyBlob: ec.PublicKey().Marshal()},
		reqLock{passphrase: []byte("pw")}, reqLock{unlock: true, passphrase: []byte("pw")},
		reqExtension{name: ExtensionQuery},
		reqExtension{name: ExtensionSessionBind, contents: AppendSessionBind(nil, []byte("h"), []byte("s"), []byte("g"), true)},
		reqAdd{signer: ed, comment: "ed"},
		reqAdd{signer: ec, comment: "ec", cons: constraints{lifetime: 60, confirm: true}},
		reqAdd{signer: rs, comment: "rsa", cons: constraints{extensions: []ConstraintExtension{{Name: "x@example.com", Details: []byte{1}}}}},
		// Certificate forms (PROTOCOL.certkeys).
		reqAdd{signer: ed, cert: testCertBlob(t, ed.PublicKey()), comment: "ed-cert"},
		reqAdd{signer: ec, cert: testCertBlob(t, ec.PublicKey()), comment: "ec-cert", cons: constraints{lifetime: 5}},
		reqAdd{signer: rs, cert: testCertBlob(t, rs.PublicKey()), comment: "rsa-cert"},
	}
	var out [][]byte
	for _, r := range reqs {
		b, err := appendRequest(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func TestRequestRoundTrip(t *testing.T) {
	for _, msg := range seedRequests(t) {
		r, err := decodeRequest(msg)
		if err != nil {
			t.Fatalf("decode type %d: %v", msg[0], err)
		}
		again, err := appendRequest(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, msg) {
			t.Errorf("type %d: re-encoding differs\n%x\n%x", msg[0], again, msg)
		}
	}
}

func TestDecodeRequestMalformed(t *testing.T) {
	for _, msg := range seedRequests(t) {
		if len(msg) < 2 {
			continue
		}
		for cut := 1; cut < len(msg); cut++ {
			// Truncation must fail for messages with a fixed body; an
			// extension or constraint tail may legitimately shrink.
			r, err := decodeRequest(msg[:cut])
			if err == nil {
				switch r.(type) {
				case reqExtension, reqAdd:
					continue
				}
				t.Fatalf("type %d truncated to %d decoded as %T", msg[0], cut, r)
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupportedKey) {
				t.Fatalf("type %d truncated to %d: %v", msg[0], cut, err)
			}
		}
	}
	if _, err := decodeRequest(nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("empty message: %v", err)
	}
	// A private key whose public half does not match is refused.
	ed, _ := keys.GenerateEd25519(rand.Reader)
	msg, _ := appendRequest(nil, reqAdd{signer: ed, comment: "x"})
	bad := bytes.Clone(msg)
	bad[1+4+len(keys.TypeED25519)+4] ^= 1 // first byte of the public key
	if _, err := decodeRequest(bad); !errors.Is(err, ErrMalformed) {
		t.Errorf("mismatched ed25519 key: %v", err)
	}
}

func TestDecodeResponse(t *testing.T) {
	ed, _ := keys.GenerateEd25519(rand.Reader)
	ids := []*Identity{{PublicKey: ed.PublicKey(), Comment: "one"}, {Blob: wire.AppendText(nil, "x-unknown@example.com"), Comment: "two"}}
	msg := appendIdentities(nil, ids)
	r, err := decodeResponse(msg)
	if err != nil {
		t.Fatal(err)
	}
	got := r.(respIdentities).ids
	if len(got) != 2 || got[0].Comment != "one" || !keys.Equal(got[0].PublicKey, ed.PublicKey()) {
		t.Fatalf("identities %+v", got)
	}
	if got[1].PublicKey.Type() != "x-unknown@example.com" || !bytes.Equal(got[1].PublicKey.Marshal(), ids[1].Blob) {
		t.Fatalf("opaque identity %+v", got[1])
	}
	// A count larger than the message can hold is refused before allocating.
	huge := wire.AppendUint32([]byte{msgIdentitiesAnswer}, 1<<31)
	if _, err := decodeResponse(huge); !errors.Is(err, ErrMalformed) {
		t.Errorf("huge count: %v", err)
	}
	tooMany := wire.AppendUint32([]byte{msgIdentitiesAnswer}, MaxIdentities+1)
	tooMany = append(tooMany, make([]byte, 8*(MaxIdentities+1))...)
	if _, err := decodeResponse(tooMany); !errors.Is(err, ErrMalformed) {
		t.Errorf("too many identities: %v", err)
	}
	if _, err := decodeResponse([]byte{msgSignResponse, 0, 0, 0, 5, 1}); !errors.Is(err, ErrMalformed) {
		t.Errorf("truncated sign response: %v", err)
	}
	if _, err := decodeResponse(append(wire.AppendString([]byte{msgSignResponse}, []byte("s")), 0)); !errors.Is(err, ErrMalformed) {
		t.Errorf("sign response with trailing byte: %v", err)
	}
}

func TestReadMessageBounds(t *testing.T) {
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], MaxMessageSize+1)
	if _, err := readMessage(bytes.NewReader(hdr[:]), nil); !errors.Is(err, ErrMessageTooLarge) {
		t.Errorf("oversize: %v", err)
	}
	binary.BigEndian.PutUint32(hdr[:], 10)
	if _, err := readMessage(bytes.NewReader(append(hdr[:], 1, 2)), nil); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short body: %v", err)
	}
	if _, err := readMessage(bytes.NewReader(nil), nil); err != io.EOF {
		t.Errorf("clean EOF: %v", err)
	}
	// ServeAgent ends the connection on an oversize message.
	rw := &struct {
		io.Reader
		io.Writer
	}{bytes.NewReader([]byte{0, 0x10, 0, 0}), io.Discard}
	if err := ServeAgent(NewKeyring(), rw); !errors.Is(err, ErrMessageTooLarge) {
		t.Errorf("ServeAgent oversize: %v", err)
	}
}

func TestServeMalformedRequestGetsFailure(t *testing.T) {
	in := []byte{0, 0, 0, 2, msgSignRequest, 9, 0, 0, 0, 1, msgRequestIdentities}
	var out bytes.Buffer
	rw := &struct {
		io.Reader
		io.Writer
	}{bytes.NewReader(in), &out}
	if err := ServeAgent(NewKeyring(), rw); err != nil {
		t.Fatal(err)
	}
	want := []byte{0, 0, 0, 1, msgFailure, 0, 0, 0, 5, msgIdentitiesAnswer, 0, 0, 0, 0}
	if !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("replies %x, want %x", out.Bytes(), want)
	}
}

func FuzzDecodeRequest(f *testing.F) {
	for _, s := range seedRequests(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		r, err := decodeRequest(msg)
		if err != nil {
			return
		}
		if _, ok := r.(reqUnsupported); ok {
			return
		}
		// Whatever decodes re-encodes, and the keyring survives it.
		if _, err := appendRequest(nil, r); err != nil {
			t.Fatalf("re-encode %T: %v", r, err)
		}
		handleRequest(NewKeyring(), msg, nil)
	})
}

func FuzzDecodeResponse(f *testing.F) {
	ed, _ := keys.GenerateEd25519(rand.Reader)
	sig, _ := ed.Sign(rand.Reader, keys.SigED25519, []byte("d"))
	f.Add([]byte{msgFailure})
	f.Add([]byte{msgSuccess})
	f.Add([]byte{msgExtensionFailure})
	f.Add(wire.AppendString([]byte{msgSignResponse}, sig))
	f.Add(appendIdentities(nil, []*Identity{{PublicKey: ed.PublicKey(), Comment: "c"}}))
	f.Add(AppendQueryReply(nil, []string{"query", "session-bind@openssh.com"}))
	f.Fuzz(func(t *testing.T, msg []byte) {
		r, err := decodeResponse(msg)
		if err != nil {
			return
		}
		if ids, ok := r.(respIdentities); ok {
			again := appendIdentities(nil, ids.ids)
			if !bytes.Equal(again, msg) {
				t.Fatalf("identities re-encode differently")
			}
		}
		_, _ = decodeQueryReply(msg)
		if s, ok := r.(respSuccess); ok {
			_, _ = ParseSessionBind(s.rest)
		}
	})
}
