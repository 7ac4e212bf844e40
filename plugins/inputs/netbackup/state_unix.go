//go:build unix

package netbackup

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// stateOpenFlags read the state file without following a symbolic link and
// without waiting for a writer should a named pipe be there.
const stateOpenFlags = os.O_RDONLY | syscall.O_NOFOLLOW | syscall.O_NONBLOCK | syscall.O_CLOEXEC

// keepOwner gives the new state file the owner and group of the old one:
// root rewriting the file of Telegraf's user must leave it to that user.
func keepOwner(f *os.File, old fs.FileInfo) error {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	uid, gid := int(st.Uid), int(st.Gid)
	if err := f.Chown(uid, gid); err == nil {
		return nil
	}
	// Not root: a process may keep only the group, and only one it is in.
	if err := f.Chown(-1, gid); err != nil {
		return fmt.Errorf("cannot keep its owner %d and group %d: %w", uid, gid, err)
	}
	if uid != os.Geteuid() {
		return fmt.Errorf("cannot keep its owner %d (its group %d is kept)", uid, gid)
	}
	return nil
}
