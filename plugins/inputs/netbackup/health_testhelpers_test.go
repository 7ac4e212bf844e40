package netbackup

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

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

// setNow moves the server clock that /ping answers.
func (f *healthFixture) setNow(now time.Time) {
	f.mu.Lock()
	f.now = now
	f.mu.Unlock()
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
		f.mu.Lock()
		now := f.now
		f.mu.Unlock()
		fmt.Fprint(w, strconv.FormatInt(now.UnixMilli(), 10))
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

// healthServeFile answers with a fixture file as it is.
func healthServeFile(t *testing.T, name string) http.HandlerFunc {
	data := fixture(t, "health", name)
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.netbackup+json;version=13.0")
		_, _ = w.Write(data)
	}
}

// healthRaw GETs path from the server directly (not through the plugin's
// client), so that tests compare the plugin with an independent reading.
func healthRaw(t *testing.T, env *testEnv, pathAndQuery string, out any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, env.server.URL+"/netbackup"+pathAndQuery, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", testAPIKey)
	req.Header.Set("Accept", "application/vnd.netbackup+json;version=13.0")
	resp, err := env.server.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, pathAndQuery)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
}

// healthRawItems GETs a whole collection in one page of 1000 items and
// fails if the collection is larger (the test datasets are smaller).
func healthRawItems[A any](t *testing.T, env *testEnv, path string) []nbuapi.Resource[A] {
	t.Helper()
	var answer struct {
		Data []nbuapi.Resource[A] `json:"data"`
	}
	healthRaw(t, env, path+"?page%5Blimit%5D=1000", &answer)
	require.Less(t, len(answer.Data), 1000, "the dataset outgrew the single page this helper reads")
	return answer.Data
}

// gatherWithoutEndpoints gathers twice with one collector from a server
// (API apiVersion) that has none of its endpoints: each gather reports no
// error and no point of measurement. It returns the info lines logged, for
// the caller to check that the absence was said once.
func gatherWithoutEndpoints(t *testing.T, apiVersion, collector, measurement string) []string {
	t.Helper()
	env := serveFixture(t, newHealthFixture(apiVersion, time.Now()))
	p := newTestPlugin(t, on(env), collect(collector))
	for range 2 {
		acc := gatherOnce(t, p)
		require.Empty(t, errorsOf(acc))
		require.Empty(t, metricsNamed(acc, measurement))
	}
	return logLines(env.log, testutil.LevelInfo)
}
