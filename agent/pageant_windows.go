//go:build windows

package agent

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Pageant's protocol (PuTTY's windows/agent-client.c, described in the
// PuTTY manual): the client writes a request into a named file mapping it
// owns, sends the mapping's name to the Pageant window in a WM_COPYDATA
// message, and on a non-zero result reads the reply from the same mapping.
const (
	pageantMaxMessage = 8192       // size of the shared mapping
	pageantCopyDataID = 0x804e50ba // COPYDATASTRUCT.dwData
	wmCopyData        = 0x004A
)

var (
	user32          = windows.NewLazySystemDLL("user32.dll")
	procFindWindowW = user32.NewProc("FindWindowW")
	procSendMessage = user32.NewProc("SendMessageW")
)

// copyDataStruct is Win32's COPYDATASTRUCT.
type copyDataStruct struct {
	dwData uintptr
	cbData uint32
	lpData uintptr
}

// PageantAvailable reports whether a Pageant window is running.
func PageantAvailable() bool { return findPageant() != 0 }

func findPageant() uintptr {
	name, _ := windows.UTF16PtrFromString("Pageant")
	h, _, _ := procFindWindowW.Call(uintptr(unsafe.Pointer(name)), uintptr(unsafe.Pointer(name)))
	return h
}

// DialPageant returns a client for a running Pageant. Each request is one
// WM_COPYDATA exchange; messages are limited to Pageant's 8 KiB.
func DialPageant() (*Client, error) {
	if !PageantAvailable() {
		return nil, fmt.Errorf("agent: Pageant is not running: %w", ErrNotSupported)
	}
	return NewClient(&transactConn{transact: pageantTransact, maxReply: pageantMaxMessage}), nil
}

var pageantMu sync.Mutex

// pageantTransact performs one request/reply exchange with Pageant.
func pageantTransact(req []byte) ([]byte, error) {
	if len(req) > pageantMaxMessage {
		return nil, ErrMessageTooLarge
	}
	pageantMu.Lock()
	defer pageantMu.Unlock()
	// The mapping name carries the thread id, as PuTTY's does; keep the
	// goroutine on this thread for the exchange.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	hwnd := findPageant()
	if hwnd == 0 {
		return nil, fmt.Errorf("agent: Pageant is not running: %w", ErrNotSupported)
	}
	sa, err := ownerOnlyAttributes()
	if err != nil {
		return nil, err
	}
	mapName := fmt.Sprintf("PageantRequest%08x", windows.GetCurrentThreadId())
	name16, _ := windows.UTF16PtrFromString(mapName)
	h, err := windows.CreateFileMapping(windows.InvalidHandle, sa, windows.PAGE_READWRITE, 0, pageantMaxMessage, name16)
	if err != nil {
		if h != 0 {
			windows.CloseHandle(h)
		}
		return nil, fmt.Errorf("agent: Pageant mapping: %w", err)
	}
	defer windows.CloseHandle(h)
	addr, err := windows.MapViewOfFile(h, windows.FILE_MAP_WRITE, 0, 0, 0)
	if err != nil {
		return nil, fmt.Errorf("agent: Pageant mapping: %w", err)
	}
	defer windows.UnmapViewOfFile(addr)
	// addr is memory mapped by the OS, not Go memory; reinterpreting the
	// uintptr through a pointer keeps vet's unsafe.Pointer rule satisfied.
	shared := unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&addr))), pageantMaxMessage)
	copy(shared, req)

	nameA := append([]byte(mapName), 0)
	cds := copyDataStruct{
		dwData: pageantCopyDataID,
		cbData: uint32(len(nameA)),
		lpData: uintptr(unsafe.Pointer(&nameA[0])),
	}
	ret, _, _ := procSendMessage.Call(hwnd, wmCopyData, 0, uintptr(unsafe.Pointer(&cds)))
	runtime.KeepAlive(nameA)
	if ret == 0 {
		return nil, ErrAgentFailure
	}
	n := binary.BigEndian.Uint32(shared)
	if n > pageantMaxMessage-4 {
		return nil, fmt.Errorf("%w: Pageant reply of %d bytes", ErrMessageTooLarge, n)
	}
	return append([]byte(nil), shared[:4+n]...), nil
}

// ownerOnlyAttributes returns security attributes owned by, and granting
// access only to, the current user: Pageant refuses mappings owned by
// anyone but its own user.
func ownerOnlyAttributes() (*windows.SecurityAttributes, error) {
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("agent: current user: %w", err)
	}
	sid := tu.User.Sid.String()
	sd, err := windows.SecurityDescriptorFromString("O:" + sid + "D:P(A;;GA;;;" + sid + ")")
	if err != nil {
		return nil, fmt.Errorf("agent: security descriptor: %w", err)
	}
	sa := &windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(*sa))
	return sa, nil
}
