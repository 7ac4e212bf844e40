package netbackup

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/telegraf/config"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// A backfill splits its walk only where the jobs are: whatever the id
// distribution, it needs about the pages one chain would read plus a few
// requests per chain, and every finished job exactly once, in order.

// backfillIDsCase is a simulator whose jobs are numbered in id ranges.
type backfillIDsCase struct {
	name     string
	cfg      nbusim.Config
	lookback time.Duration
	// maxExtra bounds the requests beyond the pages one chain would read
	// (the ping, the counts, the DONE count; the pages of unfinished jobs
	// are not counted: they do not depend on the walk).
	maxExtra int
}

var backfillIDsCases = []backfillIDsCase{
	{
		// 250 jobs numbered 1000-1249, then a second id range from
		// 5,000,000: the case that sent 5,005 requests.
		name: "sparse",
		cfg: nbusim.Config{Release: "11.0", Jobs: 300, JobRate: 0.01, Start: jobsTestStart, Seed: 5,
			JobIDs: []nbusim.JobIDRange{{First: 1000, Count: 250}, {First: 5_000_000, Count: 50}}},
		lookback: 24 * time.Hour,
		maxExtra: 12,
	},
	{
		// Three clusters of 3,000 jobs, far apart.
		name: "clustered",
		cfg: nbusim.Config{Release: "11.0", Jobs: 9_000, JobRate: 2.5, Start: jobsTestStart, Seed: 5,
			JobIDs: []nbusim.JobIDRange{{First: 1, Count: 3_000}, {First: 1_000_000, Count: 3_000}, {First: 50_000_000, Count: 3_000}}},
		lookback: 2 * time.Hour,
		maxExtra: 20,
	},
	{
		name:     "dense",
		cfg:      backfillTestConfig(),
		lookback: time.Hour,
		maxExtra: 12,
	},
}

func TestJobsBackfillRangesFollowTheData(t *testing.T) {
	for _, tc := range backfillIDsCases {
		t.Run(tc.name, func(t *testing.T) {
			s := startSim(t, tc.cfg)
			p := newTestPlugin(t, on(s), jobsPacing, collect("jobs"), func(p *NetBackup) {
				p.MaxConcurrency = 4
				p.JobLookback = config.Duration(tc.lookback)
			})
			s.sim.ResetRequests()
			acc := gatherOnce(t, p)
			require.Empty(t, errorsOf(acc))

			now := s.sim.Now()
			want := s.sim.FinishedJobIDs(now.Add(-tc.lookback), now)
			got, order := jobsEmitted(t, acc)
			require.Len(t, order, len(got), "a job was emitted twice")
			require.Equal(t, want, jobsSortedIDs(got))
			require.True(t, slices.IsSorted(order), "jobs must be handed over in jobId order")

			pages := (len(want) + walkPageLimit - 1) / walkPageLimit
			requests := int(s.sim.RequestCount()) - unfinishedListings(s)
			t.Logf("%s: %d finished jobs, %d pages for one chain, %d requests in the gather besides the unfinished jobs' (%d ranged)",
				tc.name, len(want), pages, requests, rangedRequests(s))
			require.LessOrEqual(t, requests, pages+tc.maxExtra, "requests of the gather:\n%s", requestSummary(s))
		})
	}
}

// The issue's own figure: the sparse case in at most 20 requests.
func TestJobsBackfillSparseIDsInTwentyRequests(t *testing.T) {
	s := startSim(t, backfillIDsCases[0].cfg)
	p := newTestPlugin(t, on(s), jobsPacing, collect("jobs"), func(p *NetBackup) {
		p.MaxConcurrency = 4
		p.JobLookback = config.Duration(24 * time.Hour)
	})
	s.sim.ResetRequests()
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	got, _ := jobsEmitted(t, acc)
	require.Greater(t, len(got), 250, "jobs of both id ranges")
	require.LessOrEqual(t, s.sim.RequestCount(), int64(20), "requests of the gather:\n%s", requestSummary(s))
}

// unfinishedListings counts the pages of unfinished jobs the gather read.
func unfinishedListings(s *testEnv) int {
	n := 0
	for _, r := range s.sim.Requests() {
		if strings.Contains(r.RawQuery, "state%20ne%20%27DONE%27") {
			n++
		}
	}
	return n
}

// requestSummary lists the requests the simulator served (the first 40).
func requestSummary(s *testEnv) string {
	var b strings.Builder
	for i, r := range s.sim.Requests() {
		if i == 40 {
			b.WriteString("...\n")
			break
		}
		b.WriteString(r.Method + " " + r.Path + "?" + r.RawQuery + "\n")
	}
	return b.String()
}
