package sftp

import (
	"strconv"
	"sync"
)

// handleTable maps the handle strings a handler gives out to its open
// files and directories. It is safe for concurrent use.
type handleTable[T any] struct {
	prefix string // keeps handles of different handler kinds apart

	mu    sync.RWMutex
	next  uint64
	files map[string]T
}

// add stores f under a new handle and returns the handle.
func (t *handleTable[T]) add(f T) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.files == nil {
		t.files = make(map[string]T)
	}
	t.next++
	k := t.prefix + strconv.FormatUint(t.next, 36)
	t.files[k] = f
	return k
}

// get returns the file of handle, or errInvalidHandle.
func (t *handleTable[T]) get(handle string) (T, error) {
	t.mu.RLock()
	f, ok := t.files[handle]
	t.mu.RUnlock()
	if !ok {
		return f, errInvalidHandle
	}
	return f, nil
}

// take removes handle and returns its file, or errInvalidHandle.
func (t *handleTable[T]) take(handle string) (T, error) {
	t.mu.Lock()
	f, ok := t.files[handle]
	delete(t.files, handle)
	t.mu.Unlock()
	if !ok {
		return f, errInvalidHandle
	}
	return f, nil
}

// takeAll removes every handle and returns their files.
func (t *handleTable[T]) takeAll() []T {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]T, 0, len(t.files))
	for k, f := range t.files {
		out = append(out, f)
		delete(t.files, k)
	}
	return out
}

// len returns how many handles are open.
func (t *handleTable[T]) len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.files)
}
