package sshconfig

import (
	"reflect"
	"testing"
)

func TestAlgorithmList(t *testing.T) {
	def := []string{"a", "b-sha1", "c"}
	sup := []string{"a", "b-sha1", "c", "d", "e"}
	for _, c := range []struct {
		in   string
		want []string
		err  bool
	}{
		{"d,a", []string{"d", "a"}, false},
		{"+d,a", []string{"a", "b-sha1", "c", "d"}, false},
		{"-*sha1", []string{"a", "c"}, false},
		{"^e,c", []string{"e", "c", "a", "b-sha1"}, false},
		{"x", nil, true},
		{"+x", nil, true},
		{"-*", nil, true},
		{"a,,b", nil, true},
		{"", nil, true},
	} {
		got, err := AlgorithmList(c.in, def, sup)
		if (err != nil) != c.err || !reflect.DeepEqual(got, c.want) {
			t.Errorf("AlgorithmList(%q) = %v, %v; want %v (error %v)", c.in, got, err, c.want, c.err)
		}
	}
}
