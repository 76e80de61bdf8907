package main

import (
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ssh2go/ssh2/sftp"
)

// cmdLs is "ls [-1aln] [path]", printed as OpenSSH's sftp prints it.
func (sh *shell) cmdLs(args []string) error {
	fl, rest, err := flags(args, "la1n")
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return errors.New("ls: at most one path")
	}
	long, numeric := fl['l'] || fl['n'], fl['n']
	target, shown := sh.cwd, ""
	if len(rest) == 1 {
		target, shown = sh.abs(rest[0]), rest[0]
	}
	fi, err := sh.c.Stat(sh.ctx, target)
	if err != nil {
		return sh.wrap("stat remote file", target, err)
	}
	now := time.Now()
	if !fi.IsDir() {
		switch {
		case long:
			// Like sftp, what the path leads to, under the path's name.
			attrs := []*sftp.Attributes{fi.Sys().(*sftp.Attributes)}
			fmt.Fprintln(sh.stdout, lsLong(shown, attrs[0], sh.owners(attrs, numeric), now))
		case fl['1']:
			fmt.Fprintln(sh.stdout, shown)
		default:
			// sftp sizes the column by the absolute path it globbed.
			sh.lsColumns([]string{shown}, len(target))
		}
		return nil
	}
	ents, err := sh.readDirRaw(target)
	if err != nil {
		return sh.wrap("read directory", target, err)
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name < ents[j].Name })
	var shownEnts []sftp.NameEntry
	var names []string
	longest := 0
	for _, e := range ents {
		if !fl['a'] && strings.HasPrefix(e.Name, ".") {
			continue
		}
		longest = max(longest, len(e.Name))
		name := e.Name
		if shown != "" {
			name = path.Join(shown, name)
		}
		shownEnts = append(shownEnts, e)
		names = append(names, name)
	}
	switch {
	case long && (numeric || sh.c.HasExtension(sftp.ExtUsersGroups)):
		attrs := make([]*sftp.Attributes, len(shownEnts))
		for i := range shownEnts {
			attrs[i] = &shownEnts[i].Attrs
		}
		o := sh.owners(attrs, numeric)
		for i, n := range names {
			fmt.Fprintln(sh.stdout, lsLong(n, attrs[i], o, now))
		}
	case long:
		// Without names for the ids, sftp shows the server's own line.
		for _, e := range shownEnts {
			fmt.Fprintln(sh.stdout, e.LongName)
		}
	case fl['1']:
		for _, n := range names {
			fmt.Fprintln(sh.stdout, n)
		}
	case len(names) > 0:
		// Like sftp, count the named directory and its slash.
		prefix := 0
		if shown != "" {
			prefix = len(strings.TrimSuffix(shown, "/")) + 1
		}
		sh.lsColumns(names, longest+prefix)
	}
	return nil
}

// owners names the owners and groups of files for ls -l.
type owners struct{ users, groups map[uint32]string }

// owners looks up, in one users-groups-by-id request when the server
// offers it, the names of the ids in attrs; with numeric set, or for ids
// the server cannot name, the numbers are shown.
func (sh *shell) owners(attrs []*sftp.Attributes, numeric bool) owners {
	o := owners{map[uint32]string{}, map[uint32]string{}}
	if numeric || !sh.c.HasExtension(sftp.ExtUsersGroups) {
		return o
	}
	var uids, gids []uint32
	for _, a := range attrs {
		if !a.Has(sftp.AttrUIDGID) {
			continue
		}
		if _, ok := o.users[a.UID]; !ok {
			o.users[a.UID] = ""
			uids = append(uids, a.UID)
		}
		if _, ok := o.groups[a.GID]; !ok {
			o.groups[a.GID] = ""
			gids = append(gids, a.GID)
		}
	}
	if len(uids)+len(gids) == 0 {
		return o
	}
	users, groups, err := sh.c.UsersGroupsByID(sh.ctx, uids, gids)
	if err != nil {
		return o // numbers, then
	}
	for i, id := range uids {
		o.users[id] = users[i]
	}
	for i, id := range gids {
		o.groups[id] = groups[i]
	}
	return o
}

// lsLong formats one ls -l line as OpenSSH's sftp does for a remote file
// (its ls_file): mode, "?" for the link count the protocol does not
// carry, owner and group (names, else numbers) in at least 8 columns,
// size, and the modification time with the year instead of the time of
// day when it lies in the future or more than half a year back.
func lsLong(name string, a *sftp.Attributes, o owners, now time.Time) string {
	user, group := o.users[a.UID], o.groups[a.GID]
	if user == "" {
		user = strconv.FormatUint(uint64(a.UID), 10)
	}
	if group == "" {
		group = strconv.FormatUint(uint64(a.GID), 10)
	}
	mt := a.ModTime()
	when := mt.Format("Jan _2  2006")
	if halfYear := 365 * 24 * time.Hour / 2; mt.After(now.Add(-halfYear)) && !mt.After(now) {
		when = mt.Format("Jan _2 15:04")
	}
	return fmt.Sprintf("%s  %3s %-8s %-8s %8d %s %s", sftp.ModeString(a.Mode), "?", user, group, a.Size, when, name)
}

// readDirRaw lists a directory as the server sends it, "." and ".."
// included, as sftp's ls -a shows them.
func (sh *shell) readDirRaw(dir string) ([]sftp.NameEntry, error) {
	d, err := sh.c.OpenDir(sh.ctx, dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var out []sftp.NameEntry
	for {
		batch, err := d.Next(sh.ctx)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, batch...)
	}
}

// lsColumns prints names across the terminal as OpenSSH's sftp does:
// as many columns as names of width+2 fit, each name left-aligned in an
// equal share of the line, rows filled left to right.
func (sh *shell) lsColumns(names []string, width int) {
	columns := max(sh.width/(width+2), 1)
	colspace := min(sh.width/columns, sh.width)
	var b strings.Builder
	for i, n := range names {
		fmt.Fprintf(&b, "%-*s", colspace, n)
		if (i+1)%columns == 0 || i == len(names)-1 {
			b.WriteByte('\n')
		}
	}
	io.WriteString(sh.stdout, b.String())
}
