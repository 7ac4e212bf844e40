package netbackup

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/influxdata/telegraf"
)

// stateFileVersion changes when the layout of the state file changes.
const stateFileVersion = 1

// maxStateFileBytes bounds the state file: far above what the plugin
// writes (job ids seen within job_overlap, one record per policy and
// client), so that a larger file is not this plugin's and is refused rather
// than read whole.
const maxStateFileBytes = 64 << 20

// stateDocument is the state file: per server URL, per collector, whatever
// that collector's saveState returned.
type stateDocument struct {
	Version int                                   `json:"version"`
	Servers map[string]map[string]json.RawMessage `json:"servers"`
}

func emptyStateDocument() stateDocument {
	return stateDocument{Version: stateFileVersion, Servers: make(map[string]map[string]json.RawMessage)}
}

// stateStore reads and writes the state file. It trusts the file only as
// far as it must: a regular file (never a link, a pipe or a device), of
// bounded size. Writes are atomic (temporary file, fsync, rename), so a
// crash leaves either the old or the new state, and keep the file's mode,
// owner and group.
type stateStore struct {
	path string
	log  telegraf.Logger // may be nil
	lock *stateLock      // held by the process that runs this store (see lockStateFile)

	mu sync.Mutex
	// kept is the document as last read or written: a save writes back the
	// entries of servers and collectors this process does not run.
	kept           stateDocument
	ownerWarningOn bool // said once that the owner or group could not be kept
}

func newStateStore(path string) *stateStore {
	return &stateStore{path: path, kept: emptyStateDocument()}
}

// checkStateFile checks what is at path without opening it: nothing, or a
// regular file of bounded size.
func checkStateFile(path string) (fs.FileInfo, error) {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read state_file %q: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("state_file %q is a %s: it must be a regular file (the plugin neither follows nor replaces anything else); "+
			"point state_file at a file in a directory writable by the plugin's user", path, fileKind(info.Mode()))
	}
	if info.Size() > maxStateFileBytes {
		return nil, fmt.Errorf("state_file %q is %d bytes, more than the %d a state file of this plugin can hold: "+
			"it is not this plugin's file; move it away or point state_file elsewhere", path, info.Size(), maxStateFileBytes)
	}
	return info, nil
}

func fileKind(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeSymlink != 0:
		return "symbolic link"
	case mode&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case mode.IsDir():
		return "directory"
	case mode&fs.ModeSocket != 0:
		return "socket"
	case mode&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// load reads the state file. A missing file is an empty state; an unreadable
// or corrupt one is returned as an empty state together with an error that
// says so, so that the caller reports it and carries on.
func (s *stateStore) load() (stateDocument, error) {
	doc, err := s.read()
	s.mu.Lock()
	s.kept = doc
	s.mu.Unlock()
	return doc, err
}

func (s *stateStore) read() (stateDocument, error) {
	empty := emptyStateDocument()
	info, err := checkStateFile(s.path)
	if err != nil || info == nil {
		if err != nil {
			err = fmt.Errorf("%w; starting without state", err)
		}
		return empty, err
	}
	data, err := readStateFile(s.path, info)
	if errors.Is(err, fs.ErrNotExist) {
		return empty, nil
	}
	if err != nil {
		return empty, fmt.Errorf("%w; starting without state", err)
	}
	var doc stateDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return empty, fmt.Errorf("state_file %q is corrupt, starting without state (it will be replaced): %w", s.path, err)
	}
	if doc.Version != stateFileVersion {
		return empty, fmt.Errorf("state_file %q has version %d, expected %d: starting without state", s.path, doc.Version, stateFileVersion)
	}
	if doc.Servers == nil {
		doc.Servers = empty.Servers
	}
	return doc, nil
}

// readStateFile opens the file without following a link and without
// waiting on a pipe put there since the check, makes sure it is still the
// regular file checked, and reads at most maxStateFileBytes.
func readStateFile(path string, checked fs.FileInfo) ([]byte, error) {
	f, err := os.OpenFile(path, stateOpenFlags, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read state_file %q: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read state_file %q: %w", path, err)
	}
	if !info.Mode().IsRegular() || !os.SameFile(info, checked) {
		return nil, fmt.Errorf("state_file %q changed while it was opened: it must be a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxStateFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read state_file %q: %w", path, err)
	}
	if len(data) > maxStateFileBytes {
		return nil, fmt.Errorf("state_file %q is more than %d bytes: it is not this plugin's file", path, maxStateFileBytes)
	}
	return data, nil
}

// keptEntries is the document as last read or written (not to be changed).
func (s *stateStore) keptEntries() map[string]map[string]json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kept.Servers
}

// save writes the entries given, over the document last read or written:
// the entries of servers and collectors it does not name stay as they were.
// drop names server keys to remove (a server's key from an older layout).
func (s *stateStore) save(entries map[string]map[string]json.RawMessage, drop ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc := emptyStateDocument()
	for server, collectors := range s.kept.Servers {
		doc.Servers[server] = make(map[string]json.RawMessage, len(collectors))
		for name, data := range collectors {
			doc.Servers[server][name] = data
		}
	}
	for _, key := range drop {
		delete(doc.Servers, key)
	}
	for server, collectors := range entries {
		if doc.Servers[server] == nil {
			doc.Servers[server] = make(map[string]json.RawMessage, len(collectors))
		}
		for name, data := range collectors {
			doc.Servers[server][name] = data
		}
	}
	if err := s.write(doc); err != nil {
		return err
	}
	s.kept = doc
	return nil
}

// write replaces the file with doc atomically, keeping the mode, owner and
// group of the file it replaces.
func (s *stateStore) write(doc stateDocument) error {
	data, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	if len(data) > maxStateFileBytes {
		return fmt.Errorf("cannot write state_file %q: the state has grown to %d bytes, more than the %d a state file may hold",
			s.path, len(data), maxStateFileBytes)
	}
	old, err := checkStateFile(s.path)
	if err != nil {
		return err // never replace what is not a regular file of ours
	}
	dir := filepath.Dir(s.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(s.path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write state_file %q: %w", s.path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if old != nil {
		if err := tmp.Chmod(old.Mode().Perm()); err != nil {
			tmp.Close()
			return fmt.Errorf("cannot keep the mode of state_file %q: %w", s.path, err)
		}
		if err := keepOwner(tmp, old); err != nil {
			s.warnOwnerOnce(err)
		}
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write state_file %q: %w", s.path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot sync state_file %q: %w", s.path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write state_file %q: %w", s.path, err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("cannot replace state_file %q: %w", s.path, err)
	}
	// Make the rename itself durable.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// warnOwnerOnce says once that the rewritten file could not keep its owner
// or group (a process may give a file only to a group it belongs to).
func (s *stateStore) warnOwnerOnce(err error) {
	if s.ownerWarningOn || s.log == nil {
		return
	}
	s.ownerWarningOn = true
	s.log.Warnf("state_file %q: %v; the rewritten file belongs to the plugin's user and group: "+
		"give the state file to that user, or run the plugin as its owner", s.path, err)
}
