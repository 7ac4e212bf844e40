package netbackup

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

type anomalyCountsByKey map[anomalyKey][2]int64 // count, new_count

func anomalyCountsOf(t *testing.T, acc *testutil.Accumulator) anomalyCountsByKey {
	t.Helper()
	out := make(anomalyCountsByKey)
	for _, m := range metricsNamed(acc, "netbackup_anomalies") {
		key := anomalyKey{m.Tags["severity"], m.Tags["status"]}
		_, dup := out[key]
		require.False(t, dup, "%v twice", key)
		out[key] = [2]int64{m.Fields["count"].(int64), m.Fields["new_count"].(int64)}
	}
	return out
}

func anomalyEventIDs(acc *testutil.Accumulator) []string {
	var ids []string
	for _, m := range metricsNamed(acc, "netbackup_anomaly") {
		ids = append(ids, m.Fields["anomaly_id"].(string))
	}
	sort.Strings(ids)
	return ids
}

// simAnomalies reads the simulator's anomalies detected up to its clock
// (its dataset holds later ones too), by id.
func simAnomalies(sim *nbusim.Simulator) map[string]nbusim.Anomaly {
	out := make(map[string]nbusim.Anomaly)
	now := sim.Now()
	for _, a := range sim.AnomaliesData() {
		if created, err := time.Parse(time.RFC3339Nano, a.CreatedDateTime); err == nil && !created.After(now) {
			out[a.ID] = a
		}
	}
	return out
}

// The counts equal the simulator's anomalies; the first gather sets the
// baseline; anomalies detected later are new exactly once, with one event
// each carrying what an operator needs.
func TestAnomaliesMatchSimulatorAndNewOnce(t *testing.T) {
	env := startSim(t, nbusim.Config{Anomalies: 150}) // more than one page
	sim := env.sim
	p := newTestPlugin(t, on(env), collect("anomalies"), func(p *NetBackup) { p.AnomalyEvents = true })

	want := anomalyCountsByKey{{"HIGH", "NOT_REVIEWED"}: {}, {"MEDIUM", "NOT_REVIEWED"}: {}, {"LOW", "NOT_REVIEWED"}: {}}
	for _, a := range simAnomalies(sim) {
		key := anomalyKey{a.AnomalySeverity, a.AnomalyStatus}
		c := want[key]
		c[0]++
		want[key] = c
	}
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	require.Equal(t, want, anomalyCountsOf(t, acc))
	require.Len(t, want, 12, "every severity in every review status")
	require.Empty(t, anomalyEventIDs(acc), "the first gather only sets the baseline")
	requests := requestsTo(sim, anomaliesPath)
	require.Len(t, requests, 2, "150 anomalies: two pages of the documented maximum")
	for _, r := range requests {
		require.Contains(t, r.RawQuery, "page%5Blimit%5D=100")
		require.Contains(t, r.RawQuery, "sort=createdDateTime", "oldest first")
	}

	before := simAnomalies(sim)
	sim.Advance(13 * time.Hour) // three more: 30 min after the start, then every 6 h
	var fresh []string
	for id := range simAnomalies(sim) {
		if _, ok := before[id]; !ok {
			fresh = append(fresh, id)
		}
	}
	sort.Strings(fresh)
	require.Len(t, fresh, 3)

	acc = gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	var newTotal int64
	for _, c := range anomalyCountsOf(t, acc) {
		newTotal += c[1]
	}
	require.Equal(t, int64(3), newTotal)
	require.Equal(t, fresh, anomalyEventIDs(acc))
	all := simAnomalies(sim)
	for _, m := range metricsNamed(acc, "netbackup_anomaly") {
		a := all[m.Fields["anomaly_id"].(string)]
		created, err := time.Parse(time.RFC3339Nano, a.CreatedDateTime)
		require.NoError(t, err)
		require.Equal(t, eventTimestamp(created, a.ID), m.Time.UTC(), "stamped with the detection time")
		require.Equal(t, map[string]string{
			"source": testSource(env.server), "severity": a.AnomalySeverity, "anomaly_type": a.AnomalyType, "policy_type": a.PolicyType,
		}, m.Tags)
		require.Equal(t, a.ClientName, m.Fields["client"])
		require.Equal(t, a.PolicyName, m.Fields["policy_name"])
		require.Equal(t, a.BackupID, m.Fields["backup_id"])
		require.Equal(t, a.JobID, itoa64(m.Fields["job_id"].(int64)), "jobid is a string in the documents")
		require.InDelta(t, mustFloat(t, a.AnomalyScore), m.Fields["score"], 1e-9)
		require.Equal(t, a.AnomalyCount, m.Fields["anomaly_count"])
		require.Equal(t, "NOT_REVIEWED", m.Fields["status"])
		require.NotEmpty(t, m.Fields["summary"])
	}

	acc = gatherOnce(t, p)
	require.Empty(t, anomalyEventIDs(acc), "each anomaly is new once")
}

// With state_file, a restart neither repeats nor loses an anomaly.
func TestAnomaliesNewOnceAcrossRestart(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	sim := env.sim
	opts := []pluginOption{on(env), collect("anomalies"), stateFile(env.state), func(p *NetBackup) { p.AnomalyEvents = true }}
	first := newTestPlugin(t, opts...)
	gatherOnce(t, first)
	sim.Advance(7 * time.Hour) // two: 30 min and 6 h 30 min after the start
	require.Len(t, anomalyEventIDs(gatherOnce(t, first)), 2)
	require.NoError(t, first.CommitState())
	first.releaseState() // the process ends: its lock goes with it

	sim.Advance(6 * time.Hour) // one more while no process ran
	second := newTestPlugin(t, opts...)
	acc := gatherOnce(t, second)
	require.Len(t, anomalyEventIDs(acc), 1)
	require.NoError(t, second.CommitState())

	second.releaseState()
	third := newTestPlugin(t, opts...)
	require.Empty(t, anomalyEventIDs(gatherOnce(t, third)))
}

// A failed read emits nothing and loses nothing: the anomalies detected
// meanwhile are new at the next gather that reads the whole list.
func TestAnomaliesFailedReadLosesNothing(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	sim := env.sim
	p := newTestPlugin(t, on(env), collect("anomalies"), func(p *NetBackup) { p.AnomalyEvents = true })
	gatherOnce(t, p)
	sim.Advance(7 * time.Hour)                                                                             // two new
	sim.AddFault(nbusim.Fault{PathPrefix: anomaliesPath, Kind: nbusim.FaultStatus, Status: 500, Count: 2}) // outlasts the retry
	acc := gatherOnce(t, p)
	require.Len(t, errorsOf(acc), 1)
	require.Empty(t, metricsNamed(acc, "netbackup_anomalies"), "no counts from a list not read")
	require.Empty(t, anomalyEventIDs(acc))

	acc = gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	require.Len(t, anomalyEventIDs(acc), 2)
}

// NetBackup 8.3 predates anomaly detection: no request, one informative
// line. 10.3 has the endpoint.
func TestAnomaliesByRelease(t *testing.T) {
	env := startSim(t, nbusim.Config{Release: "8.3"})
	p := newTestPlugin(t, on(env), collect("anomalies"))
	for range 3 {
		acc := gatherOnce(t, p)
		require.Empty(t, errorsOf(acc))
		require.Empty(t, metricsNamed(acc, "netbackup_anomalies"))
	}
	require.Empty(t, requestsTo(env.sim, anomaliesPath))
	lines := logLines(env.log, testutil.LevelInfo)
	require.Len(t, lines, 1, "%q", lines)
	require.Contains(t, lines[0], "anomalies")
	require.Contains(t, lines[0], "4.0")

	acc := gatherOnce(t, newTestPlugin(t, on(startSim(t, nbusim.Config{Release: "10.3"})), collect("anomalies")))
	require.Empty(t, errorsOf(acc))
	require.NotEmpty(t, metricsNamed(acc, "netbackup_anomalies"))
}

// A key without the |MANAGE|ANOMALIES| view right gets an empty list: the
// counts are zero, and the plugin says once that it sees none.
func TestAnomaliesWithoutRights(t *testing.T) {
	env := startSim(t, nbusim.Config{NoRights: true})
	p := newTestPlugin(t, on(env), collect("anomalies"))
	for range 2 {
		acc := gatherOnce(t, p)
		require.Empty(t, errorsOf(acc))
		require.Equal(t, anomalyCountsByKey{
			{"HIGH", "NOT_REVIEWED"}: {}, {"MEDIUM", "NOT_REVIEWED"}: {}, {"LOW", "NOT_REVIEWED"}: {},
		}, anomalyCountsOf(t, acc))
	}
	lines := logLines(env.log, testutil.LevelInfo)
	require.Len(t, lines, 1, "%q", lines)
	require.True(t, strings.Contains(lines[0], "lists no anomalies"), lines[0])
}

func itoa64(v int64) string { return strconv.FormatInt(v, 10) }

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err)
	return v
}
