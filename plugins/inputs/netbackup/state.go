package netbackup

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// stateFileVersion changes when the layout of the state file changes.
const stateFileVersion = 1

// stateDocument is the state file: per server URL, per collector, whatever
// that collector's saveState returned.
type stateDocument struct {
	Version int                                   `json:"version"`
	Servers map[string]map[string]json.RawMessage `json:"servers"`
}

// stateStore reads and writes the state file. Writes are atomic (temporary
// file, fsync, rename), so a crash leaves either the old or the new state.
type stateStore struct {
	path string
}

func newStateStore(path string) *stateStore {
	return &stateStore{path: path}
}

// load reads the state file. A missing file is an empty state; an unreadable
// or corrupt one is returned as an empty state together with an error that
// says so, so that the caller reports it and carries on.
func (s *stateStore) load() (stateDocument, error) {
	empty := stateDocument{Version: stateFileVersion, Servers: make(map[string]map[string]json.RawMessage)}
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return empty, nil
	}
	if err != nil {
		return empty, fmt.Errorf("cannot read state_file %q, starting without state: %w", s.path, err)
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

// save writes the whole document atomically.
func (s *stateStore) save(doc stateDocument) error {
	doc.Version = stateFileVersion
	data, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	dir := filepath.Dir(s.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(s.path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write state_file %q: %w", s.path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
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
