//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// scenario is one Telegraf run against a fresh simulator, writing into its
// own InfluxDB database.
type scenario struct {
	tools    tools
	db       *influxDB
	sim      *simServer
	apiKey   string
	database string
	dir      string
	plugin   pluginOptions
	telegraf telegrafOptions
	run      *telegrafRun
}

// newScenario prepares (but does not start) a run. adjust may change the
// options before the config files are written.
func newScenario(t *testing.T, tl tools, db *influxDB, name string) *scenario {
	t.Helper()
	return newScenarioWith(t, tl, db, name, func(*nbusim.Config) {})
}

// newScenarioWith is newScenario with the simulator's configuration adjusted.
func newScenarioWith(t *testing.T, tl tools, db *influxDB, name string, adjust func(*nbusim.Config)) *scenario {
	t.Helper()
	s := &scenario{tools: tl, db: db, apiKey: newAPIKey(t), database: "nbu_" + name, dir: t.TempDir()}
	s.sim = startSimulatorWith(t, s.apiKey, adjust)
	s.plugin = pluginOptions{
		Server:           s.sim.URL,
		CAFile:           s.sim.CAFile,
		StateFile:        filepath.Join(s.dir, "netbackup-state.json"),
		JobLookback:      jobLookback,
		RetryWaitTime:    time.Second,
		RetryMaxWaitTime: 5 * time.Second,
	}
	pluginConf := filepath.Join(s.dir, "netbackup.toml")
	s.telegraf = telegrafOptions{
		Command:     []string{tl.plugin, "-config", pluginConf, "-poll_interval_disabled"},
		Environment: []string{"NETBACKUP_API_KEY=" + s.apiKey},
		InfluxURL:   db.URL,
		Database:    s.database,
	}
	return s
}

// start writes the plugin config and starts Telegraf.
func (s *scenario) start(t *testing.T) {
	t.Helper()
	applyBreak(t, s)
	renderTemplate(t, filepath.Join(s.dir, "netbackup.toml"), pluginConfTemplate, s.plugin)
	s.run = startTelegraf(t, s.tools.telegraf, s.dir, s.telegraf)
}

// gathers is the number of gathers flushed to InfluxDB so far: each gather
// of the server ends with one netbackup_api point.
func (s *scenario) gathers(t *testing.T) int64 {
	t.Helper()
	if !s.databaseExists(t) {
		return 0
	}
	return s.db.count(t, s.database, "netbackup_api", "up")
}

func (s *scenario) databaseExists(t *testing.T) bool {
	for _, series := range s.db.query(t, "", "SHOW DATABASES") {
		for _, v := range series.Values {
			if v[0] == s.database {
				return true
			}
		}
	}
	return false
}

// waitGathers waits until n more gathers have reached InfluxDB. Waiting for
// two after a change of the simulator guarantees that one whole gather began
// after it and was flushed.
func (s *scenario) waitGathers(t *testing.T, n int64) {
	t.Helper()
	target := s.gathers(t) + n
	ok := waitUntil(90*time.Second, func() bool { return !s.run.running() || s.gathers(t) >= target })
	require.True(t, s.run.running(), "Telegraf exited (%v); log tail:\n%s", s.run.waitErr, tail(s.run.logs(), 40))
	require.True(t, ok, "no new gather reached InfluxDB within 90s (%d of %d netbackup_api points); log tail:\n%s",
		s.gathers(t), target, tail(s.run.logs(), 40))
}

// advanceClock moves the simulator's clock and waits until a gather that saw
// the new time has been flushed.
func (s *scenario) advanceClock(t *testing.T, d time.Duration) {
	t.Helper()
	s.sim.Advance(d)
	s.waitGathers(t, 2)
}

// finishedJobs is the simulator's record of the jobs the plugin must have
// emitted: those ending after the first gather's lookback bound (the clock
// stood at Start during the first gather) up to now.
func (s *scenario) finishedJobs() []int64 {
	return s.sim.FinishedJobIDs(s.sim.Start.Add(-jobLookback), s.sim.Now())
}

// jobIDsInDB returns every job_id of netbackup_job in InfluxDB, one per point.
func (s *scenario) jobIDsInDB(t *testing.T) []int64 {
	t.Helper()
	var ids []int64
	for _, series := range s.db.query(t, s.database, `SELECT "job_id" FROM "netbackup_job"`) {
		for _, v := range series.Values {
			id, err := v[1].(json.Number).Int64()
			require.NoError(t, err)
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// requireExactlyOnce compares the netbackup_job points with the simulator's
// record: same count, no job missing, none twice.
func (s *scenario) requireExactlyOnce(t *testing.T) {
	t.Helper()
	want := s.finishedJobs()
	require.NotEmpty(t, want, "the simulator finished no job in the window: the check would be empty")
	count := s.db.count(t, s.database, "netbackup_job", "job_id")
	got := s.jobIDsInDB(t)
	missing, extra, dup := diffIDs(want, got)
	require.Truef(t, len(missing) == 0 && len(extra) == 0 && len(dup) == 0 && count == int64(len(want)),
		"netbackup_job in InfluxDB does not match the simulator's finished jobs:\n"+
			"  count(job_id) = %d, simulator finished %d jobs in (%s, %s]\n"+
			"  missing job ids: %v\n  unexpected job ids: %v\n  job ids stored twice: %v",
		count, len(want), s.sim.Start.Add(-jobLookback).Format(time.RFC3339), s.sim.Now().Format(time.RFC3339),
		head(missing), head(extra), head(dup))
}

// diffIDs compares two ascending id lists.
func diffIDs(want, got []int64) (missing, extra, dup []int64) {
	wantSet := make(map[int64]bool, len(want))
	for _, id := range want {
		wantSet[id] = true
	}
	seen := make(map[int64]bool, len(got))
	for _, id := range got {
		if seen[id] {
			dup = append(dup, id)
		}
		seen[id] = true
		if !wantSet[id] {
			extra = append(extra, id)
		}
	}
	for _, id := range want {
		if !seen[id] {
			missing = append(missing, id)
		}
	}
	return missing, extra, dup
}

func head(ids []int64) string {
	if len(ids) > 20 {
		return fmt.Sprintf("%v ... (%d in all)", ids[:20], len(ids))
	}
	return fmt.Sprint(ids)
}

// requireNoSecret fails when the API key appears in Telegraf's logs, in the
// metrics written by outputs.file, in InfluxDB or in the state file.
func (s *scenario) requireNoSecret(t *testing.T) {
	t.Helper()
	places := map[string]string{
		"Telegraf log file":        readFileOr(s.run.logFile),
		"Telegraf stdout/stderr":   readFileOr(s.run.stdioFile),
		"outputs.file metrics":     readFileOr(s.run.outputFile),
		"InfluxDB dump (series)":   s.dump(t, "SHOW SERIES"),
		"InfluxDB dump (points)":   s.dump(t, `SELECT * FROM /.*/`),
		"InfluxDB dump (tag keys)": s.dump(t, "SHOW TAG KEYS"),
	}
	if s.plugin.StateFile != "" {
		places["state file"] = readFileOr(s.plugin.StateFile)
	}
	require.NotEmpty(t, places["outputs.file metrics"], "outputs.file wrote nothing: the secret check would be empty")
	for where, text := range places {
		if i := strings.Index(text, s.apiKey); i >= 0 {
			start := max(0, i-200)
			t.Errorf("the API key appears in the %s: ...%s...", where, text[start:min(len(text), i+len(s.apiKey)+50)])
		}
	}
}

func (s *scenario) dump(t *testing.T, q string) string {
	t.Helper()
	body, err := s.db.queryRaw(s.database, q)
	require.NoError(t, err, "InfluxQL %q", q)
	return body
}
