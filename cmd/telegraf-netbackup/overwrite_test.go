package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/telegraf/plugins/parsers/influx"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// TestProcess_NoPointOverwritesAnother: InfluxDB keys a point by its
// measurement, tags and time, so two points of a gather that share all
// three are one point, the last written. Every collector on, the events
// too, over two gathers (the second one has new anomalies and malware
// scans; the simulator's alerts do not change, alert events are checked by
// the plugin's TestEventsOfOneInstantStayApart): no point may share its key
// with another, in particular running jobs of one policy, client and
// schedule.
func TestProcess_NoPointOverwritesAnother(t *testing.T) {
	start := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	s := startSim(t, nbusim.Config{APIKey: testAPIKey, Jobs: 1500, JobRate: 0.5, Start: start, Seed: 7}, "")
	config := writeFile(t, simConfig(t, []*simServer{s},
		`  api_key = "${NBU_TEST_API_KEY}"`,
		`  alert_events = true`,
		`  anomaly_events = true`,
		`  malware_events = true`,
		`  job_lookback = "2h"`,
		fmt.Sprintf("  state_file = %q", filepath.Join(t.TempDir(), "state.json")),
	))
	points := make(map[string]int) // measurement -> points over both gathers
	for range 2 {
		r := runBinary(t, "-config", config, "-once")
		require.Equal(t, 0, r.code, r.stderr)
		for name, n := range requireNoOverwrite(t, r.stdout) {
			points[name] += n
		}
		s.sim.Advance(24 * time.Hour)
	}
	for _, name := range []string{"netbackup_job_active", "netbackup_anomaly", "netbackup_malware_scan"} {
		require.Greater(t, points[name], 1, "no two %s points to compare: the test misses its subject", name)
	}
}

// requireNoOverwrite fails when two points of lines share measurement, tags
// and time; it returns the points per measurement.
func requireNoOverwrite(t *testing.T, lines string) map[string]int {
	t.Helper()
	parser := &influx.Parser{}
	require.NoError(t, parser.Init())
	metrics, err := parser.Parse([]byte(lines))
	require.NoError(t, err)
	seen := make(map[string]int)
	perName := make(map[string]int)
	var overwritten []string
	for _, m := range metrics {
		perName[m.Name()]++
		tags := make([]string, 0, len(m.TagList()))
		for _, tag := range m.TagList() {
			tags = append(tags, tag.Key+"="+tag.Value)
		}
		slices.Sort(tags)
		key := m.Name() + "," + strings.Join(tags, ",") + " " + m.Time().Format(time.RFC3339Nano)
		if seen[key]++; seen[key] == 2 {
			overwritten = append(overwritten, key)
		}
	}
	if len(overwritten) > 0 {
		t.Fatalf("%d keys hold more than one point, e.g. %q", len(overwritten), overwritten[:min(3, len(overwritten))])
	}
	return perName
}
