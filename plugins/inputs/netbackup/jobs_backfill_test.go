package netbackup

import (
	"slices"
	"strings"
	"testing"
	"time"

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
