//go:build !unix

package netbackup

import (
	"io/fs"
	"os"
)

// stateOpenFlags: opening a file does not follow a link or block on a pipe
// here; checkStateFile has refused anything but a regular file.
const stateOpenFlags = os.O_RDONLY

// keepOwner: file ownership is not a Unix owner and group here, and the
// file's access rules come from its directory.
func keepOwner(*os.File, fs.FileInfo) error { return nil }
