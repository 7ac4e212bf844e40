package netbackup

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"
)

// Fuzz targets for the state file: whatever bytes it holds (a crash mid
// write on a file system without atomic rename, a hand edit, a file of
// another version), loading never panics; it yields a usable state or an
// error, and what the collectors then save loads again.

const relFuzzServerURL = "https://nbu.invalid:1556"

// relFuzzServer is never contacted: Init does no network, and the fuzz
// targets only load and save state, with every collector.
func relFuzzServer(p *NetBackup) { p.Servers = []string{relFuzzServerURL} }

// relStatefulCollectors lists the server's stateful collectors by name.
func relStatefulCollectors(p *NetBackup) (names []string, byName map[string]statefulCollector) {
	byName = make(map[string]statefulCollector)
	for name, col := range p.servers[0].collectors {
		if s, ok := col.(statefulCollector); ok {
			byName[name] = s
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, byName
}

// relRequireStateRoundTrip: what a collector saves after any load, it loads.
func relRequireStateRoundTrip(t *testing.T, name string, col statefulCollector) {
	saved, err := col.saveState()
	require.NoError(t, err, "%s: saveState after a load", name)
	require.NoError(t, col.loadState(saved), "%s: its own state does not load: %s", name, saved)
}

func FuzzStateFile(f *testing.F) {
	jobs := `{"version":1,"cursor":"2025-03-01T12:00:00Z","floor":"2025-03-01T11:00:00Z",` +
		`"walk":{"from":"2025-03-01T11:55:00Z","until":"2025-03-01T12:01:00Z","by_end_time":false,"after_job_id":4312},` +
		`"seen":{"4310":"2025-03-01T11:59:00.123Z"}}`
	f.Add([]byte(`{"version":1,"servers":{"` + relFuzzServerURL + `/netbackup":{"jobs":` + jobs +
		`,"backup_status":{"version":1,"walk":` + jobs + `,"pairs":[]},"alerts":null}}}`))
	f.Add([]byte(`{"version":1,"servers":{}}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"servers":{"` + relFuzzServerURL + `/netbackup":{"jobs":{"version":1,"walk":{"after_job_id":-1}}}}}`))
	f.Add([]byte(`{"version":1,"servers":{"` + relFuzzServerURL + `/netbackup":{"jobs":{"version":1,"seen":{"x":"y"}}}}}`))
	f.Add([]byte("{\"version\":1,\"servers\":{\"" + relFuzzServerURL + "/netbackup\":{\"jobs\":{\"ver"))
	f.Add([]byte{})

	path := filepath.Join(f.TempDir(), "state.json")
	p := newTestPlugin(f, relFuzzServer, stateFile(path))
	f.Fuzz(func(t *testing.T, data []byte) {
		require.NoError(t, os.WriteFile(path, data, 0o600))
		// The same collectors each time (Init is slow): a collector the
		// file has no entry for keeps an earlier state, which must round
		// trip as well.
		p.servers[0].stateLoaded = false
		var acc testutil.Accumulator
		p.loadStateOnce(&acc)
		require.Empty(t, acc.GetTelegrafMetrics(), "loading emits nothing")
		names, cols := relStatefulCollectors(p)
		for _, name := range names {
			relRequireStateRoundTrip(t, name, cols[name])
		}
	})
}

func FuzzCollectorState(f *testing.F) {
	f.Add([]byte(`{"version":1,"cursor":"2025-03-01T12:00:00Z","floor":"2025-03-01T11:00:00Z","seen":{"1":"2025-03-01T11:59:00Z"}}`))
	f.Add([]byte(`{"version":1,"walk":{"from":"0001-01-01T00:00:00Z","until":"9999-12-31T23:59:59.999999999+14:00","after_job_id":9223372036854775807}}`))
	f.Add([]byte(`{"version":1,"walk":{"version":1},"pairs":[null,{"client":"c","policy_name":"p"}]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"newest":"2025-03-01T12:00:00Z","ids":["a","b"]}`))
	p := newTestPlugin(f, relFuzzServer)
	names, cols := relStatefulCollectors(p)
	require.NotEmpty(f, names)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range names {
			if cols[name].loadState(json.RawMessage(data)) != nil {
				continue
			}
			relRequireStateRoundTrip(t, name, cols[name])
		}
	})
}
