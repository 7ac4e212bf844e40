package netbackup

import (
	"net/http"
	"strings"
	"testing"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// collectorErrorsField is netbackup_collector's errors field of one
// collector.
func collectorErrorsField(t *testing.T, acc *testutil.Accumulator, collector string) interface{} {
	t.Helper()
	for _, m := range metricsNamed(acc, "netbackup_collector") {
		if m.Tags["collector"] == collector {
			return m.Fields["errors"]
		}
	}
	require.Failf(t, "no netbackup_collector point", "collector %s", collector)
	return nil
}

// A role without the right to read alerts (403 on /manage/alerts while the
// key reads jobs) is a lasting condition: said once as an error, silent
// while it lasts (netbackup_collector still counts the failure), said
// again when it clears, and again as an error when it comes back.
func TestARightTheKeyLacksIsSaidOnce(t *testing.T) {
	env := startSim(t, nbusim.Config{Jobs: 20, Alerts: 5})
	deny := nbusim.Fault{PathPrefix: alertsPath, Kind: nbusim.FaultStatus, Status: http.StatusForbidden}
	env.sim.AddFault(deny)
	p := newTestPlugin(t, on(env), collect("jobs", "alerts"))

	acc := gatherOnce(t, p)
	errs := authErrors(acc)
	require.Len(t, errs, 1, "the denial is an error the first time")
	require.Contains(t, errs[0], "collector alerts")
	require.Contains(t, errs[0], "403 Forbidden")
	require.Contains(t, errs[0], "reported once")
	require.EqualValues(t, 1, collectorErrorsField(t, acc, "alerts"))

	for range 2 {
		acc = gatherOnce(t, p)
		require.Empty(t, authErrors(acc), "a denial already reported is not repeated")
		require.EqualValues(t, 1, collectorErrorsField(t, acc, "alerts"), "the metric still says the collector failed")
		require.EqualValues(t, 0, collectorErrorsField(t, acc, "jobs"), "the key still reads jobs")
	}

	env.sim.ClearFaults()
	acc = gatherOnce(t, p)
	require.Empty(t, authErrors(acc))
	require.EqualValues(t, 0, collectorErrorsField(t, acc, "alerts"))
	require.NotEmpty(t, metricsNamed(acc, "netbackup_alerts"))
	cleared := 0
	for _, line := range logLines(env.log, testutil.LevelInfo) {
		if containsAll(line, "collector alerts", "can be read again") {
			cleared++
		}
	}
	require.Equal(t, 1, cleared, "the end of the denial is said once:\n%v", logLines(env.log, testutil.LevelInfo))

	env.sim.AddFault(deny)
	acc = gatherOnce(t, p)
	require.Len(t, authErrors(acc), 1, "a denial that comes back is said again")
}

// A denial that changes (401 where it was 403) is said again: what the
// user fixed is not what is refused now.
func TestADifferentDenialIsSaidAgain(t *testing.T) {
	env := startSim(t, nbusim.Config{Jobs: 5, Alerts: 5})
	env.sim.AddFault(nbusim.Fault{PathPrefix: alertsPath, Kind: nbusim.FaultStatus, Status: http.StatusForbidden})
	p := newTestPlugin(t, on(env), collect("jobs", "alerts"))
	require.Len(t, authErrors(gatherOnce(t, p)), 1)
	require.Empty(t, authErrors(gatherOnce(t, p)))

	env.sim.ClearFaults()
	env.sim.AddFault(nbusim.Fault{PathPrefix: alertsPath, Kind: nbusim.FaultStatus, Status: http.StatusUnauthorized})
	errs := authErrors(gatherOnce(t, p))
	require.Len(t, errs, 1, "another refusal is said")
	require.Contains(t, errs[0], "401 Unauthorized")
	require.Empty(t, authErrors(gatherOnce(t, p)))
}

// containsAll reports whether s contains every part.
func containsAll(s string, parts ...string) bool {
	for _, part := range parts {
		if !strings.Contains(s, part) {
			return false
		}
	}
	return true
}

// A collector of resource families (storage) whose one family is refused:
// the same once-only error, no false "can be read again" while the refusal
// lasts, and the metric counts the failure at every gather.
func TestARefusedFamilyIsSaidOnceAndCounted(t *testing.T) {
	env := startSim(t, nbusim.Config{Jobs: 5, DiskPools: 2, StorageUnits: 3})
	env.sim.AddFault(nbusim.Fault{PathPrefix: diskPoolsPath, Kind: nbusim.FaultStatus, Status: http.StatusForbidden})
	p := newTestPlugin(t, on(env), collect("jobs", "storage"))

	for gather := range 3 {
		acc := gatherOnce(t, p)
		require.EqualValues(t, 1, collectorErrorsField(t, acc, "storage"), "gather %d", gather)
		require.Len(t, metricsNamed(acc, "netbackup_storage_unit"), 3, "the other families are read")
		errs := authErrors(acc)
		if gather == 0 {
			require.Len(t, errs, 1)
			require.Contains(t, errs[0], "disk pools (/storage/disk-pools): the API key may not read them")
			continue
		}
		require.Empty(t, errs, "gather %d", gather)
	}
	for _, line := range logLines(env.log, testutil.LevelInfo) {
		require.NotContains(t, line, "can be read again", "the refusal lasts")
	}
}
