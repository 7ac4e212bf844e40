package netbackup

import (
	stdjson "encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	gojson "github.com/goccy/go-json"
	segjson "github.com/segmentio/encoding/json"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// Decoding cost of one page of 100 jobs, as the simulator sends it (about
// 2 KB of JSON per job, ~75 attributes of which the plugin reads 27): the
// plugin's decode (encoding/json into testPage[jobAttributes]) against two
// faster libraries, and what each needs merely to validate the same bytes.
//
//	go test ./plugins/inputs/netbackup -run '^$' -bench BenchmarkDecodeJobsPage -benchmem

// jsonLibrary is one decoder under comparison.
type jsonLibrary struct {
	name      string
	unmarshal func([]byte, any) error
	valid     func([]byte) bool
}

var jsonLibraries = []jsonLibrary{
	{"encoding_json", stdjson.Unmarshal, stdjson.Valid},
	{"goccy_go_json", gojson.Unmarshal, gojson.Valid},
	{"segmentio_encoding", segjson.Unmarshal, segjson.Valid},
}

var decodeBenchStart = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// simJobsPage is one /admin/jobs page body of 100 jobs from the simulator
// (through ServeHTTP, no network), as the backfill reads it.
func simJobsPage(t testing.TB, release, query string) []byte {
	t.Helper()
	sim, err := nbusim.New(nbusim.Config{Release: release, APIKey: "k", Jobs: 200_000, Start: decodeBenchStart, Seed: 7})
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodGet, "https://nbu.test/netbackup/admin/jobs?"+query, nil)
	req.Header.Set("Authorization", "k")
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	return rec.Body.Bytes()
}

const decodeBenchQuery = "page[limit]=100&sort=jobId&page[after]=100000&filter=state%20eq%20%27DONE%27"

func BenchmarkDecodeJobsPage(b *testing.B) {
	body := simJobsPage(b, "11.0", decodeBenchQuery)
	var probe testPage[jobAttributes]
	require.NoError(b, stdjson.Unmarshal(body, &probe))
	jobs := len(probe.Data)
	require.Equal(b, 100, jobs)
	for _, lib := range jsonLibraries {
		b.Run(lib.name+"/decode", func(b *testing.B) {
			decode := func() {
				var p testPage[jobAttributes]
				if err := lib.unmarshal(body, &p); err != nil {
					b.Fatal(err)
				}
			}
			reportPerJob(b, body, jobs, decode)
		})
		b.Run(lib.name+"/validate", func(b *testing.B) {
			validate := func() {
				if !lib.valid(body) {
					b.Fatal("invalid JSON")
				}
			}
			reportPerJob(b, body, jobs, validate)
		})
	}
}

// reportPerJob runs fn b.N times and reports time and allocations per job.
func reportPerJob(b *testing.B, body []byte, jobs int, fn func()) {
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	allocs := testing.AllocsPerRun(5, fn)
	b.ResetTimer()
	for range b.N {
		fn()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(jobs), "ns/job")
	b.ReportMetric(allocs/float64(jobs), "allocs/job")
}

// TestDecodersAgreeOnJobPages: a faster library may only replace
// encoding/json if it decodes every job page into the same values: the
// vendor-shaped fixtures (odd values included) and simulator pages of both
// API generations. It runs with the normal tests (a few pages: cheap).
func TestDecodersAgreeOnJobPages(t *testing.T) {
	bodies := map[string][]byte{
		"sim 11.0": simJobsPage(t, "11.0", decodeBenchQuery),
		"sim 8.3":  simJobsPage(t, "8.3", "page[limit]=100&page[offset]=5000&filter=state%20eq%20%27DONE%27"),
	}
	fixtures, err := filepath.Glob(filepath.Join("testdata", "jobs", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, fixtures)
	for _, name := range fixtures {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		bodies[filepath.Base(name)] = data
	}
	for name, body := range bodies {
		var want testPage[jobAttributes]
		require.NoError(t, stdjson.Unmarshal(body, &want), name)
		require.NotEmpty(t, want.Data, name)
		for _, lib := range jsonLibraries[1:] {
			var got testPage[jobAttributes]
			require.NoError(t, lib.unmarshal(body, &got), "%s with %s", name, lib.name)
			require.Equal(t, want, got, "%s with %s", name, lib.name)
			require.True(t, lib.valid(body), "%s with %s", name, lib.name)
		}
	}
}
