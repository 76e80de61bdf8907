package agent

import (
	"fmt"

	"github.com/ssh2go/ssh2/internal/wire"
	"github.com/ssh2go/ssh2/keys"
)

// Message numbers (draft-miller-ssh-agent §5.1).
const (
	msgFailure           = 5
	msgSuccess           = 6
	msgRequestIdentities = 11
	msgIdentitiesAnswer  = 12
	msgSignRequest       = 13
	msgSignResponse      = 14
	msgAddIdentity       = 17
	msgRemoveIdentity    = 18
	msgRemoveAll         = 19
	msgAddSmartcard      = 20
	msgRemoveSmartcard   = 21
	msgLock              = 22
	msgUnlock            = 23
	msgAddIDConstrained  = 25
	msgAddSmartcardCons  = 26
	msgExtension         = 27
	msgExtensionFailure  = 28
)

// Key constraint identifiers (draft-miller-ssh-agent §5.2). OpenSSH sends
// 255 for extensions; the draft's 3 is accepted as well.
const (
	constrainLifetime     = 1
	constrainConfirm      = 2
	constrainExtDraft     = 3
	constrainExtension    = 255
	maxConstraintsPerAdd  = 16
	maxExtensionNameBytes = 256
)

// Limits on what a peer may make us hold.
const (
	// MaxMessageSize is the largest agent message, length prefix
	// excluded, that is read or written (OpenSSH uses the same bound).
	MaxMessageSize = 256 * 1024
	// MaxIdentities is the largest number of identities accepted in one
	// SSH_AGENT_IDENTITIES_ANSWER.
	MaxIdentities = 2048
)

// SignFlags are the flags of a sign request (draft-miller-ssh-agent §5.3).
type SignFlags uint32

// Sign request flags.
const (
	// SignatureFlagRSASHA256 asks an RSA key for an rsa-sha2-256 signature.
	SignatureFlagRSASHA256 SignFlags = 2
	// SignatureFlagRSASHA512 asks an RSA key for an rsa-sha2-512 signature.
	SignatureFlagRSASHA512 SignFlags = 4
)

// Identity is a key held by an agent, as listed by it.
type Identity struct {
	// PublicKey is the parsed key; a *keys.Certificate for a
	// certificate identity. For a blob package keys cannot parse (an
	// unknown type) it is a key whose Marshal returns Blob and whose
	// Verify always fails.
	PublicKey keys.PublicKey
	// Blob is the public key blob exactly as the agent sent it.
	Blob []byte
	// Comment is the key's comment, often the file it was loaded from.
	Comment string
}

// ConstraintExtension is an SSH_AGENT_CONSTRAIN_EXTENSION key constraint,
// such as OpenSSH's restrict-destination-v00@openssh.com.
type ConstraintExtension struct {
	// Name is the extension name.
	Name string
	// Details is the extension-specific encoding that follows the name.
	// When decoding, an extension constraint ends the constraint list
	// and Details holds every remaining byte of the message.
	Details []byte
}

// constraints are the key constraints of an add request.
type constraints struct {
	lifetime   uint32
	confirm    bool
	extensions []ConstraintExtension
}

func (c *constraints) empty() bool {
	return c.lifetime == 0 && !c.confirm && len(c.extensions) == 0
}

func appendConstraints(b []byte, c *constraints) []byte {
	if c.lifetime != 0 {
		b = append(b, constrainLifetime)
		b = wire.AppendUint32(b, c.lifetime)
	}
	if c.confirm {
		b = append(b, constrainConfirm)
	}
	for _, e := range c.extensions {
		b = append(b, constrainExtension)
		b = wire.AppendText(b, e.Name)
		b = append(b, e.Details...)
	}
	return b
}

func decodeConstraints(d *wire.Decoder) (constraints, error) {
	var c constraints
	for n := 0; d.Len() > 0; n++ {
		if n == maxConstraintsPerAdd {
			return c, fmt.Errorf("%w: too many constraints", ErrMalformed)
		}
		switch t := d.Byte(); t {
		case constrainLifetime:
			c.lifetime = d.Uint32()
			if d.Err() != nil || c.lifetime == 0 {
				return c, fmt.Errorf("%w: lifetime constraint", ErrMalformed)
			}
		case constrainConfirm:
			c.confirm = true
		case constrainExtension, constrainExtDraft:
			name := d.String()
			if d.Err() != nil || len(name) == 0 || len(name) > maxExtensionNameBytes {
				return c, fmt.Errorf("%w: constraint extension name", ErrMalformed)
			}
			c.extensions = append(c.extensions, ConstraintExtension{Name: string(name), Details: d.Rest()})
		default:
			return c, fmt.Errorf("%w: unknown constraint %d", ErrMalformed, t)
		}
	}
	return c, nil
}

// Decoded requests (client to agent).
type (
	request interface{ requestType() byte }

	reqList      struct{}
	reqRemoveAll struct{}
	reqSign      struct {
		keyBlob []byte
		data    []byte
		flags   SignFlags
	}
	reqAdd struct {
		signer  keys.Signer
		cert    []byte // certificate blob of the certificate form, or nil
		comment string
		cons    constraints
	}
	reqRemove struct{ keyBlob []byte }
	reqLock   struct {
		unlock     bool
		passphrase []byte
	}
	reqExtension struct {
		name     string
		contents []byte
	}
	// reqUnsupported is a well-formed message this package does not
	// serve (smartcards, legacy or unknown numbers).
	reqUnsupported struct{ typ byte }
)

func (reqList) requestType() byte      { return msgRequestIdentities }
func (reqRemoveAll) requestType() byte { return msgRemoveAll }
func (reqSign) requestType() byte      { return msgSignRequest }
func (r reqAdd) requestType() byte {
	if r.cons.empty() {
		return msgAddIdentity
	}
	return msgAddIDConstrained
}
func (reqRemove) requestType() byte { return msgRemoveIdentity }
func (r reqLock) requestType() byte {
	if r.unlock {
		return msgUnlock
	}
	return msgLock
}
func (reqExtension) requestType() byte     { return msgExtension }
func (r reqUnsupported) requestType() byte { return r.typ }

// decodeRequest decodes one request message (without its length prefix).
// The returned request aliases msg.
func decodeRequest(msg []byte) (request, error) {
	if len(msg) == 0 {
		return nil, fmt.Errorf("%w: empty message", ErrMalformed)
	}
	if len(msg) > MaxMessageSize {
		return nil, ErrMessageTooLarge
	}
	d := wire.NewDecoder(msg[1:])
	var r request
	switch t := msg[0]; t {
	case msgRequestIdentities:
		r = reqList{}
	case msgRemoveAll:
		r = reqRemoveAll{}
	case msgSignRequest:
		s := reqSign{keyBlob: d.String(), data: d.String(), flags: SignFlags(d.Uint32())}
		r = s
	case msgAddIdentity, msgAddIDConstrained:
		signer, cert, err := parsePrivateKey(&d)
		if err != nil {
			return nil, err
		}
		a := reqAdd{signer: signer, cert: cert, comment: string(d.String())}
		if d.Err() != nil {
			return nil, fmt.Errorf("%w: add identity comment", ErrMalformed)
		}
		if t == msgAddIDConstrained {
			if a.cons, err = decodeConstraints(&d); err != nil {
				return nil, err
			}
		}
		r = a
	case msgRemoveIdentity:
		r = reqRemove{keyBlob: d.String()}
	case msgLock, msgUnlock:
		r = reqLock{unlock: t == msgUnlock, passphrase: d.String()}
	case msgExtension:
		name := d.String()
		if len(name) == 0 || len(name) > maxExtensionNameBytes {
			d.Fail()
		}
		r = reqExtension{name: string(name), contents: d.Rest()}
	default:
		return reqUnsupported{typ: t}, nil
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: request type %d", ErrMalformed, msg[0])
	}
	return r, nil
}

// appendRequest appends the encoding of r (without length prefix).
func appendRequest(b []byte, r request) ([]byte, error) {
	b = append(b, r.requestType())
	switch r := r.(type) {
	case reqList, reqRemoveAll, reqUnsupported:
	case reqSign:
		b = wire.AppendString(b, r.keyBlob)
		b = wire.AppendString(b, r.data)
		b = wire.AppendUint32(b, uint32(r.flags))
	case reqRemove:
		b = wire.AppendString(b, r.keyBlob)
	case reqLock:
		b = wire.AppendString(b, r.passphrase)
	case reqAdd:
		k, err := cryptoKey(r.signer)
		if err != nil {
			return nil, err
		}
		if b, err = appendPrivateKey(b, k, r.cert); err != nil {
			return nil, err
		}
		b = wire.AppendText(b, r.comment)
		b = appendConstraints(b, &r.cons)
	case reqExtension:
		b = wire.AppendText(b, r.name)
		b = append(b, r.contents...)
	default:
		return nil, fmt.Errorf("agent: cannot encode request %T", r)
	}
	return b, nil
}

// Decoded responses (agent to client).
type (
	response interface{ responseType() byte }

	respFailure    struct{}
	respSuccess    struct{ rest []byte }
	respExtFailure struct{}
	respIdentities struct{ ids []*Identity }
	respSign       struct{ sig []byte }
	// respOther is any other reply, kept whole for extension callers.
	respOther struct{ msg []byte }
)

func (respFailure) responseType() byte    { return msgFailure }
func (respSuccess) responseType() byte    { return msgSuccess }
func (respExtFailure) responseType() byte { return msgExtensionFailure }
func (respIdentities) responseType() byte { return msgIdentitiesAnswer }
func (respSign) responseType() byte       { return msgSignResponse }
func (r respOther) responseType() byte    { return r.msg[0] }

// decodeResponse decodes one reply message (without its length prefix).
// Success replies may carry extension data, kept in respSuccess.rest.
func decodeResponse(msg []byte) (response, error) {
	if len(msg) == 0 {
		return nil, fmt.Errorf("%w: empty message", ErrMalformed)
	}
	if len(msg) > MaxMessageSize {
		return nil, ErrMessageTooLarge
	}
	d := wire.NewDecoder(msg[1:])
	switch msg[0] {
	case msgFailure:
		return respFailure{}, nil
	case msgExtensionFailure:
		return respExtFailure{}, nil
	case msgSuccess:
		return respSuccess{rest: d.Rest()}, nil
	case msgSignResponse:
		sig := d.String()
		if err := d.Finish(); err != nil {
			return nil, fmt.Errorf("%w: sign response", ErrMalformed)
		}
		return respSign{sig: sig}, nil
	case msgIdentitiesAnswer:
		ids, err := decodeIdentities(&d)
		if err != nil {
			return nil, err
		}
		return respIdentities{ids: ids}, nil
	}
	return respOther{msg: msg}, nil
}

func decodeIdentities(d *wire.Decoder) ([]*Identity, error) {
	n := d.Uint32()
	// Each identity takes at least 8 bytes, which bounds n by the message.
	if d.Err() != nil || n > MaxIdentities || uint64(n)*8 > uint64(d.Len()) {
		return nil, fmt.Errorf("%w: identity count", ErrMalformed)
	}
	ids := make([]*Identity, 0, n)
	for range n {
		blob := d.String()
		comment := d.String()
		if d.Err() != nil || len(blob) == 0 {
			return nil, fmt.Errorf("%w: identities answer", ErrMalformed)
		}
		blob = append([]byte(nil), blob...)
		ids = append(ids, &Identity{PublicKey: parsePublicKey(blob), Blob: blob, Comment: string(comment)})
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: identities answer", ErrMalformed)
	}
	return ids, nil
}

func appendIdentities(b []byte, ids []*Identity) []byte {
	b = append(b, msgIdentitiesAnswer)
	b = wire.AppendUint32(b, uint32(len(ids)))
	for _, id := range ids {
		b = wire.AppendString(b, identityBlob(id))
		b = wire.AppendText(b, id.Comment)
	}
	return b
}

func identityBlob(id *Identity) []byte {
	if id.Blob != nil {
		return id.Blob
	}
	return id.PublicKey.Marshal()
}

func wireDecoder(b []byte) *wire.Decoder {
	d := wire.NewDecoder(b)
	return &d
}
