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

// sparseIDsSim: ten old jobs (all DONE), numbered 1000-1004 and 9000-9004.
func sparseIDsSim(t *testing.T) *Simulator {
	return newTestSim(t, Config{Jobs: 10, JobRate: 0.0001, JobIDs: []JobIDRange{{First: 1000, Count: 5}, {First: 9000, Count: 5}}})
}

// walkIDs lists the job ids of GET /admin/jobs?filter (sorted by sort),
// following the cursors with pages of limit.
func walkIDs(t *testing.T, sim *Simulator, filter, sort string, limit int) []int64 {
	t.Helper()
	var ids []int64
	after := ""
	for range 100 {
		q := url.Values{"sort": {sort}, "page[limit]": {strconv.Itoa(limit)}}
		if filter != "" {
			q.Set("filter", filter)
		}
		if after != "" {
			q.Set("page[after]", after)
		}
		rec := do(t, sim, http.MethodGet, "/admin/jobs?"+q.Encode(), "")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var page struct {
			Data []struct {
				ID         string `json:"id"`
				Attributes struct {
					JobID int64 `json:"jobId"`
				} `json:"attributes"`
			} `json:"data"`
			Meta struct {
				Pagination struct {
					Next string `json:"next"`
				} `json:"pagination"`
			} `json:"meta"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
		for _, d := range page.Data {
			require.Equal(t, itoa64(d.Attributes.JobID), d.ID)
			ids = append(ids, d.Attributes.JobID)
		}
		if page.Meta.Pagination.Next == "" {
			return ids
		}
		after = page.Meta.Pagination.Next
	}
	t.Fatal("the walk did not end")
	return nil
}

func TestJobIDRangesNumberTheJobs(t *testing.T) {
	sim := sparseIDsSim(t)
	all := []int64{1000, 1001, 1002, 1003, 1004, 9000, 9001, 9002, 9003, 9004}
	require.Equal(t, all, walkIDs(t, sim, "", "jobId", 3))
	require.Equal(t, []int64{9004, 9003, 9002, 9001, 9000, 1004, 1003, 1002, 1001, 1000}, walkIDs(t, sim, "", "-jobId", 4))
	require.Equal(t, []int64{1003, 1004, 9000, 9001}, walkIDs(t, sim, "jobId gt 1002 and jobId le 9001", "jobId", 2))
	require.Empty(t, walkIDs(t, sim, "jobId gt 1004 and jobId lt 9000", "jobId", 2), "nothing in the gap")
	require.Equal(t, int64(5), countJobsRequest(t, sim, "jobId gt 1004"))
	require.Equal(t, int64(2), countJobsRequest(t, sim, "jobId gt 1002 and jobId le 8000"))

	require.Equal(t, http.StatusOK, do(t, sim, http.MethodGet, "/admin/jobs/9002", "").Code)
	require.Equal(t, http.StatusNotFound, do(t, sim, http.MethodGet, "/admin/jobs/5", "").Code)
	rec, ok := sim.Job(1004)
	require.True(t, ok)
	require.Equal(t, int64(1004), rec.JobID)
	require.Equal(t, all, sim.FinishedJobIDs(time.Time{}, sim.Now()))
}

func TestParseJobIDRanges(t *testing.T) {
	got, err := ParseJobIDRanges("1000+250, 5000000+4")
	require.NoError(t, err)
	require.Equal(t, []JobIDRange{{1000, 250}, {5000000, 4}}, got)
	for _, bad := range []string{"1000", "1000+x", "1000+0", "1000+10,1005+1", "0+3"} {
		_, err := ParseJobIDRanges(bad)
		require.Error(t, err, bad)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
