package keys

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssh2go/ssh2/internal/testpeer"
)

var ppkTypes = []struct{ t, bits string }{
	{"ed25519", ""}, {"ecdsa", "256"}, {"ecdsa", "384"}, {"ecdsa", "521"}, {"rsa", "2048"}, {"dsa", "1024"},
}

// TestPuttygenPPK reads PPK v2 and v3 files made by puttygen, plain and
// encrypted, and checks the key against puttygen's OpenSSH public key;
// then the distinct failures: no passphrase, wrong passphrase, altered
// MAC, altered public key.
func TestPuttygenPPK(t *testing.T) {
	pg := testpeer.Require(t, "puttygen")
	dir := t.TempDir()
	passFile := filepath.Join(dir, "pass")
	os.WriteFile(passFile, []byte("s3cret\n"), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	for _, c := range ppkTypes {
		for _, ver := range []string{"2", "3"} {
			for _, enc := range []bool{false, true} {
				name := fmt.Sprintf("%s%s-v%s-%v", c.t, c.bits, ver, enc)
				p := filepath.Join(dir, name+".ppk")
				pf := empty
				if enc {
					pf = passFile
				}
				args := []string{"-t", c.t, "-o", p, "-O", "private", "--new-passphrase", pf, "-C", "comment " + name, "--ppk-param", "version=" + ver}
				if c.bits != "" {
					args = append(args, "-b", c.bits)
				}
				runTool(t, nil, pg, args...)
				pubLine := runTool(t, nil, pg, p, "-O", "public-openssh", "--old-passphrase", pf)
				want, _, _, _, err := ParseAuthorizedKey(pubLine)
				if err != nil {
					t.Fatal(err)
				}
				data, _ := os.ReadFile(p)
				var pass []byte
				if enc {
					pass = []byte("s3cret")
					var pm *PassphraseMissingError
					if _, err := ParsePrivateKey(data); !errors.As(err, &pm) || !Equal(pm.PublicKey, want) {
						t.Errorf("%s: no passphrase: %v", name, err)
					}
					if _, err := ParsePrivateKeyWithPassphrase(data, []byte("wrong")); !errors.Is(err, ErrIncorrectPassphrase) {
						t.Errorf("%s: wrong passphrase: %v", name, err)
					}
				}
				s, err := ParsePrivateKeyWithPassphrase(data, pass)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !Equal(s.PublicKey(), want) || s.(Commented).Comment() != "comment "+name {
					t.Errorf("%s: key or comment differs", name)
				}
				checkSigner(t, s, pubLine)
				// Alter one hex digit of the MAC.
				i := bytes.Index(data, []byte("Private-MAC: ")) + len("Private-MAC: ")
				bad := bytes.Clone(data)
				if bad[i] == '0' {
					bad[i] = '1'
				} else {
					bad[i] = '0'
				}
				if _, err := ParsePrivateKeyWithPassphrase(bad, pass); !errors.Is(err, ErrCorruptMAC) {
					t.Errorf("%s: altered MAC: %v", name, err)
				}
			}
		}
	}
}

// TestPPKWrittenReadByPuttygen writes PPK v3 files, plain and encrypted,
// and has puttygen print their OpenSSH public keys.
func TestPPKWrittenReadByPuttygen(t *testing.T) {
	pg := testpeer.Require(t, "puttygen")
	dir := t.TempDir()
	passFile := filepath.Join(dir, "pass")
	os.WriteFile(passFile, []byte("pw pw\n"), 0o600)
	for i, s := range testSigners(t) {
		for _, pass := range []string{"", "pw pw"} {
			data, err := MarshalPPK(s, "my key", []byte(pass))
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParsePrivateKeyWithPassphrase(data, []byte(pass))
			if err != nil || !Equal(back.PublicKey(), s.PublicKey()) || back.(Commented).Comment() != "my key" {
				t.Fatalf("%d: read back: %v", i, err)
			}
			p := filepath.Join(dir, fmt.Sprint(i, ".ppk"))
			os.WriteFile(p, data, 0o600)
			args := []string{p, "-O", "public-openssh"}
			if pass != "" {
				args = append(args, "--old-passphrase", passFile)
			}
			out := strings.TrimSpace(string(runTool(t, nil, pg, args...)))
			want := strings.TrimSpace(string(MarshalAuthorizedKey(s.PublicKey()))) + " my key"
			if out != want {
				t.Errorf("%d: puttygen says %q, want %q", i, out, want)
			}
		}
	}
	// Every Argon2 variant, several lanes: our derivation must match
	// PuTTY's for puttygen to decrypt the file.
	s := testSigners(t)[1]
	for _, kdf := range []string{"Argon2id", "Argon2i", "Argon2d"} {
		data, err := marshalPPK(s, "my key", []byte("pw pw"), ppkArgon2{kdf: kdf, mem: 1000, passes: 2, par: 3})
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, kdf+".ppk")
		os.WriteFile(p, data, 0o600)
		out := strings.TrimSpace(string(runTool(t, nil, pg, p, "-O", "public-openssh", "--old-passphrase", passFile)))
		if want := strings.TrimSpace(string(MarshalAuthorizedKey(s.PublicKey()))) + " my key"; out != want {
			t.Errorf("%s: puttygen says %q, want %q", kdf, out, want)
		}
	}
}

// marshalPPKv2 writes s as a PPK version 2 file (HMAC-SHA-1, SHA-1
// key derivation), which only old PuTTY writes, for fuzz seeds.
func marshalPPKv2(t testing.TB, s Signer, comment string, passphrase []byte) []byte {
	t.Helper()
	priv, err := ppkPrivateBlob(s)
	if err != nil {
		t.Fatal(err)
	}
	f := &ppkFile{version: 2, algo: s.PublicKey().Type(), enc: "none", comment: comment, pub: s.PublicKey().Marshal()}
	if len(passphrase) > 0 {
		f.enc = "aes256-cbc"
		priv = append(priv, make([]byte, aes.BlockSize-len(priv)%aes.BlockSize)...)
	}
	key, iv, macKey, err := f.keys(passphrase)
	if err != nil {
		t.Fatal(err)
	}
	m := f.newMAC(macKey)
	m.Write(ppkMACData(f.algo, f.enc, comment, f.pub, priv))
	if len(passphrase) > 0 {
		block, _ := aes.NewCipher(key)
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(priv, priv)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "PuTTY-User-Key-File-2: %s\nEncryption: %s\nComment: %s\n", f.algo, f.enc, comment)
	writePPKLines(&b, "Public", f.pub)
	writePPKLines(&b, "Private", priv)
	fmt.Fprintf(&b, "Private-MAC: %x\n", m.Sum(nil))
	return []byte(b.String())
}

// ppkFuzzSeeds returns PPK files of versions 2 and 3, plain and
// encrypted with fuzzPassphrase; v3 ones under each Argon2 variant with
// parameters cheap enough for the fuzzer to run the KDF.
func ppkFuzzSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, s := range testSigners(t)[:2] {
		plain, err := MarshalPPK(s, "c", nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, plain, marshalPPKv2(t, s, "c", nil), marshalPPKv2(t, s, "c", []byte(fuzzPassphrase)))
		for _, kdf := range []string{"Argon2id", "Argon2i", "Argon2d"} {
			data, err := marshalPPK(s, "c", []byte(fuzzPassphrase), ppkArgon2{kdf: kdf, mem: 16, passes: 2, par: 2})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, data)
		}
	}
	return out
}

// TestPPKFuzzSeeds checks that the PPK fuzz seeds parse with the fuzz
// passphrase, so mutations start from files that reach the private blob.
func TestPPKFuzzSeeds(t *testing.T) {
	for i, data := range ppkFuzzSeeds(t) {
		if _, err := ParsePrivateKeyWithPassphrase(data, []byte(fuzzPassphrase)); err != nil {
			t.Errorf("seed %d: %v\n%s", i, err, data)
		}
	}
}

// FuzzParsePPK parses whole PPK files. Files whose KDF would cost more
// than fuzzKDFCheap allows are skipped; FuzzParsePPKFile covers their
// headers.
func FuzzParsePPK(f *testing.F) {
	for _, seed := range ppkFuzzSeeds(f) {
		f.Add(seed, fuzzPassphrase)
		f.Add(seed, "")
	}
	f.Add([]byte("PuTTY-User-Key-File-2: ssh-rsa\nEncryption: aes256-cbc\n"), "x")
	f.Fuzz(func(t *testing.T, data []byte, pass string) {
		if !fuzzKDFCheap(data) {
			return
		}
		s, err := ParsePrivateKeyWithPassphrase(data, []byte(pass))
		if err != nil {
			if !errorClassified(err) {
				t.Fatalf("error %q is not errors.Is-able as a package error", err)
			}
			return
		}
		checkFuzzSigner(t, s)
	})
}

// FuzzParsePPKFile fuzzes the outer layer of PPK files and the vetting of
// their Argon2 parameters without running the KDF, so any header the
// limits let through is within them.
func FuzzParsePPKFile(f *testing.F) {
	for _, seed := range ppkFuzzSeeds(f) {
		f.Add(seed)
	}
	enc, err := MarshalPPK(testSigners(f)[0], "c", []byte("pw"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	f.Add(setPPKArgon2(f, enc, 1, 1<<22, 1))
	f.Add(setPPKArgon2(f, enc, 1, 1<<20, 255))
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := parsePPKFile(data)
		if err == nil && pf.version == 3 && pf.enc != "none" {
			err = pf.checkArgon2()
			if err == nil {
				work := max(uint64(pf.mem), 8*uint64(pf.par)) * uint64(pf.passes)
				if pf.mem > ppkMaxArgonMem || pf.par > ppkMaxArgonPar || pf.par == 0 || work == 0 || work > ppkMaxArgonWork {
					t.Fatalf("Argon2 memory %d, passes %d, lanes %d passed the limits", pf.mem, pf.passes, pf.par)
				}
			}
		}
		if err != nil && !errorClassified(err) {
			t.Fatalf("error %q is not errors.Is-able as a package error", err)
		}
	})
}

// TestPuttygenPPKArgon2 re-encrypts one puttygen key under each Argon2
// variant PuTTY offers, with one lane and with several and an amount of
// memory that is not a multiple of the lanes, and reads each back.
func TestPuttygenPPKArgon2(t *testing.T) {
	pg := testpeer.Require(t, "puttygen")
	dir := t.TempDir()
	passFile := filepath.Join(dir, "pass")
	os.WriteFile(passFile, []byte("argon pass\n"), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	plain := filepath.Join(dir, "plain.ppk")
	runTool(t, nil, pg, "-t", "ecdsa", "-b", "256", "-o", plain, "-O", "private", "--new-passphrase", empty)
	pubLine := runTool(t, nil, pg, plain, "-O", "public-openssh")
	for _, kdf := range []string{"Argon2id", "Argon2i", "Argon2d"} {
		for _, params := range []string{"memory=8192,passes=3,parallelism=1", "memory=1000,passes=2,parallelism=3", "memory=45,passes=4,parallelism=4"} {
			name := kdf + "-" + params
			t.Run(name, func(t *testing.T) {
				p := filepath.Join(dir, strings.NewReplacer("=", "", ",", "-").Replace(name)+".ppk")
				runTool(t, nil, pg, plain, "-o", p, "-O", "private", "-C", name, "--new-passphrase", passFile,
					"--ppk-param", "kdf="+strings.ToLower(kdf)+","+params)
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(data, []byte("Key-Derivation: "+kdf+"\n")) {
					t.Fatalf("puttygen did not use %s:\n%s", kdf, data)
				}
				s, err := ParsePrivateKeyWithPassphrase(data, []byte("argon pass"))
				if err != nil {
					t.Fatal(err)
				}
				if s.(Commented).Comment() != name {
					t.Errorf("comment %q", s.(Commented).Comment())
				}
				checkSigner(t, s, pubLine)
				if _, err := ParsePrivateKeyWithPassphrase(data, []byte("argon Pass")); !errors.Is(err, ErrIncorrectPassphrase) {
					t.Errorf("wrong passphrase: %v", err)
				}
			})
		}
	}
}

// TestPPKArgon2Limits feeds PPK headers whose Argon2 parameters would
// cost far more than the declared memory suggests (Argon2 fills at least
// 8 KiB per lane) or exceed the memory and lane caps. Each must be
// refused with ErrKDFTooExpensive before any derivation runs.
func TestPPKArgon2Limits(t *testing.T) {
	good, err := MarshalPPK(testSigners(t)[0], "c", []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ mem, passes, par uint64 }{
		{1, 1 << 20, 255},          // the audit's case: 1 KiB declared, 2040 KiB real
		{1, 1 << 22, 1},            // 4 Mi KiB-passes declared, 32 Mi real
		{8, 1<<21 + 1, 1},          // just over the work bound
		{1, 1 << 30, 64},           // effective 512 KiB per pass
		{1 << 19, 1, 1},            // 512 MiB of memory
		{ppkMaxArgonMem + 1, 1, 1}, // just over the memory cap
		{8192, 1, 65},              // too many lanes
		{8192, 1, 1 << 31},         // lanes that do not fit Argon2's 24 bits
		{math.MaxUint32, math.MaxUint32, math.MaxUint32},
	} {
		data := setPPKArgon2(t, good, c.mem, c.passes, c.par)
		done := make(chan error, 1)
		go func() {
			_, err := ParsePrivateKeyWithPassphrase(data, []byte("pw"))
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrKDFTooExpensive) {
				t.Errorf("%+v: %v, want ErrKDFTooExpensive", c, err)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("%+v: still deriving after 2s; the header should have been refused", c)
		}
	}
	// Zero parameters are malformed; the largest accepted work is run.
	if _, err := ParsePrivateKeyWithPassphrase(setPPKArgon2(t, good, 8192, 0, 1), []byte("pw")); !errors.Is(err, ErrMalformed) {
		t.Errorf("zero passes: %v", err)
	}
	if _, err := ParsePrivateKeyWithPassphrase(setPPKArgon2(t, good, 1, 2, 64), []byte("pw")); !errors.Is(err, ErrIncorrectPassphrase) {
		t.Errorf("cheap parameters: %v, want the KDF to run and the MAC to fail", err)
	}
}

// setPPKArgon2 rewrites the Argon2 parameters of a PPK v3 file.
func setPPKArgon2(t testing.TB, ppk []byte, mem, passes, par uint64) []byte {
	t.Helper()
	lines := strings.Split(string(ppk), "\n")
	n := 0
	for i, l := range lines {
		name, _, ok := strings.Cut(l, ": ")
		if !ok {
			continue
		}
		switch name {
		case "Argon2-Memory":
			lines[i] = fmt.Sprintf("%s: %d", name, mem)
		case "Argon2-Passes":
			lines[i] = fmt.Sprintf("%s: %d", name, passes)
		case "Argon2-Parallelism":
			lines[i] = fmt.Sprintf("%s: %d", name, par)
		default:
			continue
		}
		n++
	}
	if n != 3 {
		t.Fatalf("PPK file has %d Argon2 parameter lines", n)
	}
	return []byte(strings.Join(lines, "\n"))
}
