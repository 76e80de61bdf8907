package testpeer

import (
	"os/exec"
	"strings"
	"testing"
)

func TestFingerprint(t *testing.T) {
	_, pub := GenerateKey(t, "ed25519", 0)
	got, err := Fingerprint(pub)
	if err != nil {
		t.Fatal(err)
	}
	// ssh-keygen -l prints "256 SHA256:... comment (ED25519)".
	dir := t.TempDir()
	writeFile(t, dir+"/k.pub", []byte(pub+"\n"), 0o644)
	out, _, code := run(t, exec.Command(Require(t, "ssh-keygen"), "-l", "-E", "sha256", "-f", dir+"/k.pub"))
	if code != 0 || len(strings.Fields(out)) < 2 || strings.Fields(out)[1] != got {
		t.Fatalf("Fingerprint = %s; ssh-keygen -l says %q", got, out)
	}
	for _, bad := range []string{"", "ssh-ed25519", "ssh-ed25519 !!!"} {
		if _, err := Fingerprint(bad); err == nil {
			t.Errorf("Fingerprint(%q) succeeded", bad)
		}
	}
}

func TestDropbearPassword(t *testing.T) {
	user, password := RequireTestAccount(t)
	d := StartDropbear(t, DropbearOptions{})
	if len(d.PublicHostKeys()) != len(DropbearHostKeyTypes) {
		t.Fatalf("%d host keys, want %d", len(d.PublicHostKeys()), len(DropbearHostKeyTypes))
	}

	// dbclient, checking the host key.
	out, errOut, code := run(t, DBClientCommand(t, DBClientOptions{Port: d.Port, User: user,
		Password: password, HostKeys: d.PublicHostKeys(), Ciphers: "aes256-ctr", MACs: "hmac-sha2-256",
		Command: []string{"id -un; exit 4"}}))
	if code != 4 || out != user+"\n" {
		t.Fatalf("dbclient: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	// dbclient with a known_hosts entry for another key fails.
	_, wrong := GenerateKey(t, "ed25519", 0)
	_, errOut, code = run(t, DBClientCommand(t, DBClientOptions{Port: d.Port, User: user,
		Password: password, HostKeys: []string{strings.Join(strings.Fields(wrong)[:2], " ")},
		Command: []string{"true"}}))
	if code == 0 || !strings.Contains(errOut, "host key mismatch") {
		t.Fatalf("dbclient with a wrong known_hosts key: exit %d, stderr %q", code, errOut)
	}

	// OpenSSH ssh against dropbear.
	out, errOut, code = run(t, SSHClientCommand(t, ClientOptions{Port: d.Port, User: user,
		Password: password, KnownHosts: d.KnownHosts(),
		Options: []string{"PreferredAuthentications=password"}, Command: []string{"echo", "via-ssh"}}))
	if code != 0 || out != "via-ssh\n" {
		t.Fatalf("ssh: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	// plink against dropbear.
	out, errOut, code = run(t, PlinkCommand(t, PlinkOptions{Port: d.Port, User: user,
		Password: password, HostKeys: d.PublicHostKeys(), Command: []string{"echo", "via-plink"}}))
	if code != 0 || out != "via-plink\n" {
		t.Fatalf("plink: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestClientsAgainstSSHD runs dbclient and plink with public keys against
// sshd.
func TestClientsAgainstSSHD(t *testing.T) {
	var authorized []string
	keys := map[string]string{}
	for _, kt := range []string{"ed25519", "ecdsa", "rsa"} {
		priv, pub := GenerateKey(t, kt, 0)
		keys[kt] = priv
		authorized = append(authorized, pub)
	}
	s := StartSSHD(t, SSHDOptions{AuthorizedKeys: authorized})
	for kt, priv := range keys {
		out, errOut, code := run(t, DBClientCommand(t, DBClientOptions{Port: s.Port,
			IdentityFile: priv, HostKeys: s.PublicHostKeys(), Command: []string{"echo", "db-" + kt}}))
		if code != 0 || out != "db-"+kt+"\n" {
			t.Errorf("dbclient %s: exit %d, stdout %q, stderr %q", kt, code, out, errOut)
		}
		out, errOut, code = run(t, PlinkCommand(t, PlinkOptions{Port: s.Port,
			IdentityFile: priv, HostKeys: s.PublicHostKeys(), Command: []string{"echo", "plink-" + kt}}))
		if code != 0 || out != "plink-"+kt+"\n" {
			t.Errorf("plink %s: exit %d, stdout %q, stderr %q", kt, code, out, errOut)
		}
	}

	// plink refuses a host whose key matches none of the fingerprints.
	_, wrong := GenerateKey(t, "ed25519", 0)
	_, errOut, code := run(t, PlinkCommand(t, PlinkOptions{Port: s.Port,
		IdentityFile: keys["ed25519"], HostKeys: []string{wrong}, Command: []string{"true"}}))
	if code == 0 || !strings.Contains(errOut, "Host key not in manually configured list") {
		t.Fatalf("plink with an unlisted host key: exit %d, stderr %q", code, errOut)
	}
}
