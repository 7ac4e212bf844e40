package netbackup

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Two processes writing one state file erase each other's progress: each
// saves what it knows, and the jobs the other one emitted are emitted again.
// A process therefore holds an exclusive lock on <state_file>.lock for as
// long as it runs, taken in Init: a second process refuses to start, with
// an error that names the file and the process holding it. The operating
// system releases the lock when the process ends, however it ends, so a
// crash leaves no stale lock. The lock file is never removed: removing it
// while another process opens it would let two processes hold "the" lock.

// errLocked says that another process (or instance) holds the lock.
var errLocked = errors.New("locked")

// stateLock is the held lock of one state file.
type stateLock struct {
	file *os.File
}

// lockPath is the lock file of a state file.
func lockPath(statePath string) string { return statePath + ".lock" }

// lockStateFile takes the lock of statePath, or says who holds it.
func lockStateFile(statePath string) (*stateLock, error) {
	path := lockPath(statePath)
	f, err := openLockFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open the lock file of state_file %q: %w", statePath, err)
	}
	if err := tryLock(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("state_file %q is in use by %s (it holds %s): two processes sharing a state file "+
				"would erase each other's progress and report jobs twice; give each its own state_file", statePath, lockHolder(path), path)
		}
		return nil, fmt.Errorf("cannot lock state_file %q (lock file %s): %w", statePath, path, err)
	}
	host, _ := os.Hostname()
	note := fmt.Sprintf("pid %d\nhost %s\nsince %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(note), 0)
	}
	return &stateLock{file: f}, nil
}

// release gives the lock up.
func (l *stateLock) release() {
	if l == nil || l.file == nil {
		return
	}
	_ = unlock(l.file)
	_ = l.file.Close()
	l.file = nil
}

// lockHolder describes the holder from what it wrote into the lock file.
func lockHolder(path string) string {
	f, err := os.OpenFile(path, stateOpenFlags, 0)
	if err != nil {
		return "another process"
	}
	defer f.Close()
	var pid, host, since string
	scanner := bufio.NewScanner(io.LimitReader(f, 4096))
	for scanner.Scan() {
		key, value, _ := strings.Cut(scanner.Text(), " ")
		switch key {
		case "pid":
			pid = value
		case "host":
			host = value
		case "since":
			since = value
		}
	}
	if _, err := strconv.Atoi(pid); err != nil {
		return "another process"
	}
	me, _ := os.Hostname()
	if pid == strconv.Itoa(os.Getpid()) && host == me {
		return fmt.Sprintf("another [[inputs.netbackup]] of this process (pid %s)", pid)
	}
	text := "process pid " + pid
	if host != "" {
		text += " on host " + host
	}
	if since != "" {
		text += ", running since " + since
	}
	return text
}
