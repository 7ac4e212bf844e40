package netbackup

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// healthPoints returns the metrics of one measurement, in emission order.
func healthPoints(acc *testutil.Accumulator, measurement string) []*testutil.Metric {
	var out []*testutil.Metric
	for _, m := range acc.GetTelegrafMetrics() {
		if m.Name() == measurement {
			out = append(out, &testutil.Metric{Measurement: m.Name(), Tags: m.Tags(), Fields: m.Fields(), Time: m.Time()})
		}
	}
	return out
}

// healthCollectorErrors returns the errors the gather reported.
func healthCollectorErrors(acc *testutil.Accumulator) []string {
	acc.Lock()
	defer acc.Unlock()
	var out []string
	for _, err := range acc.Errors {
		out = append(out, err.Error())
	}
	return out
}

// healthInfoLines returns the I! lines a CaptureLogger received.
func healthInfoLines(log *testutil.CaptureLogger) []string {
	var lines []string
	for _, m := range log.Messages() {
		if m.Level == testutil.LevelInfo {
			lines = append(lines, m.Text)
		}
	}
	return lines
}

// healthFixture is a small vendor-shaped NetBackup: GET /netbackup/ping
// answers the API version and the server clock; each other path is served
// by the handler registered for it, or 404 with the error envelope.
type healthFixture struct {
	version string
	now     time.Time

	mu       sync.Mutex
	routes   map[string]http.HandlerFunc
	requests []string // path?query of every authenticated request
}

func newHealthFixture(version string, now time.Time) *healthFixture {
	return &healthFixture{version: version, now: now, routes: make(map[string]http.HandlerFunc)}
}

func (f *healthFixture) handle(path string, h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[path] = h
}

func (f *healthFixture) requestLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

func (f *healthFixture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rel := strings.TrimPrefix(r.URL.Path, "/netbackup")
	if rel == "/ping" {
		w.Header().Set("X-NetBackup-API-Version", f.version)
		w.Header().Set("Content-Type", "text/vnd.netbackup+plain;version="+f.version)
		fmt.Fprint(w, strconv.FormatInt(f.now.UnixMilli(), 10))
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, rel+"?"+r.URL.RawQuery)
	h := f.routes[rel]
	f.mu.Unlock()
	if h == nil {
		healthWriteError(w, http.StatusNotFound, 227, "no entity was found")
		return
	}
	h(w, r)
}

// healthWriteJSON answers with a NetBackup media type.
func healthWriteJSON(w http.ResponseWriter, body any) {
	w.Header().Set("Content-Type", "application/vnd.netbackup+json;version=13.0")
	_ = json.NewEncoder(w).Encode(body)
}

// healthWriteError answers with the NetBackup error envelope.
func healthWriteError(w http.ResponseWriter, status int, code int64, message string) {
	w.Header().Set("Content-Type", "application/vnd.netbackup+json;version=13.0")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errorCode": code, "errorMessage": message, "errorDetails": []string{}})
}

// healthFixtureFile reads testdata/health/<name>.
func healthFixtureFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "health", name))
	require.NoError(t, err)
	return data
}

// healthServeFile answers with a fixture file as it is.
func healthServeFile(t *testing.T, name string) http.HandlerFunc {
	data := healthFixtureFile(t, name)
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.netbackup+json;version=13.0")
		_, _ = w.Write(data)
	}
}

// healthRaw GETs path from the server directly (not through the plugin's
// client), so that tests compare the plugin with an independent reading.
func healthRaw(t *testing.T, ts *httptest.Server, pathAndQuery string, out any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+"/netbackup"+pathAndQuery, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "k")
	req.Header.Set("Accept", "application/vnd.netbackup+json;version=13.0")
	resp, err := ts.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, pathAndQuery)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
}

// healthRawItems GETs a whole collection in one page of 1000 items and
// fails if the collection is larger (the test datasets are smaller).
func healthRawItems[A any](t *testing.T, ts *httptest.Server, path string) []nbuapi.Resource[A] {
	t.Helper()
	var answer struct {
		Data []nbuapi.Resource[A] `json:"data"`
	}
	healthRaw(t, ts, path+"?page%5Blimit%5D=1000", &answer)
	require.Less(t, len(answer.Data), 1000, "the dataset outgrew the single page this helper reads")
	return answer.Data
}
