package sftp

import (
	"context"
	"fmt"
	"io/fs"
)

// errUnexpectedReply builds the error for a reply of the wrong type.
func errUnexpectedReply(rep *reply, r *request) error {
	return fmt.Errorf("%w: reply type %d to %s request", ErrMalformed, rep.typ, requestName(r.typ))
}

// statusErr turns a STATUS reply into nil (OK) or a *StatusError.
func statusErr(rep *reply) error {
	if rep.status.Code == StatusOK {
		return nil
	}
	se := rep.status
	return &se
}

// expectStatus sends r and expects a STATUS reply.
func (c *Client) expectStatus(ctx context.Context, r *request) error {
	var rep reply
	done, err := c.roundTrip(ctx, r, &rep)
	if err != nil {
		return err
	}
	defer done()
	if rep.typ != fxpStatus {
		return errUnexpectedReply(&rep, r)
	}
	return statusErr(&rep)
}

// expectHandle sends r and expects a HANDLE reply.
func (c *Client) expectHandle(ctx context.Context, r *request) (string, error) {
	var rep reply
	done, err := c.roundTrip(ctx, r, &rep)
	if err != nil {
		return "", err
	}
	defer done()
	switch rep.typ {
	case fxpHandle:
		return rep.handle, nil
	case fxpStatus:
		if err := statusErr(&rep); err != nil {
			return "", err
		}
	}
	return "", errUnexpectedReply(&rep, r)
}

// expectAttrs sends r and expects an ATTRS reply.
func (c *Client) expectAttrs(ctx context.Context, r *request) (Attributes, error) {
	var rep reply
	done, err := c.roundTrip(ctx, r, &rep)
	if err != nil {
		return Attributes{}, err
	}
	defer done()
	switch rep.typ {
	case fxpAttrs:
		return rep.attrs, nil
	case fxpStatus:
		if err := statusErr(&rep); err != nil {
			return Attributes{}, err
		}
	}
	return Attributes{}, errUnexpectedReply(&rep, r)
}

// expectName sends r and expects a NAME reply. The entries' strings are
// copies; they stay valid after the call.
func (c *Client) expectName(ctx context.Context, r *request) ([]NameEntry, error) {
	var rep reply
	done, err := c.roundTrip(ctx, r, &rep)
	if err != nil {
		return nil, err
	}
	defer done()
	switch rep.typ {
	case fxpName:
		return rep.names, nil
	case fxpStatus:
		if err := statusErr(&rep); err != nil {
			return nil, err
		}
	}
	return nil, errUnexpectedReply(&rep, r)
}

// expectOneName is expectName for requests answered with exactly one name.
func (c *Client) expectOneName(ctx context.Context, r *request) (string, error) {
	names, err := c.expectName(ctx, r)
	if err != nil {
		return "", err
	}
	if len(names) != 1 {
		return "", fmt.Errorf("%w: %d names in reply to %s", ErrMalformed, len(names), requestName(r.typ))
	}
	return names[0].Name, nil
}

// expectExtReply sends an extended request and passes the EXTENDED_REPLY
// payload to decode, which must consume all of it.
func (c *Client) expectExtReply(ctx context.Context, r *request, decode func(d *decoder)) error {
	var rep reply
	done, err := c.roundTrip(ctx, r, &rep)
	if err != nil {
		return err
	}
	defer done()
	switch rep.typ {
	case fxpExtendedReply:
		d := decoder{b: rep.data}
		decode(&d)
		if err := d.finish(); err != nil {
			return fmt.Errorf("%w: reply to %s", ErrMalformed, r.ext)
		}
		return nil
	case fxpStatus:
		if err := statusErr(&rep); err != nil {
			return err
		}
	}
	return errUnexpectedReply(&rep, r)
}

// extRequest builds an extended request after checking the server
// announced the extension.
func (c *Client) extRequest(name string) (*request, error) {
	if !c.HasExtension(name) {
		return nil, &UnsupportedExtensionError{Name: name}
	}
	return &request{typ: fxpExtended, ext: name}, nil
}

func pathErr(op, path string, err error) error {
	if err == nil {
		return nil
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}

func (c *Client) fetchLimits(ctx context.Context) (Limits, error) {
	var l Limits
	r := &request{typ: fxpExtended, ext: extLimits}
	err := c.expectExtReply(ctx, r, func(d *decoder) { l = decodeLimits(d) })
	return l, err
}
