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
		sim, ts, caPath := startSimulator(t, nbusim.Config{Jobs: 200})
		sim.AddFault(nbusim.Fault{PathPrefix: "/admin/jobs-count-requests", Kind: "status", Status: status})
		log := &testutil.CaptureLogger{}
		p := newTestPlugin(t, ts, caPath, log, nil, "jobs")

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
		counts := 0
		for _, r := range sim.Requests() {
			if r.Path == "/netbackup/admin/jobs-count-requests" || r.Path == "/admin/jobs-count-requests" {
				counts++
			}
		}
		require.Equal(t, 2, counts, "status %d: asked every gather (one request)", status)
		infos := 0
		for _, m := range log.Messages() {
			if m.Level == testutil.LevelInfo {
				infos++
				require.Contains(t, m.Text, "jobs-count-requests")
			}
		}
		require.Equal(t, 1, infos, "status %d: said once", status)

		// The server answers again: DONE is back, and the plugin says so.
		sim.ClearFaults()
		acc := gatherOnce(t, p)
		require.Empty(t, acc.Errors)
		done := false
		for _, m := range acc.GetTelegrafMetrics() {
			done = done || (m.Name() == "netbackup_jobs" && m.Tags()["state"] == "DONE")
		}
		require.True(t, done, "status %d: the DONE count returns", status)
		last := log.Messages()[len(log.Messages())-1]
		require.Contains(t, last.Text, "available again")
	}
}
