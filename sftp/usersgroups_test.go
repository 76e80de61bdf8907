//go:build unix

package sftp

import (
	"context"
	"os/user"
	"slices"
	"testing"
)

// TestUsersGroupsReplyBounded asks our server (DirHandler, packet bound
// 34000) for the names of 8000 ids, all resolving to a name: the names
// take twice the bytes the ids did, more than a packet holds. The reply
// must still fit what the client accepts (also 34000: it would end the
// session otherwise), carrying as many names as fit and "" for the rest,
// one entry per id.
func TestUsersGroupsReplyBounded(t *testing.T) {
	u, err := user.LookupId("0")
	if err != nil {
		t.Skipf("no name for uid 0: %v", err)
	}
	h, err := NewDirHandler(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Release() })
	const limit = 34000
	c := pipePair(t, &Server{Handler: h, MaxPacket: limit}, WithMaxPacket(limit))
	ctx := context.Background()
	uids, gids := make([]uint32, 8000), []uint32{0}
	users, groups, err := c.UsersGroupsByID(ctx, uids, gids)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != len(uids) || len(groups) != len(gids) {
		t.Fatalf("%d users, %d groups for %d and %d ids", len(users), len(groups), len(uids), len(gids))
	}
	room := limit - 13 - 4*(len(uids)+len(gids))
	named := room / len(u.Username)
	if first := slices.Index(users, ""); users[0] != u.Username || first != named {
		t.Fatalf("want the first %d names %q and then \"\", got %d named", named, u.Username, first)
	}
	for _, n := range users[named:] {
		if n != "" {
			t.Fatalf("a name past the first empty one: %q", n)
		}
	}
	// The session goes on.
	if _, err := c.Stat(ctx, "/"); err != nil {
		t.Fatal(err)
	}
	// A few ids still get every name.
	users, groups, err = c.UsersGroupsByID(ctx, []uint32{0, 0}, []uint32{0})
	if err != nil || !slices.Equal(users, []string{u.Username, u.Username}) || len(groups) != 1 || groups[0] == "" {
		t.Fatalf("small request: %q %q %v", users, groups, err)
	}
}

func TestFitNames(t *testing.T) {
	users, groups := []string{"alice", "bob", "carol"}, []string{"staff"}
	// 13 bytes of fields, 4 per name: 29; room for "alice" and "bob".
	u, g, err := fitNames(users, groups, 29+8)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(u, []string{"alice", "bob", ""}) || !slices.Equal(g, []string{""}) {
		t.Fatalf("%q %q", u, g)
	}
	if users[2] != "carol" || groups[0] != "staff" {
		t.Fatalf("the handler's slices changed: %q %q", users, groups)
	}
	if u, g, err := fitNames(users, groups, 1000); err != nil || !slices.Equal(u, users) || !slices.Equal(g, groups) {
		t.Fatalf("everything fits: %q %q %v", u, g, err)
	}
	if _, _, err := fitNames([]string{"a"}, nil, 16); err == nil {
		t.Fatal("no room even for empty names, yet no error")
	}
}
