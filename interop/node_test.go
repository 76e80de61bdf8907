package interop

// Node's ssh2 SFTP client (fastPut, fastGet) against our ssh2.Server.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssh2go/ssh2/internal/testpeer"
	"github.com/ssh2go/ssh2/keys"
)

// nodeDir is where scripts/install-peers.sh installs Node's ssh2.
const nodeDir = "node"

func requireNodeSSH2(t *testing.T) string {
	t.Helper()
	bin := testpeer.Require(t, "node")
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "ssh2", "package.json")); err != nil {
		if testpeer.UnderCI() {
			t.Fatalf("Node ssh2 not installed (scripts/install-peers.sh): %v", err)
		}
		t.Skipf("Node ssh2 not installed (scripts/install-peers.sh): %v", err)
	}
	return bin
}

func TestNodeSFTPToOurServer(t *testing.T) {
	node := requireNodeSSH2(t)
	host, user := newKeyPair(t), newKeyPair(t)
	root := t.TempDir()
	addr := startSFTPServer(t, root, host, user)
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	hostLine := strings.TrimSpace(string(keys.MarshalAuthorizedKey(host.ours.PublicKey())))

	work := t.TempDir()
	keyPEM, err := keys.MarshalPrivateKey(user.ours, "node-test", nil)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(work, "id_ed25519")
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	data := randomBytes(16<<20+5, 21)
	src := filepath.Join(work, "src.bin")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join(nodeDir, "sftp_transfer.js"))
	if err != nil {
		t.Fatal(err)
	}

	for _, auth := range []string{"password:" + sftpPassword, "key:" + keyFile} {
		name := auth[:strings.IndexByte(auth, ':')]
		t.Run(name, func(t *testing.T) {
			remote := "/" + name + ".bin"
			dst := filepath.Join(work, name+"-back.bin")
			cmd := exec.Command(node, script, port, "nodeuser", auth, hostLine, src, remote, dst)
			cmd.Dir = nodeDir
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				t.Fatalf("node: %v\n%s", err, out.String())
			}
			mustEqualFile(t, filepath.Join(root, name+".bin"), data)
			mustEqualFile(t, dst, data)
		})
	}

	// A wrong host key is refused by the script, so its check can fail.
	other := newKeyPair(t)
	wrong := strings.TrimSpace(string(keys.MarshalAuthorizedKey(other.ours.PublicKey())))
	cmd := exec.Command(node, script, port, "nodeuser", "password:"+sftpPassword, wrong, src, "/x.bin", filepath.Join(work, "x"))
	cmd.Dir = nodeDir
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("node accepted a wrong host key:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(root, "x.bin")); err == nil {
		t.Fatal("file uploaded despite the wrong host key")
	}
}
