package netbackup

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStateStore_RoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	store := newStateStore(path)

	doc, err := store.load()
	require.NoError(t, err, "a missing file is an empty state, not an error")
	require.Empty(t, doc.Servers)

	doc.Servers["https://nbu:1556/netbackup"] = map[string]json.RawMessage{"jobs": json.RawMessage(`{"cursor":"x"}`)}
	require.NoError(t, store.save(doc.Servers))

	again, err := store.load()
	require.NoError(t, err)
	require.JSONEq(t, `{"cursor":"x"}`, string(again.Servers["https://nbu:1556/netbackup"]["jobs"]))

	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file may be left behind")
}

func TestStateStore_CorruptFileIsReportedAndReplaced(t *testing.T) {
	for name, content := range map[string]string{
		"garbage":       "{not json",
		"wrong version": `{"version":99,"servers":{}}`,
		"truncated":     `{"version":1,"servers":{"a":`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
			store := newStateStore(path)

			doc, err := store.load()
			require.ErrorContains(t, err, path)
			require.Empty(t, doc.Servers, "a corrupt file must give an empty state")

			doc.Servers["s"] = map[string]json.RawMessage{"jobs": json.RawMessage(`1`)}
			require.NoError(t, store.save(doc.Servers))
			_, err = store.load()
			require.NoError(t, err, "the corrupt file must have been replaced")
		})
	}
}

func TestStateStore_UnwritableDirectoryIsAnError(t *testing.T) {
	store := newStateStore(filepath.Join(t.TempDir(), "missing-dir", "state.json"))
	err := store.save(nil)
	require.ErrorContains(t, err, "cannot write state_file")
}
