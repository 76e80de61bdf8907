package knownhosts

import (
	"bytes"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte("host1,*.example.com,!x ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGl5TpPzQbmKCFWGbeGqY8gSD1PjtdHBjwwLAWYf5vbw comment\n"))
	f.Add([]byte("|1|JfKTdBh7rNbXkVAQCRp4OQoPfmI=|USECr3SWf1JUPsms5AqfD5QfxkM= ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGl5TpPzQbmKCFWGbeGqY8gSD1PjtdHBjwwLAWYf5vbw\n"))
	f.Add([]byte("@revoked * ssh-ed25519 AAAA\n@cert-authority [h]:22 x y\n# c\n\n"))
	// A host certificate for host1 and the CA that signed it.
	f.Add([]byte("@cert-authority host1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop\n" +
		"host1 ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAAW4AAAAgzswVB9wd3XKVlRwpCIjwla25BE0bc9aW5t8GXWg71PwAAAAAAAAAAAAAAAIAAAABaAAAAAkAAAAFaG9zdDEAAAAAAAAAAP//////////AAAAAAAAAAAAAAAAAAAAMwAAAAtzc2gtZWQyNTUxOQAAACA7aie8zrakLWKjqNAqbw1zZTIVdx3iQ6Y6wEihi1naKQAAAFMAAAALc3NoLWVkMjU1MTkAAABAAzNyiWrfAMDBHftxR0koCoXGeTntajCThbv1RUe3HtOglX5ra9kHrGqPRz/peP/QtNQTdhK9igkofExXaVQwAw==\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, _, err := Parse(bytes.NewReader(data), "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		db := &DB{Entries: entries}
		for _, e := range entries {
			if e.Key == nil {
				t.Fatal("entry without key")
			}
			_ = db.Check("host1", e.Key)
			_ = db.HostKeyAlgorithms("[h]:22")
			_ = db.PreferredHostKeyAlgorithms("host1")
		}
	})
}
