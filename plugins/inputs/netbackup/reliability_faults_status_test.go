package netbackup

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// Fault matrix, status codes: what the server answers instead of the
// data (busy, broken, too old for the request, an expired cursor).
func relStatusRows() []relFaultRow {
	return []relFaultRow{
		relAllServed("429 with Retry-After seconds, twice, then served", 2).
			withFaults(relUnitsFault(nbusim.Fault{Kind: nbusim.FaultStatus, Status: 429, RetryAfter: "1", Count: 2})),
		relStatusRow("429 with Retry-After as HTTP-date, persistent", 429, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat),
			"collector storage", "storage units (/storage/storage-units)", "GET /storage/storage-units: 429 Too Many Requests", "Too many requests"),
		relStatusRow("429 with Retry-After as ISO date-time, persistent", 429, time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z"),
			"GET /storage/storage-units: 429 Too Many Requests"),
		relStatusRow("500 persistent", 500, "", "GET /storage/storage-units: 500 Internal Server Error", "system error occurred"),
		relStatusRow("502 persistent", 502, "", "GET /storage/storage-units: 502 Bad Gateway"),
		relStatusRow("503 with Retry-After, persistent", 503, "2", "GET /storage/storage-units: 503 Service Unavailable", "The server is busy"),
		relAllServed("503 once, then served", 1).
			withFaults(relUnitsFault(nbusim.Fault{Kind: nbusim.FaultStatus, Status: 503, Count: 1})),
		relStatusRow("504 persistent", 504, "", "GET /storage/storage-units: 504 Gateway Timeout"),
		{
			name:    "404 on tape media: the server's API lacks it",
			faults:  []nbusim.Fault{{PathPrefix: tapeMediaPath, Kind: nbusim.FaultStatus, Status: 404}},
			collect: []string{"tape"},
			up:      1,
			present: []string{"netbackup_drive"},
			absent:  []string{"netbackup_tape_media"},
			retries: 0,
			failed:  1, // the 404, which is not reported as an error
			check: func(t testing.TB, run *relRun, _ *NetBackup, _ *testutil.Accumulator) {
				relRequireLog(t, run.env, "not collecting tape media: the server's API does not have them (404)")
			},
		},
		{
			name:    "tape media on NetBackup 10.3: not asked for",
			sim:     func(c *nbusim.Config) { c.Release = "10.3" },
			collect: []string{"tape"},
			up:      1,
			present: []string{"netbackup_drive"},
			absent:  []string{"netbackup_tape_media"},
			retries: 0,
			failed:  0,
			check: func(t testing.TB, run *relRun, _ *NetBackup, _ *testutil.Accumulator) {
				for _, r := range run.env.sim.Requests() {
					require.NotContains(t, r.Path, tapeMediaPath)
				}
				relRequireLog(t, run.env, "not collecting tape media: API version 10.0 is older than 11.0")
			},
		},
		{
			name:    "406: api_version set above the server's",
			sim:     func(c *nbusim.Config) { c.Release = "10.3" },
			tune:    func(_ testing.TB, _ *testEnv, p *NetBackup) { p.APIVersion = "13.0" },
			up:      0,
			errs:    []string{"GET /ping: 406 Not Acceptable", "set api_version to an older version"},
			absent:  relStorageSet,
			retries: 0,
			failed:  1,
		},
		{
			name:    "406: version fallback by probing when /ping does not say",
			sim:     func(c *nbusim.Config) { c.Release = "10.3" },
			front:   relStripVersionHeader,
			up:      1,
			present: relStorageSet,
			retries: 0,
			failed:  0,
			check: func(t testing.TB, run *relRun, _ *NetBackup, acc *testutil.Accumulator) {
				api := relAPIPoints(acc)["127.0.0.1"]
				v, _ := api.GetTag("api_version")
				require.Equal(t, "10.0", v)
				refused := 0
				for _, r := range run.env.sim.Requests() {
					if r.Status == http.StatusNotAcceptable {
						refused++
					}
				}
				require.Equal(t, 4, refused, "14.0, 13.0, 12.0 and 11.0 refused, then 10.0")
			},
		},
		{
			name:    "expired cursor mid-pagination, once",
			sim:     relJobsSim,
			faults:  []nbusim.Fault{{PathPrefix: "/admin/jobs", Kind: nbusim.FaultExpiredCursor, Count: 1}},
			collect: []string{"jobs"},
			up:      1,
			present: []string{jobMeasurement},
			retries: 0,
			failed:  1, // the page whose cursor expired; the walk restarted
			check: func(t testing.TB, run *relRun, _ *NetBackup, acc *testutil.Accumulator) {
				require.Equal(t, 1, run.env.sim.FaultsFired()[nbusim.FaultExpiredCursor])
				now := run.env.sim.Now()
				relRequireJobsOnce(t, run.env.sim.FinishedJobIDs(now.Add(-time.Hour), now), acc)
			},
		},
		{
			name:    "expired cursor mid-pagination, persistent",
			sim:     relJobsSim,
			faults:  []nbusim.Fault{{PathPrefix: "/admin/jobs", Kind: nbusim.FaultExpiredCursor}},
			collect: []string{"jobs"},
			up:      1,
			errs:    []string{"reading finished jobs (continuing after job", "GET /admin/jobs: 400 Bad Request", "has expired or is invalid"},
			present: []string{jobMeasurement},
			retries: 0,
			failed:  walkRestarts + 2, // every try of the walk, and the unfinished jobs
			check:   relCheckCursorCatchUp,
		},
	}
}

func relJobsSim(c *nbusim.Config) {
	c.Jobs, c.JobRate, c.Seed = 3000, 0.2, 7
	c.Start = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
}

// relStripVersionHeader hides X-NetBackup-API-Version on /ping, as servers
// before it existed do, so that the client must probe.
func relStripVersionHeader(_ *testEnv, sim http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sim.ServeHTTP(&relHeaderStripper{ResponseWriter: w, name: "X-NetBackup-API-Version"}, r)
	})
}

type relHeaderStripper struct {
	http.ResponseWriter
	name string
}

func (s *relHeaderStripper) WriteHeader(status int) {
	s.Header().Del(s.name)
	s.ResponseWriter.WriteHeader(status)
}

func (s *relHeaderStripper) Write(b []byte) (int, error) {
	s.Header().Del(s.name)
	return s.ResponseWriter.Write(b)
}

func (s *relHeaderStripper) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// relRequireJobsOnce checks that a gather emitted exactly the jobs want.
func relRequireJobsOnce(t testing.TB, want []int64, accs ...*testutil.Accumulator) {
	t.Helper()
	var got []int64
	for _, acc := range accs {
		for _, m := range acc.GetTelegrafMetrics() {
			if m.Name() == jobMeasurement {
				v, _ := m.GetField("job_id")
				got = append(got, v.(int64))
			}
		}
	}
	slices.Sort(got)
	require.Greater(t, len(want), 2*walkPageLimit, "the test needs several pages")
	require.Equal(t, want, got)
}

// relCheckCursorCatchUp: the persistent expired cursor stops the walk after
// its first page; once cleared, the next gather continues where it stood.
func relCheckCursorCatchUp(t testing.TB, run *relRun, p *NetBackup, acc *testutil.Accumulator) {
	emitted := len(metricsNamed(acc, jobMeasurement))
	// Each of the walk's tries reads its first page (no cursor yet) and
	// continues after the last job handled: those jobs stay emitted.
	require.Equal(t, (walkRestarts+1)*walkPageLimit, emitted)
	run.env.sim.ClearFaults()
	next := run.gather(t, p)
	require.Empty(t, errorText(next))
	now := run.env.sim.Now()
	relRequireJobsOnce(t, run.env.sim.FinishedJobIDs(now.Add(-time.Hour), now), acc, next)
}
