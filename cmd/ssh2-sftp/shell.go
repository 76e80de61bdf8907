package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/ssh2go/ssh2/sftp"
)

// shell runs sftp commands against one session.
type shell struct {
	c        *sftp.Client
	ctx      context.Context
	cwd      string // remote working directory, absolute
	stdout   io.Writer
	stderr   io.Writer
	batch    bool
	quiet    bool // no per-file messages (-q, or -b)
	progress bool
	width    int // terminal columns for ls
}

// errQuit ends the command loop successfully.
var errQuit = errors.New("quit")

// loop reads and runs commands until EOF or exit. In batch mode the first
// failing command not prefixed with "-" ends the loop with status 1.
func (sh *shell) loop(r *bufio.Reader, interactive bool) int {
	for {
		if interactive {
			fmt.Fprint(sh.stdout, "sftp> ")
		}
		line, err := r.ReadString('\n')
		if line == "" && err != nil {
			if interactive {
				fmt.Fprintln(sh.stdout)
			}
			return 0
		}
		line = strings.TrimSpace(strings.TrimSuffix(line, "\n"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ignoreErr, echo, typed := false, !interactive, line
		for len(line) > 0 && (line[0] == '-' || line[0] == '@') {
			if line[0] == '-' {
				ignoreErr = true
			} else {
				echo = false
			}
			line = line[1:]
		}
		if echo {
			fmt.Fprintf(sh.stdout, "sftp> %s\n", typed) // as typed, prefixes included
		}
		cerr := sh.exec(line)
		if errors.Is(cerr, errQuit) {
			return 0
		}
		if cerr != nil {
			sh.report(cerr)
			if sh.batch && !ignoreErr {
				return 1
			}
		}
	}
}

// report prints a command's error on stderr.
func (sh *shell) report(err error) {
	fmt.Fprintln(sh.stderr, err.Error())
}

// exec runs one command line.
func (sh *shell) exec(line string) error {
	args, err := splitArgs(line)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return nil
	}
	switch args[0] {
	case "get":
		return sh.cmdGet(args)
	case "put":
		return sh.cmdPut(args)
	case "ls", "dir":
		return sh.cmdLs(args)
	case "cd", "chdir":
		return sh.cmdCd(args)
	case "lcd", "lchdir":
		if len(args) != 2 {
			return errors.New("lcd: one directory required")
		}
		return os.Chdir(args[1])
	case "pwd":
		fmt.Fprintf(sh.stdout, "Remote working directory: %s\n", sh.cwd)
		return nil
	case "lpwd":
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		fmt.Fprintf(sh.stdout, "Local working directory: %s\n", wd)
		return nil
	case "lmkdir":
		if len(args) != 2 {
			return errors.New("lmkdir: one path required")
		}
		if err := os.Mkdir(args[1], 0o777); err != nil {
			return failf("Couldn't create local directory %q: %v", args[1], unwrapPath(err))
		}
		return nil
	case "version":
		fmt.Fprintf(sh.stdout, "SFTP protocol version %d\n", sh.c.ServerVersion())
		return nil
	case "mkdir":
		if len(args) != 2 {
			return errors.New("mkdir: one path required")
		}
		return sh.wrap("mkdir", args[1], sh.c.Mkdir(sh.ctx, sh.abs(args[1]), 0o777))
	case "rmdir":
		if len(args) != 2 {
			return errors.New("rmdir: one path required")
		}
		return sh.wrap("rmdir", args[1], sh.c.Rmdir(sh.ctx, sh.abs(args[1])))
	case "rm":
		return sh.cmdRm(args)
	case "rename":
		if len(args) != 3 {
			return errors.New("rename: two paths required")
		}
		return sh.wrap("rename", args[1], sh.c.Rename(sh.ctx, sh.abs(args[1]), sh.abs(args[2])))
	case "ln", "symlink":
		return sh.cmdLn(args)
	case "chmod":
		return sh.cmdChmod(args)
	case "df":
		return sh.cmdDf(args)
	case "exit", "quit", "bye":
		return errQuit
	case "help", "?":
		fmt.Fprint(sh.stdout, helpText)
		return nil
	}
	return failf("Invalid command %q.", args[0])
}

const helpText = `Available commands:
bye                                Quit sftp
cd path                            Change remote directory to 'path'
chmod mode path                    Change permissions of file 'path' to 'mode'
df [-h] [path]                     Display statistics for current directory or
                                   filesystem containing 'path'
exit                               Quit sftp
get [-pr] remote [local]           Download file
help                               Display this help text
lcd path                           Change local directory to 'path'
ln [-s] oldpath newpath            Link remote file (-s for symlink)
lpwd                               Print local working directory
ls [-1aln] [path]                  Display remote directory listing
mkdir path                         Create remote directory
put [-pr] local [remote]           Upload file
pwd                                Display remote working directory
quit                               Quit sftp
rename oldpath newpath             Rename remote file
rm path                            Delete remote file
rmdir path                         Remove remote directory
?                                  Synonym for help
`

// abs resolves a remote path against the working directory; "~" and
// "~user" prefixes are expanded by the server when it offers
// expand-path@openssh.com.
func (sh *shell) abs(p string) string {
	if strings.HasPrefix(p, "~") && sh.c.HasExtension(sftp.ExtExpandPath) {
		if e, err := sh.c.ExpandPath(sh.ctx, p); err == nil && path.IsAbs(e) {
			return path.Clean(e)
		}
	}
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(sh.cwd, p)
}

// wrap words an error the way sftp does: "Couldn't <op> "path": reason".
func (sh *shell) wrap(op, p string, err error) error {
	if err == nil {
		return nil
	}
	return failf("Couldn't %s %q: %w", op, sh.abs(p), reason(err))
}

// reason is the server's message for a status error.
func reason(err error) error {
	var se *sftp.StatusError
	if errors.As(err, &se) && se.Message != "" {
		return errors.New(se.Message)
	}
	return err
}

// flags splits leading single-letter options (-r, -p, -l, ...) from args,
// accepting only the letters in allowed.
func flags(args []string, allowed string) (map[byte]bool, []string, error) {
	set := map[byte]bool{}
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		for j := 1; j < len(a); j++ {
			if strings.IndexByte(allowed, a[j]) < 0 {
				return nil, nil, fmt.Errorf("%s: Invalid flag -%c", args[0], a[j])
			}
			set[a[j]] = true
		}
	}
	return set, args[i:], nil
}

// glob expands a remote pattern; a pattern without magic is returned as
// is, so a missing file is reported by the operation.
func (sh *shell) glob(p string) ([]string, error) {
	abs := sh.abs(p)
	if !strings.ContainsAny(p, "*?[") {
		return []string{abs}, nil
	}
	m, err := sh.c.Glob(sh.ctx, abs)
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, failf("File %q not found.", abs)
	}
	return m, nil
}

func (sh *shell) cmdCd(args []string) error {
	if len(args) > 2 {
		return errors.New("cd: one directory required")
	}
	p := "~"
	if len(args) == 2 {
		p = args[1]
	}
	var dir string
	var err error
	if p == "~" {
		dir, err = sh.c.RealPath(sh.ctx, ".")
	} else {
		dir, err = sh.c.RealPath(sh.ctx, sh.abs(p))
	}
	if err != nil {
		return sh.wrap("canonicalize path", p, err)
	}
	fi, err := sh.c.Stat(sh.ctx, dir)
	if err != nil {
		return sh.wrap("stat remote file", dir, err)
	}
	if !fi.IsDir() {
		return failf("Can't change directory: %q is not a directory", dir)
	}
	sh.cwd = dir
	return nil
}

func (sh *shell) cmdRm(args []string) error {
	if len(args) != 2 {
		return errors.New("rm: one path required")
	}
	names, err := sh.glob(args[1])
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := sh.c.Remove(sh.ctx, n); err != nil {
			return sh.wrap("delete remote file", n, err)
		}
		if !sh.quiet {
			fmt.Fprintf(sh.stdout, "Removing %s\n", n)
		}
	}
	return nil
}

func (sh *shell) cmdLn(args []string) error {
	fl, rest, err := flags(args, "s")
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return errors.New("ln: two paths required")
	}
	if fl['s'] {
		// The target is stored as given, relative or not.
		return sh.wrap("symlink", rest[1], sh.c.Symlink(sh.ctx, rest[0], sh.abs(rest[1])))
	}
	return sh.wrap("link", rest[1], sh.c.Link(sh.ctx, sh.abs(rest[0]), sh.abs(rest[1])))
}

func (sh *shell) cmdChmod(args []string) error {
	if len(args) != 3 {
		return errors.New("chmod: mode and path required")
	}
	m, err := strconv.ParseUint(args[1], 8, 32)
	if err != nil || m > 0o7777 {
		return failf("You must supply a numeric argument to the chmod command.")
	}
	names, err := sh.glob(args[2])
	if err != nil {
		return err
	}
	for _, n := range names {
		if !sh.quiet {
			fmt.Fprintf(sh.stdout, "Changing mode on %s\n", n)
		}
		if err := sh.c.Setstat(sh.ctx, n, &sftp.Attributes{Flags: sftp.AttrPermissions, Mode: uint32(m)}); err != nil {
			return sh.wrap("setstat on", n, err)
		}
	}
	return nil
}

func (sh *shell) cmdDf(args []string) error {
	fl, rest, err := flags(args, "hi")
	if err != nil {
		return err
	}
	target := sh.cwd
	if len(rest) == 1 {
		target = sh.abs(rest[0])
	} else if len(rest) > 1 {
		return errors.New("df: at most one path")
	}
	if !sh.c.HasExtension(sftp.ExtStatVFS) {
		return failf("Server does not support statvfs@openssh.com extension")
	}
	st, err := sh.c.StatVFS(sh.ctx, target)
	if err != nil {
		return sh.wrap("statvfs", target, err)
	}
	total, avail := st.TotalSpace(), st.BlocksAvail*st.FragmentSize
	used := (st.Blocks - st.BlocksFree) * st.FragmentSize
	pct := uint64(0)
	if total > 0 {
		pct = 100 * used / total
	}
	if fl['i'] {
		fmt.Fprintf(sh.stdout, "%12s %12s %12s %12s %6s\n", "Inodes", "Used", "Avail", "(root)", "%Capacity")
		iu := st.Files - st.FilesFree
		ip := uint64(0)
		if st.Files > 0 {
			ip = 100 * iu / st.Files
		}
		fmt.Fprintf(sh.stdout, "%12d %12d %12d %12d %5d%%\n", st.Files, iu, st.FilesAvail, st.FilesFree, ip)
		return nil
	}
	if fl['h'] {
		fmt.Fprintf(sh.stdout, "%10s %10s %10s %10s %6s\n", "Size", "Used", "Avail", "(root)", "%Capacity")
		fmt.Fprintf(sh.stdout, "%10s %10s %10s %10s %5d%%\n", human(total), human(used), human(avail),
			human(st.BlocksFree*st.FragmentSize), pct)
		return nil
	}
	fmt.Fprintf(sh.stdout, "%12s %12s %12s %12s %6s\n", "Size", "Used", "Avail", "(root)", "%Capacity")
	fmt.Fprintf(sh.stdout, "%12d %12d %12d %12d %5d%%\n", total/1024, used/1024, avail/1024,
		st.BlocksFree*st.FragmentSize/1024, pct)
	return nil
}

// human formats a byte count with a binary unit, as df -h.
func human(n uint64) string {
	const units = "BKMGTPE"
	f := float64(n)
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%dB", n)
	}
	return fmt.Sprintf("%.1f%c", f, units[i])
}

// splitArgs splits a command line into words, honouring single and
// double quotes and backslash escapes.
func splitArgs(line string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			} else if ch == '\\' && quote == '"' && i+1 < len(line) {
				i++
				cur.WriteByte(line[i])
			} else {
				cur.WriteByte(ch)
			}
		case ch == '\'' || ch == '"':
			quote, inWord = ch, true
		case ch == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			inWord = true
		case ch == ' ' || ch == '\t':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, failf("Unterminated quote")
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

// failf builds a command's error message, worded (and capitalised) as
// OpenSSH's sftp words it, since it is shown to the user as is.
func failf(format string, a ...any) error { return fmt.Errorf(format, a...) }

// unwrapPath drops the operation and path of a *fs.PathError, which the
// message already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
