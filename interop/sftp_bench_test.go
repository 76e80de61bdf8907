package interop

// SFTP transfers over real SSH on loopback from OpenSSH's sshd
// (internal-sftp): our client vs OpenSSH's sftp vs pkg/sftp, in one run.
// b.N counts MiB, so for 1 GiB each:
//
//	go test -run '^$' -bench SFTP -benchtime 1024x
//
// Every client uses aes128-gcm@openssh.com. The OpenSSH figure includes
// starting sftp and its connection set-up (a few tens of milliseconds);
// the other two connect before the timer starts. Files live in /dev/shm
// when it exists, so that the disk does not set the pace. sshd logs at
// INFO (not DEBUG3), so its logging does not weigh on the figures.
//
// Besides MB/s, each case reports figures less sensitive to other load
// on the machine: client-cpu-s/GiB (this process plus the children it
// waited for: sftp and its ssh), client-ctxsw/MiB (voluntary context
// switches of the same), server-cpu-s/GiB (the sshd processes
// serving the transfer, from /proc) and, for in-process clients,
// allocs/MiB. Note that -count repeats each case in a row; to alternate
// cases under changing load, run the test binary once per case in a loop.
//
// For experiments, our client's settings can be changed from the
// environment: SFTPBENCH_MAXPACKET and SFTPBENCH_WINDOW (ssh2.Config),
// SFTPBENCH_CONC, SFTPBENCH_CHUNK and SFTPBENCH_INFLIGHT
// (sftp.WithConcurrency, sftp.WithChunkSize, sftp.WithMaxInFlight).

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	pkgsftp "github.com/pkg/sftp"
	"github.com/ssh2go/ssh2"
	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/keys"
	"github.com/ssh2go/ssh2/sftp"
	xssh "golang.org/x/crypto/ssh"
)

const sftpBenchCipher = "aes128-gcm@openssh.com"

// patternReader yields a cheap non-constant byte stream.
type patternReader struct{ n uint64 }

func (r *patternReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.n*0x9E3779B1>>13) ^ byte(r.n)
		r.n++
	}
	return len(p), nil
}

func writeSized(b *testing.B, p string, n int64) {
	b.Helper()
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, &patternReader{}, n); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// benchDir returns a fresh directory for the transferred files, on tmpfs
// (/dev/shm) if there is one, removed when the benchmark ends.
func benchDir(b *testing.B) string {
	b.Helper()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "sftp-bench"); err == nil {
			b.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return b.TempDir()
}

func checkSize(b *testing.B, p string, n int64) {
	b.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		b.Fatal(err)
	}
	if fi.Size() != n {
		b.Fatalf("%s: %d bytes, want %d", p, fi.Size(), n)
	}
}

// sftpBenchPeer is one client under test: setup returns the transfer
// functions, taking absolute paths on the sshd machine (this one).
type sftpBenchPeer struct {
	name  string
	setup func(b *testing.B, env *sftpBenchEnv) (get, put func(remote, local string) error)
}

type sftpBenchEnv struct {
	d       *testpeer.SSHD
	keyPath string
	known   string
	signer  ssh2.Signer
	xsigner xssh.Signer
}

func BenchmarkSFTP(b *testing.B) {
	d := testpeer.StartSSHD(b, testpeer.SSHDOptions{Config: []string{"LogLevel INFO"}})
	priv, pub := testpeer.GenerateKey(b, "ed25519", 0)
	d.AuthorizeKey(b, pub)
	pem, err := os.ReadFile(priv)
	if err != nil {
		b.Fatal(err)
	}
	signer, err := keys.ParsePrivateKey(pem)
	if err != nil {
		b.Fatal(err)
	}
	xsigner, err := xssh.ParsePrivateKey(pem)
	if err != nil {
		b.Fatal(err)
	}
	kh := filepath.Join(b.TempDir(), "known_hosts")
	if err := os.WriteFile(kh, []byte(strings.Join(d.KnownHosts(), "\n")+"\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	env := &sftpBenchEnv{d: d, keyPath: priv, known: kh, signer: signer, xsigner: xsigner}

	peers := []sftpBenchPeer{
		{"ssh2", oursSFTPBench},
		{"openssh", opensshSFTPBench},
		{"pkgsftp", pkgSFTPBench},
	}
	for _, dir := range []string{"download", "upload"} {
		for _, p := range peers {
			b.Run(p.name+"/"+dir, func(b *testing.B) {
				get, put := p.setup(b, env)
				n := int64(b.N) * mib
				tmp := benchDir(b)
				src, dst := filepath.Join(tmp, "src"), filepath.Join(tmp, "dst")
				writeSized(b, src, n)
				b.SetBytes(mib)
				runtime.GC()
				var ms0, ms1 runtime.MemStats
				runtime.ReadMemStats(&ms0)
				srv0 := sshdTicks(d)
				self0, selfCS0 := rusageCPU(syscall.RUSAGE_SELF)
				kids0, kidsCS0 := rusageCPU(syscall.RUSAGE_CHILDREN)
				b.ResetTimer()
				if dir == "download" {
					err = get(src, dst)
				} else {
					err = put(dst, src)
				}
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				self1, selfCS1 := rusageCPU(syscall.RUSAGE_SELF)
				kids1, kidsCS1 := rusageCPU(syscall.RUSAGE_CHILDREN)
				runtime.ReadMemStats(&ms1)
				srv1 := sshdTicks(d)
				checkSize(b, dst, n)
				gib := float64(n) / (1 << 30)
				b.ReportMetric((self1-self0+kids1-kids0).Seconds()/gib, "client-cpu-s/GiB")
				b.ReportMetric(float64(selfCS1-selfCS0+kidsCS1-kidsCS0)/float64(b.N), "client-ctxsw/MiB")
				if srv0 >= 0 && srv1 >= 0 {
					b.ReportMetric(float64(srv1-srv0)/clockTicks/gib, "server-cpu-s/GiB")
				}
				if p.name != "openssh" {
					b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N), "allocs/MiB")
				}
			})
		}
	}
}

// rusageCPU returns the CPU time and the voluntary context switches
// (blocking waits, a measure of wake-ups) of who so far.
func rusageCPU(who int) (time.Duration, int64) {
	var ru syscall.Rusage
	if syscall.Getrusage(who, &ru) != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), ru.Nvcsw
}

// clockTicks is the unit of /proc/<pid>/stat times (USER_HZ, 100 on Linux).
const clockTicks = 100

// sshdTicks returns the CPU time, in clock ticks, used so far by d's
// listener and every process it forked: the live processes' own time plus
// what their reaped children used. It first waits (up to a few seconds)
// for the sessions of clients that exited to be reaped, so that their time
// is counted. It returns -1 without /proc.
func sshdTicks(d *testpeer.SSHD) int64 {
	listener := -1
	for range 100 {
		procs := readProcs()
		if procs == nil {
			return -1
		}
		for pid, p := range procs {
			if p.ppid == os.Getpid() && strings.Contains(p.cmdline, d.ConfigPath) {
				listener = pid
			}
		}
		if listener < 0 {
			return -1
		}
		// A session whose client has gone exits on its own; count it once
		// it is reaped. The listener and the in-process client's session
		// (a priv process and its child) stay.
		tree, exiting := int64(0), false
		for pid, p := range procs {
			if !descends(procs, pid, listener) {
				continue
			}
			tree += p.ticks
			if p.state == 'Z' {
				exiting = true
			}
		}
		if !exiting {
			return tree
		}
		time.Sleep(20 * time.Millisecond)
	}
	return -1
}

type procStat struct {
	ppid    int
	state   byte
	ticks   int64 // utime + stime + cutime + cstime
	cmdline string
}

func readProcs() map[int]procStat {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	m := make(map[int]procStat)
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ... fields 14-17: utime stime cutime cstime.
		i := strings.LastIndexByte(string(st), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(st[i+1:]))
		if len(f) < 15 {
			continue
		}
		var p procStat
		p.state = f[0][0]
		p.ppid, _ = strconv.Atoi(f[1])
		for _, k := range f[11:15] {
			v, _ := strconv.ParseInt(k, 10, 64)
			p.ticks += v
		}
		cl, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		p.cmdline = string(cl)
		m[pid] = p
	}
	return m
}

func descends(procs map[int]procStat, pid, root int) bool {
	for range 64 {
		if pid == root {
			return true
		}
		p, ok := procs[pid]
		if !ok || p.ppid == 0 {
			return false
		}
		pid = p.ppid
	}
	return false
}

func oursSFTPBench(b *testing.B, env *sftpBenchEnv) (get, put func(remote, local string) error) {
	ctx := context.Background()
	cfg := &ssh2.ClientConfig{
		Config:          ssh2.Config{Ciphers: []string{sftpBenchCipher}, MaxPacketSize: uint32(envInt("SFTPBENCH_MAXPACKET")), WindowSize: uint32(envInt("SFTPBENCH_WINDOW"))},
		User:            env.d.User,
		Auth:            []ssh2.AuthMethod{ssh2.PublicKeys(env.signer)},
		HostKeyCallback: ssh2.InsecureIgnoreHostKey(),
	}
	sc, err := ssh2.Dial(ctx, "tcp", env.d.Addr, cfg)
	if err != nil {
		b.Fatal(err)
	}
	var opts []sftp.ClientOption
	if n := envInt("SFTPBENCH_CONC"); n > 0 {
		opts = append(opts, sftp.WithConcurrency(n))
	}
	if n := envInt("SFTPBENCH_INFLIGHT"); n > 0 {
		opts = append(opts, sftp.WithMaxInFlight(n))
	}
	if n := envInt("SFTPBENCH_CHUNK"); n > 0 {
		opts = append(opts, sftp.WithChunkSize(n))
	}
	c, err := sftp.NewSSHClient(ctx, sc, opts...)
	if err != nil {
		sc.Close()
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close(); sc.Close() })
	get = func(remote, local string) error {
		_, err := c.Download(ctx, remote, local, nil)
		return err
	}
	put = func(remote, local string) error {
		_, err := c.Upload(ctx, local, remote, nil)
		return err
	}
	return get, put
}

func opensshSFTPBench(b *testing.B, env *sftpBenchEnv) (get, put func(remote, local string) error) {
	bin := testpeer.Require(b, "sftp")
	run := func(cmd string) error {
		bf := filepath.Join(b.TempDir(), "batch")
		if err := os.WriteFile(bf, []byte(cmd+"\n"), 0o600); err != nil {
			return err
		}
		c := exec.Command(bin, "-q", "-b", bf, "-P", fmt.Sprint(env.d.Port), "-F", "none", "-i", env.keyPath,
			"-o", "Ciphers="+sftpBenchCipher, "-o", "UserKnownHostsFile="+env.known,
			"-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes",
			"-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", env.d.User+"@127.0.0.1")
		c.Env = append(os.Environ(), "HOME="+b.TempDir())
		if out, err := c.CombinedOutput(); err != nil {
			return fmt.Errorf("sftp: %v\n%s", err, out)
		}
		return nil
	}
	get = func(remote, local string) error { return run(fmt.Sprintf("get %q %q", remote, local)) }
	put = func(remote, local string) error { return run(fmt.Sprintf("put %q %q", local, remote)) }
	return get, put
}

func pkgSFTPBench(b *testing.B, env *sftpBenchEnv) (get, put func(remote, local string) error) {
	xc, err := xssh.Dial("tcp", env.d.Addr, &xssh.ClientConfig{
		Config:          xssh.Config{Ciphers: []string{sftpBenchCipher}},
		User:            env.d.User,
		Auth:            []xssh.AuthMethod{xssh.PublicKeys(env.xsigner)},
		HostKeyCallback: func(string, net.Addr, xssh.PublicKey) error { return nil },
	})
	if err != nil {
		b.Fatal(err)
	}
	c, err := pkgsftp.NewClient(xc, pkgsftp.UseConcurrentReads(true), pkgsftp.UseConcurrentWrites(true),
		pkgsftp.MaxConcurrentRequestsPerFile(64))
	if err != nil {
		xc.Close()
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close(); xc.Close() })
	get = func(remote, local string) error {
		rf, err := c.Open(remote)
		if err != nil {
			return err
		}
		defer rf.Close()
		lf, err := os.Create(local)
		if err != nil {
			return err
		}
		if _, err := rf.WriteTo(lf); err != nil {
			lf.Close()
			return err
		}
		return lf.Close()
	}
	put = func(remote, local string) error {
		lf, err := os.Open(local)
		if err != nil {
			return err
		}
		defer lf.Close()
		rf, err := c.Create(remote)
		if err != nil {
			return err
		}
		if _, err := rf.ReadFrom(lf); err != nil {
			rf.Close()
			return err
		}
		return rf.Close()
	}
	return get, put
}

// envInt reads an integer setting from the environment (0 if unset).
func envInt(k string) int { n, _ := strconv.Atoi(os.Getenv(k)); return n }
