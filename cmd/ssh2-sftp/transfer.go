package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/ssh2go/ssh2/sftp"
)

// cmdGet is "get [-r] [-p] remote [local]".
func (sh *shell) cmdGet(args []string) error {
	fl, rest, err := flags(args, "rpPaf")
	if err != nil {
		return err
	}
	if len(rest) < 1 || len(rest) > 2 {
		return errors.New("get: remote path required, local path optional")
	}
	names, err := sh.glob(rest[0])
	if err != nil {
		return err
	}
	local, target := ".", ""
	if len(rest) == 2 {
		local = rest[1]
	}
	if fi, err := os.Stat(local); err == nil && fi.IsDir() {
		target = local
	} else if len(names) > 1 {
		return failf("Multiple source paths, but destination %q is not a directory", local)
	}
	preserve := fl['p'] || fl['P']
	for _, n := range names {
		dst := local
		if target != "" {
			dst = filepath.Join(target, path.Base(n))
		}
		fi, err := sh.c.Stat(sh.ctx, n)
		if err != nil {
			return sh.wrap("stat remote file", n, err)
		}
		if fi.IsDir() {
			if !fl['r'] {
				return failf("Cannot download non-regular file: %s", n)
			}
			if err := sh.getDir(n, dst, preserve); err != nil {
				return err
			}
			continue
		}
		if err := sh.getFile(n, dst, preserve); err != nil {
			return err
		}
	}
	return nil
}

func (sh *shell) getFile(remote, local string, preserve bool) error {
	if !sh.quiet {
		fmt.Fprintf(sh.stdout, "Fetching %s to %s\n", remote, local)
	}
	opts := &sftp.TransferOptions{Preserve: preserve}
	bar := sh.bar(path.Base(remote))
	if bar != nil {
		opts.Progress = bar.update
	}
	_, err := sh.c.Download(sh.ctx, remote, local, opts)
	bar.done(err)
	if err != nil {
		return failf("Couldn't fetch %q to %q: %w", remote, local, reason(err))
	}
	return nil
}

// getDir copies the remote tree at remote to the local directory local.
// With preserve, directories get their remote modes and times too, once
// their contents are in (writing them changes the times).
func (sh *shell) getDir(remote, local string, preserve bool) error {
	type dir struct {
		path string
		fi   fs.FileInfo
	}
	var dirs []dir // in walk order: parents before children
	err := sh.c.WalkDir(sh.ctx, remote, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return sh.wrap("read directory", p, err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, remote), "/")
		dst := filepath.Join(local, filepath.FromSlash(rel))
		switch {
		case d.IsDir():
			if err := os.Mkdir(dst, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			if preserve {
				if fi, err := d.Info(); err == nil {
					dirs = append(dirs, dir{dst, fi})
				}
			}
			return nil
		case d.Type().IsRegular():
			return sh.getFile(p, dst, preserve)
		default:
			fmt.Fprintf(sh.stderr, "download %q: not a regular file\n", p)
			return nil
		}
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		d := dirs[i]
		atime := d.fi.ModTime()
		if a, ok := d.fi.Sys().(*sftp.Attributes); ok && a.Has(sftp.AttrACModTime) {
			atime = a.AccessTime()
		}
		if err := os.Chmod(d.path, d.fi.Mode().Perm()); err != nil {
			fmt.Fprintf(sh.stderr, "Can't set mode on %q: %v\n", d.path, unwrapPath(err))
		}
		if err := os.Chtimes(d.path, atime, d.fi.ModTime()); err != nil {
			fmt.Fprintf(sh.stderr, "Can't set times on %q: %v\n", d.path, unwrapPath(err))
		}
	}
	return err
}

// cmdPut is "put [-r] [-p] local [remote]".
func (sh *shell) cmdPut(args []string) error {
	fl, rest, err := flags(args, "rpPaf")
	if err != nil {
		return err
	}
	if len(rest) < 1 || len(rest) > 2 {
		return errors.New("put: local path required, remote path optional")
	}
	names := []string{rest[0]}
	if strings.ContainsAny(rest[0], "*?[") {
		if names, err = filepath.Glob(rest[0]); err != nil || len(names) == 0 {
			return failf("File %q not found.", rest[0])
		}
	}
	remote, target := sh.cwd, ""
	if len(rest) == 2 {
		remote = sh.abs(rest[1])
	}
	if fi, err := sh.c.Stat(sh.ctx, remote); err == nil && fi.IsDir() {
		target = remote
	} else if len(names) > 1 {
		return failf("Multiple paths match, but destination %q is not a directory", remote)
	}
	preserve := fl['p'] || fl['P']
	for _, n := range names {
		dst := remote
		if target != "" {
			dst = path.Join(target, filepath.Base(n))
		}
		fi, err := os.Stat(n)
		if err != nil {
			return fmt.Errorf("stat local %q: %w", n, err)
		}
		if fi.IsDir() {
			if !fl['r'] {
				return failf("Skipping non-regular file %s", n)
			}
			if err := sh.putDir(n, dst, preserve); err != nil {
				return err
			}
			continue
		}
		if err := sh.putFile(n, dst, preserve); err != nil {
			return err
		}
	}
	return nil
}

func (sh *shell) putFile(local, remote string, preserve bool) error {
	if !sh.quiet {
		fmt.Fprintf(sh.stdout, "Uploading %s to %s\n", local, remote)
	}
	opts := &sftp.TransferOptions{Preserve: preserve}
	bar := sh.bar(filepath.Base(local))
	if bar != nil {
		opts.Progress = bar.update
	}
	_, err := sh.c.Upload(sh.ctx, local, remote, opts)
	bar.done(err)
	if err != nil {
		return failf("Couldn't upload %q to %q: %w", local, remote, reason(err))
	}
	return nil
}

// putDir copies the local tree at local to the remote directory remote.
func (sh *shell) putDir(local, remote string, preserve bool) error {
	return filepath.WalkDir(local, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(local, p)
		if err != nil {
			return err
		}
		dst := path.Join(remote, filepath.ToSlash(rel))
		switch {
		case d.IsDir():
			if err := sh.c.Mkdir(sh.ctx, dst, 0o755); err != nil {
				if fi, serr := sh.c.Stat(sh.ctx, dst); serr != nil || !fi.IsDir() {
					return sh.wrap("mkdir", dst, err)
				}
			}
			if preserve {
				if fi, err := d.Info(); err == nil {
					_ = sh.c.Chmod(sh.ctx, dst, fi.Mode().Perm())
				}
			}
			return nil
		case d.Type().IsRegular():
			return sh.putFile(p, dst, preserve)
		default:
			fmt.Fprintf(sh.stderr, "Skipping non-regular file %s\n", p)
			return nil
		}
	})
}

// progressBar draws one transfer's progress on a terminal.
type progressBar struct {
	sh    *shell
	name  string
	start time.Time
	last  time.Time
	bytes int64
	total int64
}

// bar returns a progress bar for a transfer, or nil when stdout is not a
// terminal. A nil bar's methods do nothing.
func (sh *shell) bar(name string) *progressBar {
	if !sh.progress {
		return nil
	}
	now := time.Now()
	return &progressBar{sh: sh, name: name, start: now, total: -1}
}

func (b *progressBar) update(done, total int64) {
	b.bytes, b.total = done, total
	now := time.Now()
	if now.Sub(b.last) < 200*time.Millisecond && done != total {
		return
	}
	b.last = now
	b.draw(now)
}

func (b *progressBar) draw(now time.Time) {
	pct := 100
	if b.total > 0 {
		pct = int(b.bytes * 100 / b.total)
	}
	el := now.Sub(b.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(b.bytes) / el
	}
	name := b.name
	if len(name) > 40 {
		name = name[:40]
	}
	fmt.Fprintf(b.sh.stdout, "\r%-40s %3d%% %9s %9s/s", name, pct, human(uint64(b.bytes)), human(uint64(rate)))
}

func (b *progressBar) done(err error) {
	if b == nil {
		return
	}
	if err == nil {
		if b.total >= 0 {
			b.bytes = b.total
		}
		b.draw(time.Now())
	}
	fmt.Fprintln(b.sh.stdout)
}
