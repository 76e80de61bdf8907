package sftp

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// StatusCode is an SFTP status code (draft-ietf-secsh-filexfer-02 section
// 7, plus the codes later drafts define, which some servers send).
type StatusCode uint32

// Status codes.
const (
	StatusOK                StatusCode = 0
	StatusEOF               StatusCode = 1
	StatusNoSuchFile        StatusCode = 2
	StatusPermissionDenied  StatusCode = 3
	StatusFailure           StatusCode = 4
	StatusBadMessage        StatusCode = 5
	StatusNoConnection      StatusCode = 6
	StatusConnectionLost    StatusCode = 7
	StatusOpUnsupported     StatusCode = 8
	StatusInvalidHandle     StatusCode = 9  // later drafts
	StatusNoSuchPath        StatusCode = 10 // later drafts
	StatusFileAlreadyExists StatusCode = 11 // later drafts
	StatusWriteProtect      StatusCode = 12 // later drafts
	StatusNoMedia           StatusCode = 13 // later drafts
	StatusNoSpaceOnFilesys  StatusCode = 14 // later drafts
	StatusQuotaExceeded     StatusCode = 15 // later drafts
	StatusUnknownPrincipal  StatusCode = 16 // later drafts
	StatusLockConflict      StatusCode = 17 // later drafts
	StatusDirNotEmpty       StatusCode = 18 // later drafts
	StatusNotADirectory     StatusCode = 19 // later drafts
	StatusInvalidFilename   StatusCode = 20 // later drafts
	StatusLinkLoop          StatusCode = 21 // later drafts
	statusMaxKnown                     = StatusLinkLoop
	statusMaxV3                        = StatusOpUnsupported
)

var statusNames = [...]string{
	"ok", "end of file", "no such file", "permission denied", "failure",
	"bad message", "no connection", "connection lost", "operation unsupported",
	"invalid handle", "no such path", "file already exists", "write protected",
	"no media", "no space on file system", "quota exceeded", "unknown principal",
	"lock conflict", "directory not empty", "not a directory", "invalid filename",
	"link loop",
}

// String returns a short description of the code.
func (c StatusCode) String() string {
	if c <= statusMaxKnown {
		return statusNames[c]
	}
	return fmt.Sprintf("status %d", uint32(c))
}

// StatusError is a failure the server reported in an SSH_FXP_STATUS reply.
// errors.Is matches it against fs.ErrNotExist, fs.ErrPermission,
// fs.ErrExist, io.EOF and errors.ErrUnsupported by code.
type StatusError struct {
	Code    StatusCode
	Message string // the server's message, possibly empty
	Lang    string // the message's language tag, possibly empty

	// exists is set by the client when it verified that a generic
	// failure was caused by an existing file (v3 has no code for it).
	exists bool
}

// Error returns the code's description and the server's message.
func (e *StatusError) Error() string {
	if e.Message == "" || e.Message == e.Code.String() {
		return "sftp: " + e.Code.String()
	}
	return fmt.Sprintf("sftp: %s (%s)", e.Message, e.Code)
}

// Is reports whether target is the standard error matching e's code.
func (e *StatusError) Is(target error) bool {
	switch target {
	case fs.ErrNotExist:
		return e.Code == StatusNoSuchFile || e.Code == StatusNoSuchPath
	case fs.ErrPermission:
		return e.Code == StatusPermissionDenied || e.Code == StatusWriteProtect
	case fs.ErrExist:
		return e.Code == StatusFileAlreadyExists || e.exists
	case io.EOF:
		return e.Code == StatusEOF
	case errors.ErrUnsupported:
		return e.Code == StatusOpUnsupported
	}
	return false
}

// Status returns a *StatusError with the given code and message, for
// handlers that want to choose the code a client sees.
func Status(code StatusCode, msg string) error { return &StatusError{Code: code, Message: msg} }

// UnsupportedExtensionError reports a call to an extension the server did not
// announce. It matches errors.ErrUnsupported.
type UnsupportedExtensionError struct{ Name string }

// Error names the missing extension.
func (e *UnsupportedExtensionError) Error() string {
	return "sftp: server does not support " + e.Name
}

// Is makes errors.Is(err, errors.ErrUnsupported) true.
func (e *UnsupportedExtensionError) Is(target error) bool { return target == errors.ErrUnsupported }

// statusFromError picks the status code and message a server sends for
// err. Only codes 0-8 (version 3) are derived; a later code is sent only
// when the handler chose it explicitly with a *StatusError.
func statusFromError(err error) (StatusCode, string) {
	if err == nil {
		return StatusOK, "Success"
	}
	var se *StatusError
	if errors.As(err, &se) {
		msg := se.Message
		if msg == "" {
			msg = se.Code.String()
		}
		return se.Code, msg
	}
	var pe *fs.PathError
	msg := err.Error()
	if errors.As(err, &pe) {
		msg = pe.Err.Error() // never reveal local paths
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		msg = le.Err.Error()
	}
	switch {
	case errors.Is(err, io.EOF):
		return StatusEOF, "End of file"
	case errors.Is(err, fs.ErrNotExist):
		return StatusNoSuchFile, "No such file"
	case errors.Is(err, fs.ErrPermission):
		return StatusPermissionDenied, "Permission denied"
	case errors.Is(err, errors.ErrUnsupported), errors.Is(err, syscall.ENOSYS),
		errors.Is(err, syscall.EOPNOTSUPP):
		return StatusOpUnsupported, "Operation unsupported"
	case errors.Is(err, ErrMalformed), errors.Is(err, syscall.EINVAL),
		errors.Is(err, syscall.ENAMETOOLONG):
		return StatusBadMessage, msg
	}
	return StatusFailure, msg
}
