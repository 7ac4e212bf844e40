package netbackup

import (
	"context"
	"testing"
	"time"

	"github.com/influxdata/telegraf/config"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// A walk spread over several gathers (max_jobs_per_gather) whose server
// changes under it hands no job over twice.

// partWalked is a walker whose walk has handled its first 1,000 jobs, and
// the count of each job handled.
func partWalked(t *testing.T) (*finishedWalker, func(*jobAttributes), map[int64]int) {
	t.Helper()
	env := startSim(t, nbusim.Config{Release: "11.0", Jobs: 6_000, JobRate: 1.5, Start: jobsTestStart, Seed: 5})
	p := newTestPlugin(t, on(env), jobsPacing, collect("jobs"), func(p *NetBackup) {
		p.MaxConcurrency = 1
		p.MaxJobsPerGather = 1_000
		p.JobLookback = config.Duration(time.Hour)
	})
	srv := p.servers[0]
	ping, err := srv.client.Ping(context.Background())
	require.NoError(t, err)
	srv.ping = ping
	w := srv.collectors["jobs"].(*jobsCollector).walker
	seen := make(map[int64]int)
	handle := func(a *jobAttributes) { seen[a.JobID.V]++ }
	_, err = w.run(context.Background(), handle)
	require.NoError(t, err)
	require.NotNil(t, w.state.Walk, "the walk should need more than one gather")
	return w, handle, seen
}

func requireEachOnce(t *testing.T, w *finishedWalker, handle func(*jobAttributes), seen map[int64]int) {
	t.Helper()
	for range 10 {
		_, err := w.run(context.Background(), handle)
		require.NoError(t, err)
	}
	require.Nil(t, w.state.Walk, "the walk did not end")
	twice := 0
	for _, n := range seen {
		if n > 1 {
			twice++
		}
	}
	require.Zero(t, twice, "jobs handed over twice")
}

// The server moved to API 10.0 or later mid-walk (an upgrade during a
// catch-up): the walk goes on on lastUpdateTime from where it was. Every
// job its endTime filter found ends after From, so was updated after From
// too: nothing below its last job id is new to the other filter.
func TestAWalkAcrossAnAPIUpgradeRepeatsNoJob(t *testing.T) {
	w, handle, seen := partWalked(t)
	w.state.Walk.ByEndTime = true // as if begun while the server spoke API 9.x
	requireEachOnce(t, w, handle, seen)
}

// The server's clock went back behind the walk's end (its time corrected):
// the walk ends at the server's now instead, and goes on from where it was.
func TestAWalkAheadOfTheServersClockRepeatsNoJob(t *testing.T) {
	w, handle, seen := partWalked(t)
	w.state.Walk.Until = w.state.Walk.Until.Add(time.Hour)
	requireEachOnce(t, w, handle, seen)
}
