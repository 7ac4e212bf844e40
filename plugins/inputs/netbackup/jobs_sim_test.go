package netbackup

import (
	"os"
	"testing"
	"time"

	"github.com/influxdata/telegraf/config"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

var jobsTestStart = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// jobsTestConfig is a server with about four hours of history, a job every
// ten seconds.
func jobsTestConfig(release string) nbusim.Config {
	return nbusim.Config{Release: release, Jobs: 1500, JobRate: 0.1, Start: jobsTestStart, Seed: 7}
}

func TestJobsFirstGatherEmitsLookback(t *testing.T) {
	for _, release := range []string{"8.3", "10.3", "11.0"} {
		t.Run(release, func(t *testing.T) {
			env := startSim(t, jobsTestConfig(release))
			p := newTestPlugin(t, on(env), jobsPacing, collect("jobs"))
			acc := gatherOnce(t, p)
			require.Empty(t, errorsOf(acc))

			now := env.sim.Now()
			want := env.sim.FinishedJobIDs(now.Add(-time.Hour), now)
			require.Greater(t, len(want), 250, "the test needs several pages of jobs")
			got, order := jobsEmitted(t, acc)
			require.Len(t, order, len(got), "a job was emitted twice")
			require.Equal(t, want, jobsSortedIDs(got))

			// The timestamp rule, and jobs that share an end time (the
			// children of a multi-stream backup) stay apart.
			byEnd := make(map[time.Time]int)
			stamps := make(map[time.Time]int64)
			for id, ts := range got {
				rec, ok := env.sim.Job(id)
				require.True(t, ok)
				require.Equal(t, rec.EndTime.Add(time.Duration(id%1_000_000)), ts)
				byEnd[rec.EndTime]++
				require.NotContains(t, stamps, ts)
				stamps[ts] = id
			}
			shared := 0
			for _, n := range byEnd {
				if n > 1 {
					shared++
				}
			}
			require.Positive(t, shared, "the dataset should hold jobs ending in the same millisecond")

			// Unfinished jobs, by state, and their counts.
			active := metricsNamed(acc, jobActiveMeasurement)
			require.NotEmpty(t, active)
			perState := make(map[string]int64)
			for _, m := range active {
				require.NotEqual(t, jobStateDone, m.Tags["state"])
				perState[m.Tags["state"]]++
				id := m.Fields["job_id"].(int64)
				rec, ok := env.sim.Job(id)
				require.True(t, ok)
				require.Equal(t, rec.State, m.Tags["state"])
			}
			counts := make(map[string]int64)
			for _, m := range metricsNamed(acc, "netbackup_jobs") {
				counts[m.Tags["state"]] = m.Fields["count"].(int64)
			}
			for state, n := range perState {
				require.Equal(t, n, counts[state], state)
			}
			require.Contains(t, counts, "QUEUED")
			if release != "8.3" {
				require.Greater(t, counts[jobStateDone], int64(len(want)))
			}
		})
	}
}

// jobsRun tracks what a sequence of gathers emitted, across restarts.
type jobsRun struct {
	t      *testing.T
	stamps map[int64]time.Time
	points int
	// uncommitted: emitted since the last CommitState; after a crash they
	// may be emitted once more (allowed), anything else repeated fails.
	uncommitted map[int64]bool
	allowed     map[int64]bool
	reemitted   int
}

func newJobsRun(t *testing.T) *jobsRun {
	return &jobsRun{t: t, stamps: make(map[int64]time.Time), uncommitted: make(map[int64]bool), allowed: make(map[int64]bool)}
}

// record adds a gather; a job emitted again must carry the same timestamp
// and be one a crash left uncommitted.
func (r *jobsRun) record(got map[int64]time.Time, order []int64) {
	require.Len(r.t, order, len(got), "a job was emitted twice in one gather")
	for id, ts := range got {
		r.points++
		r.uncommitted[id] = true
		if prev, ok := r.stamps[id]; ok {
			require.True(r.t, r.allowed[id], "job %d emitted again without a crash", id)
			delete(r.allowed, id)
			r.reemitted++
			require.Equal(r.t, prev, ts, "job %d re-emitted with another timestamp", id)
			continue
		}
		r.stamps[id] = ts
	}
}

func (r *jobsRun) committed() { clear(r.uncommitted) }

// crashed: the process died after emitting, before committing.
func (r *jobsRun) crashed() {
	for id := range r.uncommitted {
		r.allowed[id] = true
	}
	clear(r.uncommitted)
}

func TestJobsLiveProgressionExactlyOnce(t *testing.T) {
	for _, release := range []string{"8.3", "11.0"} {
		t.Run(release, func(t *testing.T) {
			env := startSim(t, jobsTestConfig(release))
			newPlugin := func() *NetBackup { return newTestPlugin(t, on(env), jobsPacing, collect("jobs"), stateFile(env.state)) }
			from := env.sim.Now().Add(-time.Hour)
			run := newJobsRun(t)
			p := newPlugin()
			for i := range 20 {
				if i > 0 {
					env.sim.Advance(47 * time.Second)
				}
				acc := gatherOnce(t, p)
				require.Empty(t, errorsOf(acc))
				run.record(jobsEmitted(t, acc))
				require.NoError(t, p.CommitState())
				run.committed()
				if i%7 == 6 { // a graceful restart
					p.releaseState() // the process ends: its lock goes with it
					p = newPlugin()
				}
			}
			require.Zero(t, run.reemitted)
			require.Equal(t, env.sim.FinishedJobIDs(from, env.sim.Now()), jobsSortedIDs(run.stamps))
		})
	}
}

func TestJobsFaultsAndRestartsExactlyOnce(t *testing.T) {
	for _, release := range []string{"8.3", "10.3"} {
		t.Run(release, func(t *testing.T) {
			env := startSim(t, jobsTestConfig(release))
			for _, f := range []nbusim.Fault{
				{PathPrefix: "/admin/jobs", Kind: nbusim.FaultStatus, Status: 503, RetryAfter: "1", Probability: 0.06},
				{PathPrefix: "/admin/jobs", Kind: nbusim.FaultReset, Probability: 0.06},
				{PathPrefix: "/admin/jobs", Kind: nbusim.FaultTruncate, Probability: 0.06},
				{PathPrefix: "/admin/jobs", Kind: nbusim.FaultExpiredCursor, Probability: 0.2},
			} {
				env.sim.AddFault(f)
			}
			newPlugin := func() *NetBackup {
				// One retry only, so that pages do fail after their retries.
				return newTestPlugin(t, on(env), jobsPacing, collect("jobs"), stateFile(env.state), func(p *NetBackup) { p.RetryCount = 1 })
			}
			from := env.sim.Now().Add(-time.Hour)
			run := newJobsRun(t)
			p := newPlugin()
			failed, crashes := 0, 0
			for i := range 40 {
				if i > 0 {
					env.sim.Advance(53 * time.Second)
				}
				acc := gatherOnce(t, p)
				failed += len(errorsOf(acc))
				run.record(jobsEmitted(t, acc))
				switch {
				case i%13 == 12: // crash: the gather's metrics were out, the state not
					run.crashed()
					crashes++
					p.releaseState() // the process ends: its lock goes with it
					p = newPlugin()
				case i%9 == 8: // graceful restart
					require.NoError(t, p.CommitState())
					run.committed()
					p.releaseState() // the process ends: its lock goes with it
					p = newPlugin()
				default:
					require.NoError(t, p.CommitState())
					run.committed()
				}
			}
			require.Positive(t, failed, "the faults should have failed some pages")
			fired := env.sim.FaultsFired()
			require.Positive(t, fired[nbusim.FaultReset]+fired[nbusim.FaultTruncate]+fired[nbusim.FaultStatus])

			// Without faults the walk catches up.
			env.sim.ClearFaults()
			for range 3 {
				acc := gatherOnce(t, p)
				require.Empty(t, errorsOf(acc))
				run.record(jobsEmitted(t, acc))
				require.NoError(t, p.CommitState())
				run.committed()
			}
			want := env.sim.FinishedJobIDs(from, env.sim.Now())
			require.Equal(t, want, jobsSortedIDs(run.stamps), "every finished job, none missing, none extra")
			require.Equal(t, len(want), run.points-run.reemitted)
			t.Logf("%s: %d jobs, %d points, %d re-emitted after %d crashes, %d gather errors, faults %v",
				release, len(want), run.points, run.reemitted, crashes, failed, fired)
		})
	}
}

func TestJobsBacklogWorkedOffAcrossGathers(t *testing.T) {
	env := startSim(t, jobsTestConfig("11.0"))
	p := newTestPlugin(t, on(env), jobsPacing, collect("jobs"), stateFile(env.state), func(p *NetBackup) {
		p.MaxJobsPerGather = 100
		p.JobLookback = config.Duration(3 * time.Hour)
	})
	var from time.Time
	run := newJobsRun(t)
	gathers := 0
	for ; gathers < 40; gathers++ {
		env.sim.Advance(10 * time.Second)
		if gathers == 0 {
			from = env.sim.Now().Add(-3 * time.Hour)
		}
		acc := gatherOnce(t, p)
		require.Empty(t, errorsOf(acc))
		got, order := jobsEmitted(t, acc)
		require.LessOrEqual(t, len(order), 100)
		run.record(got, order)
		require.NoError(t, p.CommitState())
		run.committed()
		if gathers%4 == 3 {
			p.releaseState() // the process ends: its lock goes with it
			p = newTestPlugin(t, on(env), jobsPacing, collect("jobs"), stateFile(env.state), func(p *NetBackup) { p.MaxJobsPerGather = 100 })
		}
		if len(order) < 100 {
			break
		}
	}
	require.Greater(t, gathers, 6, "the backlog takes several gathers")
	// The jobs that finished while the backlog walk ran (with ids below
	// where it stood) come with the next walk.
	for range 3 {
		acc := gatherOnce(t, p)
		require.Empty(t, errorsOf(acc))
		run.record(jobsEmitted(t, acc))
	}
	want := env.sim.FinishedJobIDs(from, env.sim.Now())
	require.Greater(t, len(want), 800)
	require.Equal(t, want, jobsSortedIDs(run.stamps))
	require.Zero(t, run.reemitted)
}

func TestJobsCorruptStateStartsOver(t *testing.T) {
	env := startSim(t, jobsTestConfig("11.0"))
	require.NoError(t, os.WriteFile(env.state,
		[]byte(`{"version":1,"servers":{"`+env.server.URL+`/netbackup":{"jobs":{"version":1,"cursor":"bogus"}}}}`), 0o600))
	p := newTestPlugin(t, on(env), jobsPacing, collect("jobs"), stateFile(env.state))
	acc := gatherOnce(t, p)
	errs := errorsOf(acc)
	require.Len(t, errs, 1)
	require.ErrorContains(t, errs[0], "ignoring saved state")
	now := env.sim.Now()
	got, _ := jobsEmitted(t, acc)
	require.Equal(t, env.sim.FinishedJobIDs(now.Add(-time.Hour), now), jobsSortedIDs(got))
	require.NoError(t, p.CommitState())

	// The state written replaces the corrupt one and is read back.
	p.releaseState() // the process ends: its lock goes with it
	p = newTestPlugin(t, on(env), jobsPacing, collect("jobs"), stateFile(env.state))
	acc = gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	got, _ = jobsEmitted(t, acc)
	require.Empty(t, got)
}

func TestJobsStateRejectsOtherVersions(t *testing.T) {
	_, err := decodeJobsState([]byte(`{"version":2}`))
	require.ErrorContains(t, err, "version 2")
	_, err = decodeJobsState([]byte(`{"version":1,"walk":{"after_job_id":3}}`))
	require.Error(t, err)
	_, err = decodeJobsState([]byte(`[`))
	require.Error(t, err)
	st, err := decodeJobsState([]byte(`{"version":1,"seen":{"42":"2025-01-01T00:00:00Z"}}`))
	require.NoError(t, err)
	require.Contains(t, st.Seen, int64(42))
}
