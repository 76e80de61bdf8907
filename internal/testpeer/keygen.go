package testpeer

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// GenerateKey creates an unencrypted key pair with the real ssh-keygen in
// a fresh t.TempDir() and returns the private key file's path and the
// public key as an authorized_keys line ("type base64 comment").
//
// keyType is what ssh-keygen -t takes: "ed25519", "ecdsa", "rsa", "dsa",
// "ed25519-sk", ... bits is passed as -b when non-zero (ECDSA: 256, 384 or
// 521; RSA: the modulus size).
func GenerateKey(t testing.TB, keyType string, bits int) (privPath, pubLine string) {
	t.Helper()
	privPath = filepath.Join(t.TempDir(), "id_"+strings.ReplaceAll(keyType, "-", "_"))
	pubLine = generateKeyAt(t, privPath, keyType, bits, "testpeer-"+keyType)
	return privPath, pubLine
}

// generateKeyAt runs ssh-keygen to write a key pair at path and returns
// the trimmed public key line.
func generateKeyAt(t testing.TB, path, keyType string, bits int, comment string) string {
	t.Helper()
	keygen := Require(t, "ssh-keygen")
	args := []string{"-q", "-t", keyType, "-N", "", "-C", comment, "-f", path}
	if bits != 0 {
		args = append(args, "-b", strconv.Itoa(bits))
	}
	out, err := exec.Command(keygen, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("testpeer: ssh-keygen %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	pub, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatalf("testpeer: %v", err)
	}
	return strings.TrimSpace(string(pub))
}

// HostKeyTypes lists the host key types StartSSHD generates by default, by
// their SSH public key algorithm names.
var HostKeyTypes = []string{
	"ssh-ed25519",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"ssh-rsa",
}

// keygenArgs maps a host key type to ssh-keygen's -t and -b.
func keygenArgs(keyType string) (string, int, bool) {
	switch keyType {
	case "ssh-ed25519":
		return "ed25519", 0, true
	case "ecdsa-sha2-nistp256":
		return "ecdsa", 256, true
	case "ecdsa-sha2-nistp384":
		return "ecdsa", 384, true
	case "ecdsa-sha2-nistp521":
		return "ecdsa", 521, true
	case "ssh-rsa":
		return "rsa", 3072, true
	case "ssh-dss":
		return "dsa", 1024, true
	}
	return "", 0, false
}

// hostKey is one generated host key pair, kept in memory so that the
// (slow, for RSA) generation happens once per test binary.
type hostKey struct {
	priv []byte
	pub  string // "type base64", no comment
}

var (
	hostKeyMu    sync.Mutex
	hostKeyCache = map[string]hostKey{}
)

// hostKeyPair returns the process-wide host key of the given type,
// generating it with ssh-keygen on first use.
func hostKeyPair(t testing.TB, keyType string) hostKey {
	t.Helper()
	hostKeyMu.Lock()
	defer hostKeyMu.Unlock()
	if k, ok := hostKeyCache[keyType]; ok {
		return k
	}
	kt, bits, ok := keygenArgs(keyType)
	if !ok {
		t.Fatalf("testpeer: unknown host key type %q", keyType)
	}
	path := filepath.Join(t.TempDir(), "hostkey")
	line := generateKeyAt(t, path, kt, bits, "")
	priv, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("testpeer: %v", err)
	}
	f := strings.Fields(line)
	if len(f) < 2 || f[0] != keyType {
		t.Fatalf("testpeer: ssh-keygen wrote unexpected public key %q for %s", line, keyType)
	}
	k := hostKey{priv: priv, pub: f[0] + " " + f[1]}
	hostKeyCache[keyType] = k
	return k
}

// SignKey certifies the public key file pubPath with the real
// ssh-keygen -s, using the CA private key caPriv and the key ID id, plus
// args (-n principals, -V validity, -O options, -h for a host
// certificate). It returns the certificate's path, NAME-cert.pub beside
// the key, where ssh finds it.
func SignKey(t testing.TB, caPriv, id, pubPath string, args ...string) string {
	t.Helper()
	bin := Require(t, "ssh-keygen")
	all := append(append([]string{"-q", "-s", caPriv, "-I", id}, args...), pubPath)
	if out, err := exec.Command(bin, all...).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen %v: %v\n%s", all, err, out)
	}
	return strings.TrimSuffix(pubPath, ".pub") + "-cert.pub"
}
