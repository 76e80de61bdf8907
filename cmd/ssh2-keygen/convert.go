package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/ssh2go/ssh2/keys"
)

// importKey implements -i: read a key in a foreign format and print it
// as an OpenSSH public key line.
func (c *cmd) importKey() error {
	path, err := c.identityFile("Enter file in which the key is")
	if err != nil {
		return err
	}
	data, err := readKeyFile(path)
	if err != nil {
		return err
	}
	var pub keys.PublicKey
	switch m := strings.ToUpper(c.opts['m']); m {
	case "", "RFC4716":
		pub, _, err = keys.ParseRFC4716PublicKey(data)
	case "PKCS8", "PEM":
		pub, err = keys.ParsePEMPublicKey(data)
	case "PPK":
		var s keys.Signer
		if s, _, err = c.loadSigner(path, 'P', "Enter passphrase: "); err == nil {
			pub = s.PublicKey()
		}
	default:
		return fatalf("convert_from: unsupported key format %s", c.opts['m'])
	}
	if err != nil {
		if _, ok := err.(*fatalError); ok {
			return err
		}
		return fatalf("%s: %v", path, err)
	}
	fmt.Fprint(c.stdout, string(keys.MarshalAuthorizedKey(pub)))
	return nil
}

// exportKey implements -e: print the public key of a key file in
// RFC 4716, PKIX ("PKCS8") or PEM form, or (our extension, -m PPK) the
// private key as a PuTTY key file, encrypted when -N is given.
func (c *cmd) exportKey() error {
	path, err := c.identityFile("Enter file in which the key is")
	if err != nil {
		return err
	}
	data, err := readKeyFile(path)
	if err != nil {
		return err
	}
	m := strings.ToUpper(c.opts['m'])
	if m == "PPK" {
		s, _, err := c.loadSigner(path, 'P', "Enter passphrase: ")
		if err != nil {
			return err
		}
		out, err := keys.MarshalPPK(s, commentOf(s), []byte(c.opts['N']))
		if err != nil {
			return fatalf("%v", err)
		}
		_, err = c.stdout.Write(out)
		return err
	}
	var pub keys.PublicKey
	if p, _, ok := parsePublicAny(data); ok && !isPrivateFile(data) {
		pub = p
	} else if pd, err := os.ReadFile(path + ".pub"); err == nil && isPrivateFile(data) {
		if p, _, ok := parsePublicAny(pd); ok {
			pub = p
		}
	}
	if pub == nil {
		s, _, err := c.loadSigner(path, 'P', "Enter passphrase: ")
		if err != nil {
			return err
		}
		pub = s.PublicKey()
	}
	var out []byte
	switch m {
	case "", "RFC4716":
		comment := fmt.Sprintf("%d-bit %s, converted by %s from OpenSSH", keys.KeyBits(pub), keys.KeyTypeLabel(pub), defaultComment())
		out = keys.MarshalRFC4716PublicKey(pub, []keys.RFC4716Header{{Tag: "Comment", Value: `"` + comment + `"`}})
	case "PKCS8", "PEM":
		switch pub.Type() {
		case keys.TypeRSA:
			if m == "PEM" {
				out, err = keys.MarshalPKCS1PublicKey(pub)
			} else {
				out, err = keys.MarshalPKIXPublicKey(pub)
			}
		case keys.TypeECDSA256, keys.TypeECDSA384, keys.TypeECDSA521, keys.TypeDSA:
			out, err = keys.MarshalPKIXPublicKey(pub)
		default:
			fn := map[string]string{"PKCS8": "do_convert_to_pkcs8", "PEM": "do_convert_to_pem"}[m]
			return fatalf("%s: unsupported key type %s", fn, keys.KeyTypeLabel(pub))
		}
		if err != nil {
			return fatalf("%v", err)
		}
	default:
		return fatalf("convert_to: unsupported key format %s", c.opts['m'])
	}
	_, err = c.stdout.Write(out)
	return err
}
