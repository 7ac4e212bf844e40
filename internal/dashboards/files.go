package dashboards

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Dir is where the dashboards are committed, relative to the repository root.
const Dir = "examples/grafana"

// Files renders every dashboard for every backend: path under Dir ->
// content.
func Files() (map[string][]byte, error) {
	out := make(map[string][]byte)
	for _, b := range Backends {
		for _, d := range All() {
			data, err := Render(d, b)
			if err != nil {
				return nil, err
			}
			out[filepath.Join(b.String(), d.Name+".json")] = data
		}
	}
	return out, nil
}

// Write writes the rendered dashboards under dir.
func Write(dir string) error {
	files, err := Files()
	if err != nil {
		return err
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Check compares the files under dir with what the definitions render and
// names every file that differs, is missing, or should not be there.
func Check(dir string) error {
	files, err := Files()
	if err != nil {
		return err
	}
	var problems []error
	for _, name := range sortedKeys(files) {
		have, err := os.ReadFile(filepath.Join(dir, name))
		switch {
		case err != nil:
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
		case !bytes.Equal(have, files[name]):
			problems = append(problems, fmt.Errorf("%s differs from what the definitions render", name))
		}
	}
	committed, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil {
		return err
	}
	for _, path := range committed {
		rel, _ := filepath.Rel(dir, path)
		if _, ok := files[rel]; !ok {
			problems = append(problems, fmt.Errorf("%s is not rendered by any definition", rel))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w\nregenerate with: make dashboards", errors.Join(problems...))
	}
	return nil
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
