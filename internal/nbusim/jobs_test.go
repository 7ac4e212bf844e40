package nbusim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestJobsCursorWalkSeesEveryJobOnce(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 537})
	for _, sort := range []string{"", "jobId", "-jobId", "endTime", "-lastUpdateTime"} {
		t.Run("sort="+sort, func(t *testing.T) {
			q := url.Values{"page[limit]": {"50"}}
			if sort != "" {
				q.Set("sort", sort)
			}
			ids := walkCursor(t, sim, "/admin/jobs", q)
			require.Len(t, ids, 537)
			seen := map[string]bool{}
			for _, id := range ids {
				require.False(t, seen[id], "job %s twice", id)
				seen[id] = true
			}
			if sort == "" || sort == "-jobId" {
				require.Equal(t, "537", ids[0])
				require.Equal(t, "1", ids[len(ids)-1])
			}
		})
	}
}

func TestJobsDefaultPageAndLimits(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 30})
	p := decodePage(t, get(t, sim, "/admin/jobs"))
	require.Len(t, p.Data, 10)
	require.Equal(t, "30", p.Data[0].ID, "default sort is -startTime")
	require.Equal(t, float64(10), p.Meta.Pagination["limit"])
	require.Contains(t, p.Links, "next")

	rec := get(t, sim, "/admin/jobs?page%5Blimit%5D=101")
	require.Equal(t, http.StatusBadRequest, rec.Code)
	e := errorEnvelopeOf(t, rec)
	require.EqualValues(t, codeInvalidRequest, e.ErrorCode)

	// encoded and raw bracket names mean the same thing
	enc := decodePage(t, get(t, sim, "/admin/jobs?page%5Blimit%5D=3"))
	raw := decodePage(t, get(t, sim, "/admin/jobs?page[limit]=3"))
	require.Len(t, enc.Data, 3)
	require.Equal(t, enc.Data, raw.Data)
}

func TestJobsBeforeCursorReturnsPreviousPage(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 40})
	first := decodePage(t, get(t, sim, "/admin/jobs?page[limit]=5&sort=jobId"))
	second := decodePage(t, get(t, sim, "/admin/jobs?page[limit]=5&sort=jobId&page[after]="+first.Meta.Pagination["next"].(string)))
	require.Equal(t, "6", second.Data[0].ID)
	back := decodePage(t, get(t, sim, "/admin/jobs?page[limit]=5&sort=jobId&page[before]="+second.Meta.Pagination["prev"].(string)))
	require.Equal(t, first.Data, back.Data)
}

func TestJobsOffsetPagingForAPI4(t *testing.T) {
	sim := newTestSim(t, Config{Release: "8.3", Jobs: 95})
	ids, count := walkOffset(t, sim, "/admin/jobs", url.Values{"page[limit]": {"20"}})
	require.Equal(t, 95, count)
	require.Len(t, ids, 95)
	require.Len(t, uniq(ids), 95)

	p := decodePage(t, get(t, sim, "/admin/jobs?page[limit]=1&filter=state%20eq%20'DONE'"))
	el := p.Data[0].Attributes["elapsedTime"].(string)
	require.Regexp(t, `^\d\d:\d\d:\d\d$`, el, "8.3 sends HH:MM:SS")
	require.Empty(t, p.Data[0].Meta.Page.Cursor, "no item cursor with offset paging")

	// an 11.0 server asked for version 4.0 also answers the old way
	sim11 := newTestSim(t, Config{Jobs: 20})
	old := decodePage(t, get(t, sim11, "/admin/jobs?page[limit]=2", "Accept", "application/vnd.netbackup+json;version=4.0"))
	require.Contains(t, old.Meta.Pagination, "count")
	cur := decodePage(t, get(t, sim11, "/admin/jobs?page[limit]=2"))
	require.Regexp(t, `^PT`, cur.Data[0].Attributes["elapsedTime"])
}

func uniq(ids []string) []string {
	s := slices.Clone(ids)
	slices.Sort(s)
	return slices.Compact(s)
}

func TestJobsFilterNarrows(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 400})
	all := walkCursor(t, sim, "/admin/jobs", url.Values{"page[limit]": {"100"}})
	done := walkCursor(t, sim, "/admin/jobs", url.Values{"page[limit]": {"100"}, "filter": {"state eq 'DONE'"}})
	require.NotEmpty(t, done)
	require.Less(t, len(done), len(all), "some jobs are still running")

	q := url.Values{"page[limit]": {"100"}, "sort": {"jobId"}, "filter": {"jobId ge 100 and jobId lt 150"}}
	ranged := walkCursor(t, sim, "/admin/jobs", q)
	require.Len(t, ranged, 50)
	require.Equal(t, "100", ranged[0])

	p := decodePage(t, get(t, sim, "/admin/jobs?page[limit]=100&filter="+url.QueryEscape("policyType eq 'NBU-Catalog'")))
	require.NotEmpty(t, p.Data, "catalog backups exist")
	for _, d := range p.Data {
		require.Equal(t, "DBBACKUP", d.Attributes["jobType"])
	}

	rec := get(t, sim, "/admin/jobs?filter="+url.QueryEscape("state eq"))
	require.Equal(t, http.StatusBadRequest, rec.Code)
	e := errorEnvelopeOf(t, rec)
	require.EqualValues(t, 8961, e.ErrorCode)
	require.NotEmpty(t, e.ErrorDetails)
}

func TestJobsTimeFilterMatchesBruteForce(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 600})
	since := testStart.Add(-3 * time.Hour)
	for _, attr := range []string{"lastUpdateTime", "endTime", "startTime"} {
		filter := attr + " gt " + since.Format("2006-01-02T15:04:05.000Z")
		got := walkCursor(t, sim, "/admin/jobs", url.Values{"page[limit]": {"100"}, "sort": {"jobId"}, "filter": {filter}})
		var want []string
		for id := int64(1); id <= 600; id++ {
			j, ok := sim.Job(id)
			require.True(t, ok)
			ts := map[string]time.Time{"lastUpdateTime": j.LastUpdateTime, "endTime": j.EndTime, "startTime": j.StartTime}[attr]
			if ts.After(since) {
				want = append(want, strconv.FormatInt(id, 10))
			}
		}
		require.Equal(t, want, got, attr)
		require.NotEmpty(t, got)
	}
}

func TestJobIDRangeIsNarrowForRecentTimes(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 1_000_000})
	f, err := parseFilter("lastUpdateTime gt " + testStart.Add(-time.Minute).Format(time.RFC3339))
	require.NoError(t, err)
	lo, hi := sim.jobIDRange(f, sim.nowMs())
	require.EqualValues(t, 1_000_000, hi)
	require.Less(t, hi-lo, int64(200_000), "a recent time bound must not scan the whole history")
	require.Greater(t, lo, int64(1))
}

func TestJobTimesStayWithinMaxLife(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 3000})
	m := sim.jobs
	for id := int64(1); id <= 3000; id++ {
		p := m.plan(id)
		require.GreaterOrEqual(t, p.activeMs, p.submitMs)
		require.Greater(t, p.endMs, p.activeMs)
		require.LessOrEqual(t, p.endMs-p.submitMs, m.maxLifeMs, "job %d", id)
		if id > 1 {
			require.Greater(t, p.submitMs, m.submitMs(id-1), "submit monotonic")
		}
	}
}

func TestJobDatasetShape(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 5000})
	states, statuses, types := map[string]int{}, map[int64]int{}, map[string]int{}
	bigKB, floatKB := 0, 0
	sameEndFamilies := 0
	for id := int64(1); id <= 5000; id++ {
		j, _ := sim.Job(id)
		states[j.State]++
		types[j.PolicyType]++
		if j.State == "DONE" {
			statuses[j.Status]++
		} else {
			require.Equal(t, time.Unix(0, 0).UTC(), j.EndTime, "unfinished jobs send the epoch")
		}
		if j.KilobytesTransferred > 1<<31 {
			bigKB++
		}
		if sim.jobs.plan(id).kbAsFloat {
			floatKB++
		}
		if j.ChildCount > 1 && j.State == "DONE" {
			c1, _ := sim.Job(id + 1)
			c2, _ := sim.Job(id + 2)
			require.Equal(t, id, c1.ParentJobID)
			require.Equal(t, c1.EndTime, c2.EndTime, "multi-stream children end together")
			sameEndFamilies++
		}
	}
	for _, s := range []string{"QUEUED", "ACTIVE", "DONE"} {
		require.Positive(t, states[s], s)
	}
	for _, st := range []int64{0, 1} {
		require.Positive(t, statuses[st], "status %d", st)
	}
	failures := 0
	for st, n := range statuses {
		if st > 1 {
			failures += n
		}
	}
	require.Positive(t, failures)
	require.Positive(t, types["MS-Windows"])
	require.Positive(t, types["NBU-Catalog"])
	require.Positive(t, bigKB)
	require.Positive(t, floatKB)
	require.Positive(t, sameEndFamilies)

	// JSON floats on the wire for those jobs
	for id := int64(1); id <= 5000; id++ {
		if sim.jobs.plan(id).kbAsFloat {
			rec := get(t, sim, "/admin/jobs/"+strconv.FormatInt(id, 10))
			require.Regexp(t, `"kilobytesTransferred":\d+\.0[,}]`, rec.Body.String())
			break
		}
	}
}

func TestSingleJobAndCount(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 120})
	rec := get(t, sim, "/admin/jobs/7")
	require.Equal(t, http.StatusOK, rec.Code)
	var one struct {
		Data struct {
			ID         string         `json:"id"`
			Attributes map[string]any `json:"attributes"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &one))
	require.Equal(t, "7", one.Data.ID)
	require.EqualValues(t, 7, one.Data.Attributes["jobId"])
	require.Equal(t, http.StatusNotFound, get(t, sim, "/admin/jobs/121").Code)

	body := `{"data":{"type":"jobCount","attributes":{"filter":"state eq 'DONE'"}}}`
	rec = do(t, sim, http.MethodPost, "/admin/jobs-count-requests", body,
		"Content-Type", "application/vnd.netbackup+json;version=13.0")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var cnt struct {
		Data struct {
			Type       string `json:"type"`
			Attributes struct {
				Count  int64  `json:"count"`
				Filter string `json:"filter"`
			} `json:"attributes"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &cnt))
	done := walkCursor(t, sim, "/admin/jobs", url.Values{"page[limit]": {"100"}, "filter": {"state eq 'DONE'"}})
	require.Equal(t, "jobCount", cnt.Data.Type)
	require.EqualValues(t, len(done), cnt.Data.Attributes.Count)
	require.Equal(t, "state eq 'DONE'", cnt.Data.Attributes.Filter)
}

func TestLiveProgressionWithAdvance(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 200, JobRate: 0.5})
	require.EqualValues(t, 200, sim.JobCount())
	before := map[int64]string{}
	for id := int64(150); id <= 200; id++ {
		j, _ := sim.Job(id)
		before[id] = j.State
	}
	sim.Advance(5 * time.Hour)
	require.EqualValues(t, 200+int(5*3600*0.5), sim.JobCount(), "new jobs arrive at JobRate")
	moved := 0
	for id := int64(150); id <= 200; id++ {
		j, _ := sim.Job(id)
		require.Equal(t, "DONE", j.State, "every job ends within maxLife")
		if before[id] != "DONE" {
			moved++
		}
	}
	require.Positive(t, moved)
	p := decodePage(t, get(t, sim, "/admin/jobs?page[limit]=1"))
	require.Equal(t, strconv.FormatInt(sim.JobCount(), 10), p.Data[0].ID)
}

func TestFinishedJobIDsMatchesDoneWalk(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 700})
	from := testStart.Add(-6 * time.Hour)
	sim.Advance(30 * time.Minute)
	to := sim.Now()
	want := sim.FinishedJobIDs(from, to)
	filter := "state eq 'DONE' and endTime gt " + from.Format("2006-01-02T15:04:05.000Z")
	got := walkCursor(t, sim, "/admin/jobs", url.Values{"page[limit]": {"100"}, "sort": {"jobId"}, "filter": {filter}})
	require.NotEmpty(t, want)
	gotIDs := make([]int64, len(got))
	for i, s := range got {
		gotIDs[i], _ = strconv.ParseInt(s, 10, 64)
	}
	require.Equal(t, want, gotIDs)
}
