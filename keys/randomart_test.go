package keys

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestRandomartMatchesKeygen draws the fingerprint line and randomart of
// keys of every type (and a certificate) and compares them byte for byte
// with ssh-keygen -lv, for SHA256 and MD5.
func TestRandomartMatchesKeygen(t *testing.T) {
	kg := sshKeygen(t)
	dir := t.TempDir()
	var paths []string
	for _, c := range keygenSpecs {
		paths = append(paths, genKeygen(t, kg, dir, c.t, c.bits)+".pub")
	}
	ca := genKeygen(t, kg, dir, "ed25519", "", "-C", "ca")
	runTool(t, nil, kg, "-q", "-s", ca, "-I", "id", "-n", "a", paths[0])
	paths = append(paths, paths[0][:len(paths[0])-4]+"-cert.pub")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		pub, comment, _, _, err := ParseAuthorizedKey(data)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if comment == "" {
			comment = "no comment"
		}
		for _, h := range []string{"SHA256", "MD5"} {
			fp := FingerprintSHA256(pub)
			if h == "MD5" {
				fp = FingerprintMD5(pub)
			}
			got := fmt.Sprintf("%d %s %s (%s)\n%s\n", KeyBits(pub), fp, comment, KeyTypeLabel(pub), Randomart(pub, h))
			want := string(runTool(t, nil, kg, "-lv", "-E", map[string]string{"SHA256": "sha256", "MD5": "md5"}[h], "-f", p))
			if got != want {
				t.Errorf("%s %s:\n got:\n%s\nwant:\n%s", filepath.Base(p), h, got, want)
			}
		}
	}
}

func TestRandomartTitleFallback(t *testing.T) {
	d := make([]byte, 32)
	for _, c := range []struct{ label, head string }{
		{"ED25519", "+--[ED25519 256]--+"},
		{"ED25519-CERT", "+-[ED25519-CERT]--+"},
		{"ED25519-SK-CERT", "+[ED25519-SK-CERT-+"},
		{"ECDSA-SK", "+-[ECDSA-SK 256]--+"},
	} {
		art := drawRandomart(d, c.label, 256, "SHA256")
		if got := art[:19]; got != c.head {
			t.Errorf("%s: header %q, want %q", c.label, got, c.head)
		}
	}
}
