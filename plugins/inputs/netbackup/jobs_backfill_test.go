package netbackup

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// backfillTestConfig: about 8,000 finished jobs in the lookback hour, far
// more than backfillMinPages pages, so that the walk splits into id ranges.
func backfillTestConfig() nbusim.Config {
	return nbusim.Config{Release: "11.0", Jobs: 9_000, JobRate: 2.5, Start: jobsTestStart, Seed: 5}
}

// rangedRequests counts the job pages read by an id-range chain.
func rangedRequests(env *testEnv) int {
	n := 0
	for _, r := range env.sim.Requests() {
		if strings.Contains(r.RawQuery, "jobId%20le%20") {
			n++
		}
	}
	return n
}

func TestJobsBackfillRangesExactlyOnceInOrder(t *testing.T) {
	env := startSim(t, backfillTestConfig())
	p := newTestPlugin(t, on(env), jobsPacing, collect("jobs"), func(p *NetBackup) { p.MaxConcurrency = 4 })
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	require.Positive(t, rangedRequests(env), "the backfill was not split into id ranges")

	now := env.sim.Now()
	want := env.sim.FinishedJobIDs(now.Add(-time.Hour), now)
	require.Greater(t, len(want), 40*walkPageLimit)
	got, order := jobsEmitted(t, acc)
	require.Len(t, order, len(got), "a job was emitted twice")
	require.Equal(t, want, jobsSortedIDs(got))
	require.True(t, slices.IsSorted(order), "jobs must be handed over in jobId order")
}

func TestJobsBackfillRangesInterruptedAcrossGathers(t *testing.T) {
	// About 5,400 jobs in the lookback hour (still long enough to split),
	// worked off 1,500 per gather: smaller than backfillTestConfig, as the
	// walk runs six times (a CI runner has 2 cores and -race).
	cfg := backfillTestConfig()
	cfg.Jobs, cfg.JobRate = 6_000, 1.5
	env := startSim(t, cfg)
	p := newTestPlugin(t, on(env), jobsPacing, collect("jobs"), func(p *NetBackup) {
		p.MaxConcurrency = 4
		p.MaxJobsPerGather = 1_500
	})
	// A few failed pages on the way: the walk restarts from its progress.
	env.sim.AddFault(nbusim.Fault{PathPrefix: "/admin/jobs", Kind: "status", Status: 500, Probability: 0.05})
	start := env.sim.Now()
	seen := make(map[int64]int)
	for range 6 {
		acc := gatherOnce(t, p)
		_, order := jobsEmitted(t, acc)
		require.True(t, slices.IsSorted(order))
		for _, id := range order {
			seen[id]++
		}
	}
	require.Positive(t, rangedRequests(env), "the backfill was not split into id ranges")
	for id, n := range seen {
		require.Equal(t, 1, n, "job %d emitted %d times", id, n)
	}
	want := env.sim.FinishedJobIDs(start.Add(-time.Hour), start)
	for _, id := range want {
		require.Contains(t, seen, id)
	}
}

func TestJobsBackfillOneChainWhenShort(t *testing.T) {
	env := startSim(t, jobsTestConfig("11.0"))
	p := newTestPlugin(t, on(env), jobsPacing, collect("jobs"), func(p *NetBackup) { p.MaxConcurrency = 4 })
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	require.Zero(t, rangedRequests(env), "a short walk must stay one chain")
}

// A range may hold more pages than its reader's channel (a dense split
// plans by width, up to two ranges' worth, and jobs finish meanwhile). When
// such a reader's page fails while its channel is full and the walk has
// stopped early, the reader must stop with the walk: the walk waits for
// its readers before it lets go of their pages.
func TestARangeReaderWithAFailedPageStopsWithItsWalk(t *testing.T) {
	pagesInChannel := backfillRangeJobs/walkPageLimit + 1
	var ranged, failed atomic.Int64
	failLaterPages := func(_ *testEnv, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/admin/jobs") && strings.Contains(r.URL.RawQuery, "jobId%20gt%20") &&
				ranged.Add(1) > int64(pagesInChannel) {
				failed.Add(1)
				http.Error(w, `{"errorCode":9999,"errorMessage":"injected"}`, http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	env := startSim(t, nbusim.Config{Release: "11.0", Jobs: 3_000, Start: jobsTestStart}, failLaterPages)
	p := newTestPlugin(t, on(env), collect("jobs"), budget(pagesInChannel+4))
	walker := p.servers[0].collectors["jobs"].(*jobsCollector).walker

	ctx, stopWalk := context.WithCancel(context.Background())
	defer stopWalk()
	rr := &rangeRead{pages: make(chan jobPages, pagesInChannel), reached: make(chan struct{})}
	query := url.Values{"filter": {"state eq 'DONE'"}, "sort": {"jobId"}}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		walker.readRange(ctx, query, rr)
	}()
	require.Eventually(t, func() bool { return len(rr.pages) == cap(rr.pages) && failed.Load() > 0 },
		30*time.Second, 10*time.Millisecond, "the reader did not fill its channel and then fail a page")
	stopWalk()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the range reader still waits to hand over its failed page after its walk stopped")
	}
	discardPages(rr)
	require.Zero(t, len(p.readAhead), "read-ahead tokens left taken")
}

// cancelAfter cancels the gather (a shutdown) once n job points were written.
type cancelAfter struct {
	*testutil.Accumulator
	n      int
	cancel context.CancelFunc
}

func (a *cancelAfter) AddFields(m string, f map[string]interface{}, t map[string]string, ts ...time.Time) {
	a.Accumulator.AddFields(m, f, t, ts...)
	if m == jobMeasurement {
		if a.n--; a.n == 0 {
			a.cancel()
		}
	}
}

// A shutdown during a backfill read in id ranges, then a restart from the
// committed state file (the binary's runner commits after the interrupted
// gather returned): every finished job is emitted exactly once. A range
// reader stopped by the shutdown, or a planner stopped before the last
// range, once let the walk end as complete, its cursor past jobs never read.
func TestShutdownDuringABackfillLosesNoJob(t *testing.T) {
	cfg := nbusim.Config{Release: "11.0", Jobs: 6_000, JobRate: 1.5, Start: jobsTestStart, Seed: 5}
	env := startSim(t, cfg)
	start := env.sim.Now()
	want := env.sim.FinishedJobIDs(start.Add(-time.Hour), start)
	failures := 0
	for trial, n := range []int{2900, 3000, 3100, 3200, 3300} {
		state := filepath.Join(t.TempDir(), "state.json")
		opts := []pluginOption{on(env), jobsPacing, collect("jobs"), stateFile(state), budget(2), func(p *NetBackup) {
			p.MaxConcurrency = 4
			p.JobLookback = config.Duration(time.Hour)
		}}
		seen := map[int64]int{}
		count := func(acc *testutil.Accumulator) {
			_, order := jobsEmitted(t, acc)
			for _, id := range order {
				seen[id]++
			}
		}
		p := newTestPlugin(t, opts...)
		ctx, cancel := context.WithCancel(context.Background())
		acc := &cancelAfter{Accumulator: &testutil.Accumulator{}, n: n, cancel: cancel}
		require.NoError(t, p.GatherContext(ctx, acc))
		cancel()
		require.NoError(t, p.CommitState())
		count(acc.Accumulator)
		p.Stop()

		p = newTestPlugin(t, opts...) // the restart
		for range 5 {
			count(gatherAndCommit(t, p))
		}
		p.Stop()
		missing, twice := 0, 0
		for _, id := range want {
			switch {
			case seen[id] == 0:
				missing++
			case seen[id] > 1:
				twice++
			}
		}
		t.Logf("trial %d: shutdown after %d jobs: %d of %d finished jobs never emitted, %d twice", trial, n, missing, len(want), twice)
		if missing+twice > 0 {
			failures++
		}
	}
	require.Zero(t, failures)
}
