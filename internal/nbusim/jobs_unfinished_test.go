package nbusim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stateFilterCases are filters on state, with the same predicate written in
// Go: the ones that can only match unfinished jobs (their id range starts at
// the first id that may still run) and look-alikes that must not be narrowed.
var stateFilterCases = []struct {
	filter string
	want   func(j JobRecord) bool
}{
	{"state ne 'DONE'", func(j JobRecord) bool { return j.State != "DONE" }},
	{"state eq 'ACTIVE'", func(j JobRecord) bool { return j.State == "ACTIVE" }},
	{"state eq 'QUEUED' or state eq 'ACTIVE'", func(j JobRecord) bool { return j.State == "QUEUED" || j.State == "ACTIVE" }},
	{"not (state eq 'DONE')", func(j JobRecord) bool { return j.State != "DONE" }},
	{"state ne 'DONE' and jobType eq 'BACKUP'", func(j JobRecord) bool { return j.State != "DONE" && j.JobType == "BACKUP" }},
	{"state eq 'DONE'", func(j JobRecord) bool { return j.State == "DONE" }},
	{"state eq 'DONE' and jobId gt 700", func(j JobRecord) bool { return j.State == "DONE" && j.JobID > 700 }},
	{"state eq 'DONE' and jobId le 1500.5", func(j JobRecord) bool { return j.State == "DONE" && j.JobID <= 1500 }},
	{"state eq 'DONE' and jobType eq 'BACKUP'", func(j JobRecord) bool { return j.State == "DONE" && j.JobType == "BACKUP" }},
	{"state ne 'ACTIVE'", func(j JobRecord) bool { return j.State != "ACTIVE" }},
	{"state eq 'DONE' or state eq 'ACTIVE'", func(j JobRecord) bool { return j.State == "DONE" || j.State == "ACTIVE" }},
	{"not (state eq 'ACTIVE')", func(j JobRecord) bool { return j.State != "ACTIVE" }},
	{"tolower(state) ne 'done'", func(j JobRecord) bool { return j.State != "DONE" }},
	{"state ne 'done'", func(j JobRecord) bool { return true }}, // case-sensitive: every state differs
}

// A day of jobs, so that most ids are older than the longest job life.
func TestStateFiltersMatchBruteForce(t *testing.T) {
	const jobs = 2000
	sim := newTestSim(t, Config{Jobs: jobs})
	sim.Advance(17 * time.Minute)
	n := sim.JobCount()
	for _, tc := range stateFilterCases {
		t.Run(tc.filter, func(t *testing.T) {
			var want []string
			for id := int64(1); id <= n; id++ {
				j, ok := sim.Job(id)
				require.True(t, ok)
				if tc.want(j) {
					want = append(want, strconv.FormatInt(id, 10))
				}
			}
			got := walkCursor(t, sim, "/admin/jobs", url.Values{"page[limit]": {"100"}, "sort": {"jobId"}, "filter": {tc.filter}})
			require.Equal(t, want, got)
			require.EqualValues(t, len(want), countJobsRequest(t, sim, tc.filter))
		})
	}
}

func TestUnfinishedFilterSkipsTheFinishedHistory(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 1_000_000})
	for _, filter := range []string{"state ne 'DONE'", "state eq 'QUEUED' or state eq 'ACTIVE'", "not (state eq 'DONE')"} {
		f, err := parseFilter(filter)
		require.NoError(t, err)
		lo, hi := sim.jobIDRange(f, sim.nowMs())
		require.EqualValues(t, 1_000_000, hi, filter)
		require.Less(t, hi-lo, int64(200_000), "%s must not scan the whole history", filter)
	}
	for _, filter := range []string{"state eq 'DONE'", "state ne 'ACTIVE'", "tolower(state) ne 'done'"} {
		f, err := parseFilter(filter)
		require.NoError(t, err)
		lo, _ := sim.jobIDRange(f, sim.nowMs())
		require.EqualValues(t, 1, lo, "%s can match finished jobs", filter)
	}
}

// A million jobs at the steady-state benchmark's rate (~600 ids per job life).
func TestDoneCountOfALargeHistory(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 1_000_000, JobRate: 0.04})
	unfinished := walkCursor(t, sim, "/admin/jobs", url.Values{"page[limit]": {"100"}, "sort": {"jobId"}, "filter": {"state ne 'DONE'"}})
	require.NotEmpty(t, unfinished)
	require.EqualValues(t, 1_000_000-len(unfinished), countJobsRequest(t, sim, "state eq 'DONE'"))
	require.EqualValues(t, len(unfinished), countJobsRequest(t, sim, "state ne 'DONE'"))
}

// countJobsRequest is POST /admin/jobs-count-requests for filter.
func countJobsRequest(t *testing.T, sim *Simulator, filter string) int64 {
	t.Helper()
	body, err := json.Marshal(map[string]any{"data": map[string]any{"type": "jobCount", "attributes": map[string]any{"filter": filter}}})
	require.NoError(t, err)
	rec := do(t, sim, http.MethodPost, "/admin/jobs-count-requests", string(body),
		"Content-Type", "application/vnd.netbackup+json;version=13.0")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var out struct {
		Data struct {
			Attributes struct {
				Count int64 `json:"count"`
			} `json:"attributes"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
	return out.Data.Attributes.Count
}
