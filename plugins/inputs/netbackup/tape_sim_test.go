package netbackup

import (
	"net/http"
	"strings"
	"testing"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// NetBackup 11.0 has tape media: every medium is counted once, over cursor
// pages of 100; drives are read over offset pages of 100.
func TestTapeCollectorWithTapeMedia(t *testing.T) {
	env := startSim(t, nbusim.Config{Release: "11.0", Drives: 130, TapeMedia: 250})
	p := newTestPlugin(t, on(env), collect("tape"))
	acc := gatherOnce(t, p)
	require.Empty(t, acc.Errors)

	drives := metricsNamed(acc, "netbackup_drive")
	require.Len(t, drives, 130)
	var drivesDown int
	for _, m := range drives {
		if m.Tags["status"] == "DRIVE_STATUS_DOWN" {
			drivesDown++
			require.Equal(t, int64(0), m.Fields["up"])
			require.Equal(t, int64(1), m.Fields["paths_down"])
		}
	}
	require.Positive(t, drivesDown)
	require.Len(t, requestsTo(env.sim, drivesPath), 2)

	var total int64
	statuses := make(map[string]bool)
	for _, m := range metricsNamed(acc, "netbackup_tape_media") {
		total += m.Fields["count"].(int64)
		statuses[m.Tags["status"]] = true
		require.NotEmpty(t, m.Tags["volume_pool"])
		require.NotEmpty(t, m.Tags["media_type"])
	}
	require.Equal(t, int64(250), total)
	for _, s := range []string{"active", "full", "frozen", "suspended", "scratch"} {
		require.True(t, statuses[s], "status %s missing in %v", s, statuses)
	}
	mediaRequests := requestsTo(env.sim, tapeMediaPath)
	require.Len(t, mediaRequests, 3)
	for i, r := range mediaRequests {
		require.Contains(t, r.RawQuery, "page%5Blimit%5D=100")
		require.Equal(t, i > 0, strings.Contains(r.RawQuery, "page%5Bafter%5D="), r.RawQuery)
	}
}

// NetBackup 10.3 (API 10.0) has no tape media API: no request, no error, one
// informative line however many gathers; drives still reported.
func TestTapeCollectorWithoutTapeMedia(t *testing.T) {
	env := startSim(t, nbusim.Config{Release: "10.3", Drives: 5})
	p := newTestPlugin(t, on(env), collect("tape"))
	for range 3 {
		acc := gatherOnce(t, p)
		require.Empty(t, acc.Errors)
		require.Len(t, metricsNamed(acc, "netbackup_drive"), 5)
		require.Empty(t, metricsNamed(acc, "netbackup_tape_media"))
	}
	require.Empty(t, requestsTo(env.sim, tapeMediaPath))
	var notes []string
	for _, line := range logLines(env.log, testutil.LevelInfo) {
		if strings.Contains(line, "tape media") {
			notes = append(notes, line)
		}
	}
	require.Len(t, notes, 1, "%q", notes)
	require.Contains(t, notes[0], "10.0")
}

// A server whose version says nothing useful but answers 404: treated as
// "not available", once, not as an error per gather.
func TestTapeCollectorTapeMedia404(t *testing.T) {
	env := startSim(t, nbusim.Config{Release: "11.0", Drives: 2})
	env.sim.AddFault(nbusim.Fault{PathPrefix: tapeMediaPath, Kind: nbusim.FaultStatus, Status: http.StatusNotFound})
	p := newTestPlugin(t, on(env), collect("tape"))
	for range 2 {
		acc := gatherOnce(t, p)
		require.Empty(t, acc.Errors)
		require.Len(t, metricsNamed(acc, "netbackup_drive"), 2)
		require.Empty(t, metricsNamed(acc, "netbackup_tape_media"))
	}
	var notes int
	for _, line := range logLines(env.log, testutil.LevelInfo) {
		if strings.Contains(line, "tape media") && strings.Contains(line, "404") {
			notes++
		}
	}
	require.Equal(t, 1, notes)
}

// Tape media read only in part (the second page fails): no counts (they
// would look like tapes vanishing), one error; drives unaffected.
func TestTapeCollectorTapeMediaFailure(t *testing.T) {
	failSecondPage := func(_ *testEnv, sim http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, tapeMediaPath) && r.URL.Query().Get("page[after]") != "" {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			sim.ServeHTTP(w, r)
		})
	}
	env := startSim(t, nbusim.Config{Release: "11.0", Drives: 3, TapeMedia: 250}, failSecondPage)
	p := newTestPlugin(t, on(env), collect("tape"))
	acc := gatherOnce(t, p)
	require.Len(t, acc.Errors, 1)
	require.Contains(t, acc.Errors[0].Error(), "tape media")
	require.Empty(t, metricsNamed(acc, "netbackup_tape_media"))
	require.Len(t, metricsNamed(acc, "netbackup_drive"), 3)
}

func TestMediaServersCollector(t *testing.T) {
	env := startSim(t, nbusim.Config{MediaServers: 7})
	p := newTestPlugin(t, on(env), collect("media_servers"))
	acc := gatherOnce(t, p)
	require.Empty(t, acc.Errors)
	servers := metricsNamed(acc, "netbackup_media_server")
	require.Len(t, servers, 7)
	for _, m := range servers {
		require.NotEmpty(t, m.Tags["media_server"])
		require.NotEmpty(t, m.Tags["status"])
		require.Contains(t, []interface{}{int64(0), int64(1)}, m.Fields["up"])
	}
	require.Len(t, requestsTo(env.sim, mediaServersPath), 1)
	require.Contains(t, requestsTo(env.sim, mediaServersPath)[0].RawQuery, "page%5Blimit%5D=500")

	// Denied: one error, then silence.
	env.sim.AddFault(nbusim.Fault{PathPrefix: mediaServersPath, Kind: nbusim.FaultStatus, Status: http.StatusForbidden})
	require.Len(t, gatherOnce(t, p).Errors, 1)
	require.Empty(t, gatherOnce(t, p).Errors)
}

// Frozen tapes all thawed: the frozen series falls to 0 rather than
// standing at its last count, which a last() panel or an alert would keep
// showing.
func TestTapeMediaCountsFallToZero(t *testing.T) {
	env := startSim(t, nbusim.Config{Release: "11.0", TapeMedia: 250})
	p := newTestPlugin(t, on(env), collect("tape"))
	frozen := func(acc *testutil.Accumulator) (series int, tapes int64) {
		for _, m := range metricsNamed(acc, "netbackup_tape_media") {
			if m.Tags["status"] == "frozen" {
				series++
				tapes += m.Fields["count"].(int64)
			}
		}
		return series, tapes
	}
	before, tapes := frozen(gatherOnce(t, p))
	require.Positive(t, tapes)

	env.sim.UpdateResources(func(r *nbusim.Resources) {
		for i := range r.TapeMedia {
			r.TapeMedia[i].MediaStatus = strings.ReplaceAll(r.TapeMedia[i].MediaStatus, "FROZEN", "ACTIVE")
		}
	})
	after, tapes := frozen(gatherOnce(t, p))
	require.Equal(t, before, after, "the frozen series are no longer reported")
	require.Zero(t, tapes)
}
