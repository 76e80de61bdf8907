package sshcli

import (
	"strings"
	"testing"
)

func TestAlgorithmLists(t *testing.T) {
	got, err := algorithmList("^aes128-ctr", cipherLists)
	if err != nil || got[0] != "aes128-ctr" {
		t.Errorf("^aes128-ctr: %q %v", got, err)
	}
	if got, err := algorithmList("", cipherLists); got != nil || err != nil {
		t.Errorf("empty: %q %v", got, err)
	}
	if _, err := algorithmList("rot13", cipherLists); err == nil {
		t.Error("unknown cipher accepted")
	}
	got = preferKnown([]string{"a", "b", "c", "d"}, []string{"d", "b"})
	if strings.Join(got, ",") != "b,d,a,c" {
		t.Errorf("preferKnown = %q", got)
	}
}
