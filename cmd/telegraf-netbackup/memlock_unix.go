//go:build unix

package main

import "golang.org/x/sys/unix"

// lockedMemoryLimit is the soft RLIMIT_MEMLOCK in bytes: what mlock, and so
// Telegraf's protected secrets, may lock. ok is false where it is unknown.
func lockedMemoryLimit() (limit uint64, ok bool) {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_MEMLOCK, &rl); err != nil {
		return 0, false
	}
	return uint64(rl.Cur), true //nolint:unconvert // int64 on some BSDs
}
