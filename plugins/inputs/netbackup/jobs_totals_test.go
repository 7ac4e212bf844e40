package netbackup

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/statuscodes"
)

// totalsEmitted reads the netbackup_jobs_finished points of a gather, keyed
// like the collector keys them; it checks that each is a counter.
func totalsEmitted(t testing.TB, acc *testutil.Accumulator) map[jobTotalsKey]jobTotalsValues {
	t.Helper()
	out := make(map[jobTotalsKey]jobTotalsValues)
	for _, m := range acc.GetTelegrafMetrics() {
		if m.Name() != jobTotalsMeasurement {
			continue
		}
		require.Equal(t, telegraf.Counter, m.Type())
		tags := m.Tags()
		key := jobTotalsKey{JobType: tags["job_type"], PolicyType: tags["policy_type"], StatusClass: tags["status_class"], Status: tags["status"]}
		code, err := strconv.ParseInt(key.Status, 10, 64)
		if text, ok := statuscodes.Text(code); err == nil && ok {
			require.Equal(t, text, tags["status_text"], "status %s", key.Status)
		} else {
			require.NotContains(t, tags, "status_text", "status %s has no text", key.Status)
		}
		require.NotContains(t, out, key, "two points for one series")
		field := func(name string) int64 {
			v, ok := m.GetField(name)
			require.True(t, ok, "field %s missing", name)
			return v.(int64)
		}
		out[key] = jobTotalsValues{
			Jobs: field("total"), Bytes: field("bytes_total"), Files: field("files_total"),
			ElapsedSeconds: field("elapsed_seconds_total"), QueuedJobs: field("queued_total"),
			QueuedSeconds: field("queued_seconds_total"),
		}
	}
	return out
}

// totalsTruth computes the counters from the simulator's own record of the
// jobs that finished in (from, now]. knowsChildren is false for API
// versions without childCount, where parents cannot be told apart.
func totalsTruth(t testing.TB, sim *nbusim.Simulator, from time.Time, knowsChildren bool) map[jobTotalsKey]jobTotalsValues {
	t.Helper()
	out := make(map[jobTotalsKey]jobTotalsValues)
	for _, id := range sim.FinishedJobIDs(from, sim.Now()) {
		rec, ok := sim.Job(id)
		require.True(t, ok)
		key := jobTotalsKey{JobType: rec.JobType, PolicyType: rec.PolicyType,
			StatusClass: statusClass(rec.Status), Status: strconv.FormatInt(rec.Status, 10)}
		v := out[key]
		v.Jobs++
		v.ElapsedSeconds += int64(rec.Elapsed / time.Second)
		// The queue time is known for jobs on their first try.
		if rec.Try <= 1 {
			v.QueuedJobs++
			v.QueuedSeconds += int64(rec.ActiveTryStartTime.Sub(rec.StartTime) / time.Second)
		}
		if !knowsChildren || rec.ChildCount == 0 {
			v.Bytes += rec.KilobytesTransferred * 1024
			v.Files += rec.NumberOfFiles
		}
		out[key] = v
	}
	return out
}

// requireMonotonic fails when a counter went down between two gathers.
func requireMonotonic(t testing.TB, before, after map[jobTotalsKey]jobTotalsValues) {
	t.Helper()
	for key, b := range before {
		a, ok := after[key]
		require.True(t, ok, "series %+v vanished", key)
		require.True(t, a.Jobs >= b.Jobs && a.Bytes >= b.Bytes && a.Files >= b.Files && a.ElapsedSeconds >= b.ElapsedSeconds &&
			a.QueuedJobs >= b.QueuedJobs && a.QueuedSeconds >= b.QueuedSeconds,
			"series %+v went down: %+v -> %+v", key, b, a)
	}
}

// The counters equal the simulator's ground truth after gathers, graceful
// restarts and crashes (metrics out, state not committed) among failing
// pages, and never go down on the way.
func TestJobTotalsMatchSimulatorAcrossRestartsAndCrashes(t *testing.T) {
	for _, release := range []string{"8.3", "10.3", "11.0"} {
		t.Run(release, func(t *testing.T) {
			env := startSim(t, jobsTestConfig(release))
			env.sim.AddFault(nbusim.Fault{PathPrefix: "/admin/jobs", Kind: nbusim.FaultReset, Probability: 0.05})
			env.sim.AddFault(nbusim.Fault{PathPrefix: "/admin/jobs", Kind: nbusim.FaultExpiredCursor, Probability: 0.1})
			newPlugin := func() *NetBackup {
				return newTestPlugin(t, on(env), jobsPacing, collect("jobs"), stateFile(env.state), func(p *NetBackup) { p.RetryCount = 1 })
			}
			from := env.sim.Now().Add(-time.Hour)
			p := newPlugin()
			var last map[jobTotalsKey]jobTotalsValues
			crashes := 0
			for i := range 30 {
				if i > 0 {
					env.sim.Advance(61 * time.Second)
				}
				got := totalsEmitted(t, gatherOnce(t, p))
				requireMonotonic(t, last, got)
				last = got
				switch {
				case i%7 == 6: // crash: the metrics were out, the state not
					crashes++
					p.releaseState() // the process ends: its lock goes with it
					p = newPlugin()
				case i%5 == 4: // graceful restart
					require.NoError(t, p.CommitState())
					p.releaseState()
					p = newPlugin()
				default:
					require.NoError(t, p.CommitState())
				}
			}
			env.sim.ClearFaults()
			for range 2 { // without faults the walk catches up
				got := totalsEmitted(t, gatherAndCommit(t, p))
				requireMonotonic(t, last, got)
				last = got
			}
			want := totalsTruth(t, env.sim, from, release != "8.3")
			require.Equal(t, want, last)
			var failed int64
			for key, v := range want {
				if key.StatusClass == "failed" {
					failed += v.Jobs
				}
			}
			require.Positive(t, failed, "the window should hold failed jobs")
			t.Logf("%s: %d series, %d failed jobs counted, %d crashes, faults %v", release, len(want), failed, crashes, env.sim.FaultsFired())
		})
	}
}

// A state written before the counters existed loads: the cursor holds and
// the counters start at zero, counting only what comes after it.
func TestJobTotalsStartAtZeroOnAnOlderState(t *testing.T) {
	env := startSim(t, jobsTestConfig("11.0"))
	p := newTestPlugin(t, on(env), jobsPacing, collect("jobs"), stateFile(env.state))
	require.NotEmpty(t, totalsEmitted(t, gatherAndCommit(t, p)))
	p.releaseState()

	// Drop the counters from the state file, as an older version wrote it.
	doc := readStateDoc(t, env.state)
	jobs := doc.Servers[env.server.URL+"/netbackup"]["jobs"]
	var obj map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(jobs, &obj))
	require.Contains(t, obj, jobTotalsStateKey)
	delete(obj, jobTotalsStateKey)
	doc.Servers[env.server.URL+"/netbackup"]["jobs"], _ = json.Marshal(obj)
	writeStateDoc(t, env.state, doc)

	since := env.sim.Now()
	env.sim.Advance(10 * time.Minute)
	p = newTestPlugin(t, on(env), jobsPacing, collect("jobs"), stateFile(env.state))
	acc := gatherAndCommit(t, p)
	require.Empty(t, errorsOf(acc))
	got, _ := jobsEmitted(t, acc)
	require.NotEmpty(t, got)
	require.Equal(t, totalsTruth(t, env.sim, since, true), totalsEmitted(t, acc))
}

// Corrupt counters are refused with an error that says they restart at
// zero; the cursor saved with them still holds, so no job is emitted again.
func TestJobTotalsCorruptRestartAtZeroBehindTheCursor(t *testing.T) {
	env := startSim(t, jobsTestConfig("11.0"))
	p := newTestPlugin(t, on(env), jobsPacing, collect("jobs"), stateFile(env.state))
	gatherAndCommit(t, p)
	p.releaseState()

	doc := readStateDoc(t, env.state)
	var obj map[string]json.RawMessage
	key := env.server.URL + "/netbackup"
	require.NoError(t, json.Unmarshal(doc.Servers[key]["jobs"], &obj))
	obj[jobTotalsStateKey] = json.RawMessage(`[{"job_type":"BACKUP","status_class":"success","status":"0","jobs":-5}]`)
	doc.Servers[key]["jobs"], _ = json.Marshal(obj)
	writeStateDoc(t, env.state, doc)

	p = newTestPlugin(t, on(env), jobsPacing, collect("jobs"), stateFile(env.state))
	acc := gatherOnce(t, p)
	require.Len(t, errorsOf(acc), 1)
	require.ErrorContains(t, errorsOf(acc)[0], "netbackup_jobs_finished restarts at zero")
	got, _ := jobsEmitted(t, acc)
	require.Empty(t, got, "the cursor was kept: nothing to emit again")
	require.Empty(t, totalsEmitted(t, acc))
}

// The status tag is bounded: failure codes beyond the first
// maxTotalsStatusCodes share the tag "other"; 0 and 1 always keep theirs,
// and the bound survives a save and load.
func TestJobTotalsStatusTagIsBounded(t *testing.T) {
	job := func(status int64) *jobAttributes {
		return &jobAttributes{JobType: "BACKUP", PolicyType: "STANDARD", Status: nbuapi.Int{V: status, Set: true}}
	}
	totals := newJobTotals()
	for code := int64(2); code < 2+maxTotalsStatusCodes; code++ {
		totals.count(job(code))
	}
	totals.count(job(9999))
	totals.count(job(0))
	totals.count(job(1))
	totals.count(job(2))

	reloaded := newJobTotals()
	raw, err := json.Marshal(totals.save())
	require.NoError(t, err)
	require.NoError(t, reloaded.load(raw))
	reloaded.count(job(8888))

	var acc testutil.Accumulator
	reloaded.emit(&acc, "nbu")
	got := totalsEmitted(t, &acc)
	require.Len(t, got, maxTotalsStatusCodes+3) // the codes, "other", 0 and 1
	other := got[jobTotalsKey{JobType: "BACKUP", PolicyType: "STANDARD", StatusClass: "failed", Status: otherStatus}]
	require.Equal(t, int64(2), other.Jobs, "9999 and 8888 count as other")
	require.Equal(t, int64(2), got[jobTotalsKey{JobType: "BACKUP", PolicyType: "STANDARD", StatusClass: "failed", Status: "2"}].Jobs)
	require.Equal(t, int64(1), got[jobTotalsKey{JobType: "BACKUP", PolicyType: "STANDARD", StatusClass: "partial", Status: "1"}].Jobs)
}

func readStateDoc(t testing.TB, path string) stateDocument {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc stateDocument
	require.NoError(t, json.Unmarshal(data, &doc))
	return doc
}

func writeStateDoc(t testing.TB, path string, doc stateDocument) {
	t.Helper()
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
}
