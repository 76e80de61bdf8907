package sshcli

import (
	"slices"

	"github.com/ssh2go/ssh2/internal/sshconfig"
	"github.com/ssh2go/ssh2/internal/transport"
	"github.com/ssh2go/ssh2/internal/transport/cipher"
	"github.com/ssh2go/ssh2/internal/transport/kex"
	"github.com/ssh2go/ssh2/keys"
)

// The library has no public list of its algorithms yet, so the defaults
// and the names accepted in -o lists come from the transport here.

func kexLists() (defaults, supported []string) {
	return transport.DefaultKexAlgorithms(true), append(kex.Supported(), kex.Insecure()...)
}

func cipherLists() (defaults, supported []string) {
	return cipher.DefaultCiphers(), append(cipher.SupportedCiphers(), cipher.InsecureCiphers()...)
}

func macLists() (defaults, supported []string) {
	return transport.DefaultMACs(true), append(cipher.SupportedMACs(), cipher.InsecureMACs()...)
}

func hostKeyLists() (defaults, supported []string) {
	supported = append(slices.Clone(transport.CertHostKeyAlgorithms), transport.DefaultHostKeyAlgorithms...)
	return transport.DefaultHostKeyAlgorithms, append(supported, keys.SigRSASHA1)
}

func pubkeyLists() (defaults, supported []string) {
	return transport.DefaultPubkeyAlgorithms, append(slices.Clone(transport.DefaultPubkeyAlgorithms), keys.SigRSASHA1)
}

// algorithmList applies an -o/config value to the defaults; "" keeps nil
// (the library's defaults).
func algorithmList(value string, lists func() (defaults, supported []string)) ([]string, error) {
	if value == "" {
		return nil, nil
	}
	def, sup := lists()
	return sshconfig.AlgorithmList(value, def, sup)
}

// preferKnown moves the algorithms of keys already known for the host to
// the front, keeping the default order otherwise, as OpenSSH does when
// HostKeyAlgorithms is not configured: the server then proves a key we
// can check rather than one we would have to learn.
func preferKnown(defaults, known []string) []string {
	var first, rest []string
	for _, a := range defaults {
		if slices.Contains(known, a) {
			first = append(first, a)
		} else {
			rest = append(rest, a)
		}
	}
	return append(first, rest...)
}
