//go:build !unix && !windows

package netbackup

import "os"

func openLockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
}

// tryLock: this platform offers no file lock the plugin can use.
func tryLock(*os.File) error { return nil }

func unlock(*os.File) error { return nil }
