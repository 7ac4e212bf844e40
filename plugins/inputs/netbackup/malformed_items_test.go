package netbackup

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// A malformed item costs itself, never its page or the walk: a text
// attribute holding a number or a boolean is read as text; one holding an
// object or an array leaves the item out, named in one error line with the
// attribute, counted in netbackup_collector.items_skipped, and the job
// cursor moves past it.

// malformedJobsConfig: 50 jobs, one every 1,000 s, so that nearly all of
// them are DONE within the day the plugin looks back.
func malformedJobsConfig() nbusim.Config {
	return nbusim.Config{Release: "11.0", Jobs: 50, JobRate: 0.001, Start: jobsTestStart, Seed: 3}
}

const malformedJobID = 25

func malformedJobsSim(t *testing.T, value string) *testEnv {
	t.Helper()
	s := startSim(t, malformedJobsConfig())
	s.sim.AddFault(nbusim.Fault{PathPrefix: "/admin/jobs", Kind: nbusim.FaultMalformed,
		ItemID: fmt.Sprint(malformedJobID), Attribute: "clientName", Value: value})
	return s
}

func malformedJobsPlugin(t *testing.T, s *testEnv) *NetBackup {
	return newTestPlugin(t, on(s), jobsPacing, collect("jobs"), func(p *NetBackup) { p.JobLookback = config.Duration(24 * time.Hour) })
}

// finishedJobsWanted is what the first gather must emit.
func finishedJobsWanted(t *testing.T, s *testEnv) []int64 {
	t.Helper()
	now := s.sim.Now()
	want := s.sim.FinishedJobIDs(now.Add(-24*time.Hour), now)
	require.Contains(t, want, int64(malformedJobID), "the malformed job must be a finished one")
	require.Greater(t, len(want), 40)
	return want
}

func TestMalformedJobNumberAsClientNameIsText(t *testing.T) {
	s := malformedJobsSim(t, "42")
	p := malformedJobsPlugin(t, s)
	want := finishedJobsWanted(t, s)
	for gather := range 2 { // "every run": the second gather must not fail either
		acc := gatherOnce(t, p)
		require.Empty(t, errorsOf(acc), "gather %d", gather)
		if gather > 0 {
			continue
		}
		got, _ := jobsEmitted(t, acc)
		require.Equal(t, want, jobsSortedIDs(got))
		for _, m := range metricsNamed(acc, jobMeasurement) {
			if m.Fields["job_id"] == int64(malformedJobID) {
				require.Equal(t, "42", m.Tags["client"])
			}
		}
	}
}

func TestMalformedJobBooleanAsClientNameIsText(t *testing.T) {
	s := malformedJobsSim(t, "true")
	p := malformedJobsPlugin(t, s)
	want := finishedJobsWanted(t, s)
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	got, _ := jobsEmitted(t, acc)
	require.Equal(t, want, jobsSortedIDs(got))
}

func TestMalformedJobObjectAsClientNameIsSkippedAndNamed(t *testing.T) {
	s := malformedJobsSim(t, `{"name":"app01"}`)
	p := malformedJobsPlugin(t, s)
	want := finishedJobsWanted(t, s)

	acc := gatherOnce(t, p)
	errs := errorsOf(acc)
	require.Len(t, errs, 1, "one error line for the one malformed job")
	text := errs[0].Error()
	require.Contains(t, text, fmt.Sprintf("job %d", malformedJobID))
	require.Contains(t, text, "clientName")
	got, _ := jobsEmitted(t, acc)
	require.NotContains(t, got, int64(malformedJobID))
	require.Len(t, got, len(want)-1, "every other finished job is emitted")
	require.Equal(t, int64(1), collectorField(t, acc, "jobs", "items_skipped"))

	// The cursor moved past the job: the next gather reads nothing again
	// and reports nothing.
	acc = gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	got, _ = jobsEmitted(t, acc)
	require.Empty(t, got)
	require.Equal(t, int64(0), collectorField(t, acc, "jobs", "items_skipped"))
}

// The same holds for every collector's items: a storage unit whose
// storageType is an array is left out, the others are reported.
func TestMalformedStorageUnitIsSkippedAndNamed(t *testing.T) {
	env := startSim(t, nbusim.Config{StorageUnits: 12})
	units := env.sim.StorageUnitsData()
	bad := units[3].Name
	env.sim.AddFault(nbusim.Fault{PathPrefix: "/storage/storage-units", Kind: nbusim.FaultMalformed,
		ItemID: bad, Attribute: "storageType", Value: `["DISK"]`})
	p := newTestPlugin(t, on(env), collect("storage"))
	acc := gatherOnce(t, p)

	require.Len(t, acc.Errors, 1)
	require.Contains(t, acc.Errors[0].Error(), bad)
	require.Contains(t, acc.Errors[0].Error(), "storageType")
	var names []string
	for _, m := range metricsNamed(acc, "netbackup_storage_unit") {
		names = append(names, m.Tags["storage_unit"])
	}
	require.Len(t, names, len(units)-1, strings.Join(names, ","))
	require.NotContains(t, names, bad)
	require.Equal(t, int64(1), collectorField(t, acc, "storage", "items_skipped"))
}

// collectorField is a field of the collector's netbackup_collector point.
func collectorField(t *testing.T, acc *testutil.Accumulator, collector, field string) int64 {
	t.Helper()
	for _, m := range metricsNamed(acc, "netbackup_collector") {
		if m.Tags["collector"] == collector {
			v, ok := m.Fields[field].(int64)
			require.True(t, ok, "netbackup_collector.%s of %s: %v", field, collector, m.Fields[field])
			return v
		}
	}
	t.Fatalf("no netbackup_collector point for %s", collector)
	return 0
}
