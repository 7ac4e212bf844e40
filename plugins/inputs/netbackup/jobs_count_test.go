package netbackup

import (
	"testing"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// A server that refuses jobs-count-requests in our API version (10.3's
// document offers it only as version 6.0) or lacks it: netbackup_jobs keeps
// the unfinished states, loses only DONE, and the plugin says so once
// instead of failing every gather. The count is asked for every gather, so
// it comes back (and the plugin says so) when the server answers again.
func TestJobsCountRefusedIsReportedOnce(t *testing.T) {
	for _, status := range []int{404, 406, 415} {
		env := startSim(t, nbusim.Config{Jobs: 200})
		env.sim.AddFault(nbusim.Fault{PathPrefix: "/admin/jobs-count-requests", Kind: "status", Status: status})
		p := newTestPlugin(t, on(env), collect("jobs"))

		for range 2 {
			acc := gatherOnce(t, p)
			require.Empty(t, acc.Errors, "status %d", status)
			require.True(t, acc.HasTag("netbackup_jobs", "state"))
			for _, m := range acc.GetTelegrafMetrics() {
				if m.Name() == "netbackup_jobs" {
					require.NotEqual(t, "DONE", m.Tags()["state"], "status %d", status)
				}
			}
		}
		counts := len(requestsTo(env.sim, "/admin/jobs-count-requests"))
		require.Equal(t, 2, counts, "status %d: asked every gather (one request)", status)
		infos := logLines(env.log, testutil.LevelInfo)
		for _, line := range infos {
			require.Contains(t, line, "jobs-count-requests")
		}
		require.Len(t, infos, 1, "status %d: said once", status)

		// The server answers again: DONE is back, and the plugin says so.
		env.sim.ClearFaults()
		acc := gatherOnce(t, p)
		require.Empty(t, acc.Errors)
		done := false
		for _, m := range acc.GetTelegrafMetrics() {
			done = done || (m.Name() == "netbackup_jobs" && m.Tags()["state"] == "DONE")
		}
		require.True(t, done, "status %d: the DONE count returns", status)
		last := env.log.Messages()[len(env.log.Messages())-1]
		require.Contains(t, last.Text, "available again")
	}
}
