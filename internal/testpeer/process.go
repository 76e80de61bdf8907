package testpeer

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startTimeout bounds how long a server may take to start listening.
const startTimeout = 20 * time.Second

// logTailLimit bounds how much of a server log is printed on failure.
const logTailLimit = 64 << 10

// server is a peer server process started by a test: its output goes to a
// log file (so no goroutine copies it), and one goroutine waits for it.
type server struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{} // closed when the process has been waited for
	waitErr error         // valid after done is closed
	// marker, when set, is an environment entry ("NAME=value") the server
	// gives every session it starts, so stop finds session processes that
	// were orphaned (reparented away from the server) before it ran.
	marker string
}

// startServer starts cmd with its output appended to logPath and returns
// at once. The caller must eventually call stop (startServer registers
// nothing itself).
func startServer(name string, cmd *exec.Cmd, logPath string) (*server, error) {
	logf, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own copy
	cmd.Stdout = logf
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &server{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	return s, nil
}

// exited reports whether the process has ended.
func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// stop kills the server and every process it forked (per-connection
// children outlive a killed listener otherwise), then waits for it.
func (s *server) stop() {
	if s.exited() {
		return
	}
	pid := s.cmd.Process.Pid
	kids := descendants(pid)
	if s.marker != "" {
		// A session whose connection ended first has lost its server
		// parent (its client was killed by the test context, say).
		kids = append(kids, processesWithEnv(s.marker)...)
	}
	for _, c := range kids {
		if p, err := os.FindProcess(c); err == nil {
			_ = p.Kill()
		}
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	// The forked processes are not ours to wait for; wait until they are
	// gone or zombies, so that none outlives the test.
	deadline := time.Now().Add(startTimeout)
	for _, c := range kids {
		for procAlive(c) && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
	}
}

// procAlive reports whether pid is a process that has not yet exited
// (zombies count as exited). Without /proc it reports false.
func procAlive(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return false
	}
	switch s[i+2] {
	case 'Z', 'X', 'x':
		return false
	}
	return true
}

// log returns the server's log, at most the last logTailLimit bytes.
func (s *server) log() string { return readTail(s.logPath) }

// dumpLogOnFailure registers a cleanup that prints the server log when
// the test has failed. Register it after the stop cleanup so that it runs
// first (cleanups run last-in first-out) while the log still exists.
func (s *server) dumpLogOnFailure(t testing.TB) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s log (%s):\n%s", s.name, s.logPath, s.log())
		}
	})
}

func readTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(log unavailable: " + err.Error() + ")"
	}
	if len(b) > logTailLimit {
		return "[... earlier output cut ...]\n" + string(b[len(b)-logTailLimit:])
	}
	return string(b)
}

// waitReady waits until ready reports true, the process exits, or
// startTimeout passes. It polls at short intervals: the servers offer no
// other signal of readiness.
func (s *server) waitReady(ready func() bool) error {
	deadline := time.Now().Add(startTimeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if ready() {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not become ready within %v", s.name, startTimeout)
		}
		select {
		case <-s.done:
			if ready() {
				return nil
			}
			return fmt.Errorf("%s exited during start-up: %v", s.name, s.waitErr)
		case <-tick.C:
		}
	}
}

// errAddrInUse marks a start-up failure caused by a port taken between
// freePort and the server's bind; the caller retries with another port.
var errAddrInUse = errors.New("address already in use")

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
// Another process may take it before the server binds it, so starters
// retry on bind failure.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testpeer: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// descendants returns the process ids of every descendant of pid, deepest
// last, using /proc. Where /proc is missing it returns nil.
func descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, ok := parentPID(p); ok {
			children[pp] = append(children[pp], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// processesWithEnv returns the ids of the processes whose environment
// holds the entry env ("NAME=value"), using /proc. Processes whose
// environment we may not read are not reported.
func processesWithEnv(env string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		for _, kv := range strings.Split(string(b), "\x00") {
			if kv == env {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// parentPID reads the parent process id from /proc/<pid>/stat, whose
// second field (the command name, in parentheses) may contain spaces.
func parentPID(pid int) (int, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, false
	}
	pp, err := strconv.Atoi(f[1])
	return pp, err == nil
}

// writeFile writes data to path or fails the test.
func writeFile(t testing.TB, path string, data []byte, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, perm); err != nil {
		t.Fatalf("testpeer: %v", err)
	}
}

// lines joins lines with a newline after each.
func lines(ls []string) []byte {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}
