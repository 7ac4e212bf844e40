package netbackup

import (
	stdjson "encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	gojson "github.com/goccy/go-json"
	segjson "github.com/segmentio/encoding/json"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// Decoding cost of one page of 100 jobs, as the simulator sends it (about
// 2 KB of JSON per job, ~75 attributes of which the plugin reads 27): the
// plugin's decoder (nbuapi's one-pass scanner, job attributes by hand), the
// same page through the reflection path every other collector uses
// (encoding/json/v2 semantics), and what three libraries need merely to
// validate the same bytes: a floor for any decoder built on them.
//
//	go test ./plugins/inputs/netbackup -run '^$' -bench BenchmarkDecodeJobsPage -benchmem

// reflectedJobAttributes has jobAttributes' fields without its methods: it
// decodes through the generic path (reflection), the reference the hand
// decoder must agree with.
type reflectedJobAttributes jobAttributes

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
	b.Run("plugin/decode", func(b *testing.B) {
		reportPerJob(b, body, 100, func() {
			items, skipped, err := nbuapi.DecodePage[jobAttributes](body)
			if err != nil || len(items) != 100 || len(skipped) != 0 {
				b.Fatal(err, len(items), len(skipped))
			}
		})
	})
	b.Run("reflection/decode", func(b *testing.B) {
		reportPerJob(b, body, 100, func() {
			if _, _, err := nbuapi.DecodePage[reflectedJobAttributes](body); err != nil {
				b.Fatal(err)
			}
		})
	})
	for _, lib := range []struct {
		name  string
		valid func([]byte) bool
	}{
		{"encoding_json", stdjson.Valid},
		{"goccy_go_json", gojson.Valid},
		{"segmentio_encoding", segjson.Valid},
	} {
		b.Run(lib.name+"/validate", func(b *testing.B) {
			reportPerJob(b, body, 100, func() {
				if !lib.valid(body) {
					b.Fatal("invalid JSON")
				}
			})
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

// TestJobDecodersAgree: the hand decoder of job attributes must read every
// job page exactly as the reflection path does: the vendor-shaped fixtures
// (odd values included) and simulator pages of both API generations.
func TestJobDecodersAgree(t *testing.T) {
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
		requireSameJobs(t, name, body)
	}
}

// requireSameJobs decodes body both ways and requires the same items, the
// same items left out, or the same failure. One difference is by design
// and not compared: the hand decoder matches names exactly (NetBackup
// spells them the same in every release, and folding every name of a job
// cost 30 % more time per job), the reflection path also in other cases.
func requireSameJobs(t *testing.T, name string, body []byte) {
	t.Helper()
	if respelled := respelledJobAttribute(body); respelled != "" {
		t.Logf("%s: %q is a job attribute spelled otherwise: read only by the reflection path", name, respelled)
		return
	}
	got, gotSkipped, gotErr := nbuapi.DecodePage[jobAttributes](body)
	want, wantSkipped, wantErr := nbuapi.DecodePage[reflectedJobAttributes](body)
	if wantErr != nil {
		require.Error(t, gotErr, "%s: the reflection path fails with %v", name, wantErr)
		return
	}
	require.NoError(t, gotErr, name)
	require.Len(t, got, len(want), name)
	for i := range want {
		require.Equal(t, jobAttributes(want[i].Attributes), got[i].Attributes, "%s: item %d", name, i)
		require.Equal(t, want[i].ID, got[i].ID, name)
	}
	require.Len(t, gotSkipped, len(wantSkipped), name)
	for i := range wantSkipped {
		require.Equal(t, wantSkipped[i].ID, gotSkipped[i].ID, name)
		require.Equal(t, wantSkipped[i].Attribute, gotSkipped[i].Attribute, name)
	}
}

// respelledJobAttribute is a quoted text of body that names a job
// attribute the way the reflection path matches names (ignoring case, '-'
// and '_') without being its exact name; "" when there is none.
func respelledJobAttribute(body []byte) string {
	exact := make(map[string]string)
	t := reflect.TypeFor[jobAttributes]()
	for i := range t.NumField() {
		if n, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); n != "" {
			exact[foldJSONName(n)] = n
		}
	}
	for _, m := range quotedText.FindAllSubmatch(body, -1) {
		text := string(m[1])
		// "\u004aobId" is the name "JobId" to a JSON decoder.
		if unquoted, err := strconv.Unquote(strings.ReplaceAll(string(m[0]), `\/`, "/")); err == nil {
			text = unquoted
		}
		if n, ok := exact[foldJSONName(text)]; ok && n != text {
			return text
		}
	}
	return ""
}

var quotedText = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)

// foldJSONName folds a name as encoding/json/v2 does when it ignores case:
// without '-' and '_', each letter the least of its case-folding class.
func foldJSONName(name string) string {
	var b strings.Builder
	for _, c := range name {
		if c == '-' || c == '_' {
			continue
		}
		least := c
		for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}
