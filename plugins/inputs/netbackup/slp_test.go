package netbackup

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

type slpSeries struct{ slp, state string }

// The backlog per SLP and state equals what an independent reading of the
// simulator's SLP images says, and COMPLETE images are left out.
func TestSLPBacklogMatchesSimulator(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	p := newTestPlugin(t, on(env), collect("slp"))
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))

	now := env.sim.Now()
	wantImages := make(map[slpSeries]int64)
	wantAge := make(map[slpSeries]int64)
	for _, im := range healthRawItems[slpImageAttributes](t, env, "/catalog/slp-images") {
		a := im.Attributes
		if !slices.Contains(slpBacklogStates, a.SLPImageState) {
			continue
		}
		key := slpSeries{a.SLPName, a.SLPImageState}
		wantImages[key]++
		age := int64(now.Sub(a.BackupTime.Time) / time.Second)
		if age > wantAge[key] {
			wantAge[key] = age
		}
	}
	require.NotEmpty(t, wantImages, "the default dataset has a backlog")

	gotImages := make(map[slpSeries]int64)
	gotAge := make(map[slpSeries]int64)
	for _, m := range metricsNamed(acc, "netbackup_slp_backlog") {
		require.Equal(t, testSource(env.server), m.Tags["source"])
		key := slpSeries{m.Tags["slp_name"], m.Tags["state"]}
		gotImages[key] = m.Fields["images"].(int64)
		gotAge[key] = m.Fields["oldest_backup_age_seconds"].(int64)
		require.NotContains(t, m.Fields, "bytes")
	}
	require.Equal(t, wantImages, gotImages)
	require.Equal(t, wantAge, gotAge)
}

// slpFixtureImages serves slp-images from a list that the test changes,
// ignoring the filter (as a server without filter support would), in pages
// of two with cursors.
type slpFixtureImages struct {
	mu     sync.Mutex
	images []map[string]any
}

func (s *slpFixtureImages) set(images ...map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.images = images
}

func (s *slpFixtureImages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := 0
	if after := r.URL.Query().Get("page[after]"); after != "" {
		start = int(after[0] - '0')
	}
	end := min(start+2, len(s.images))
	data := make([]any, 0, 2)
	for _, im := range s.images[start:end] {
		data = append(data, map[string]any{"type": "slpImage", "id": im["backupId"], "attributes": im})
	}
	pagination := map[string]any{"limit": 2}
	if end < len(s.images) {
		pagination["next"] = string(rune('0' + end))
	}
	healthWriteJSON(w, map[string]any{"data": data, "meta": map[string]any{"pagination": pagination}, "links": map[string]any{}})
}

func slpImage(id, slp, state string, backupTime time.Time) map[string]any {
	return map[string]any{
		"backupId": id, "clientName": "c1", "policyName": "p1", "policyType": "STANDARD", "scheduleType": "FULL",
		"slpName": slp, "slpImageState": state, "backupTime": backupTime.UTC().Format("2006-01-02T15:04:05.000Z"),
		"copies": []any{map[string]any{"copyNumber": 1, "copyType": "BACKUP", "copyState": "COPYCOMPLETE",
			"fragments": []any{map[string]any{"fragmentSize": 524288, "mediaId": "@aaaab", "mediaType": "DISK"}}}},
	}
}

// A server that ignores the filter must not make each image count four
// times; a drained backlog is reported as 0 for a day, then dropped; every
// page is read.
func TestSLPBacklogFixture(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	fx := newHealthFixture("13.0", now)
	images := &slpFixtureImages{}
	images.set(
		slpImage("c1_1", "gold", "NOT_STARTED", now.Add(-2*time.Hour)),
		slpImage("c1_2", "gold", "NOT_STARTED", now.Add(-time.Hour)),
		slpImage("c1_3", "gold", "IN_PROCESS", now.Add(-30*time.Minute)),
		slpImage("c1_4", "silver", "COMPLETE", now.Add(-48*time.Hour)),
		slpImage("c1_5", "silver", "NOT_STARTED | INACTIVE", now.Add(-3*time.Hour)),
	)
	fx.handle("/catalog/slp-images", images.ServeHTTP)
	env := serveFixture(t, fx)
	p := newTestPlugin(t, on(env), collect("slp"))

	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	tm := time.Unix(0, 0)
	expected := []*testutil.Metric{
		{Measurement: "netbackup_slp_backlog", Tags: map[string]string{"source": testSource(env.server), "slp_name": "gold", "state": "IN_PROCESS"},
			Fields: map[string]interface{}{"images": int64(1), "oldest_backup_age_seconds": int64(1800)}, Time: tm},
		{Measurement: "netbackup_slp_backlog", Tags: map[string]string{"source": testSource(env.server), "slp_name": "gold", "state": "NOT_STARTED"},
			Fields: map[string]interface{}{"images": int64(2), "oldest_backup_age_seconds": int64(7200)}, Time: tm},
		{Measurement: "netbackup_slp_backlog", Tags: map[string]string{"source": testSource(env.server), "slp_name": "silver", "state": "NOT_STARTED|INACTIVE"},
			Fields: map[string]interface{}{"images": int64(1), "oldest_backup_age_seconds": int64(10800)}, Time: tm},
	}
	requireHealthPoints(t, expected, metricsNamed(acc, "netbackup_slp_backlog"))

	var filters []string
	for _, req := range fx.requestLog() {
		require.Contains(t, req, "page%5Blimit%5D=1000")
		if strings.Contains(req, "page%5Bafter%5D=") {
			filters = append(filters, "after")
		}
	}
	require.NotEmpty(t, filters, "the collector follows the cursor")

	images.set()
	acc = gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	for i := range expected {
		expected[i].Fields = map[string]interface{}{"images": int64(0)}
	}
	requireHealthPoints(t, expected, metricsNamed(acc, "netbackup_slp_backlog"))

	fx.setNow(now.Add(23 * time.Hour))
	requireHealthPoints(t, expected, metricsNamed(gatherOnce(t, p), "netbackup_slp_backlog"))
	fx.setNow(now.Add(25 * time.Hour))
	require.Empty(t, metricsNamed(gatherOnce(t, p), "netbackup_slp_backlog"), "drained for more than a day: dropped")
}

// A release without /catalog/slp-images: no metric, no error, one log line
// however many gathers.
func TestSLPEndpointMissing(t *testing.T) {
	lines := gatherWithoutEndpoints(t, "4.0", "slp", "netbackup_slp_backlog")
	require.Len(t, lines, 1)
	require.Contains(t, lines[0], "/catalog/slp-images")
	require.Contains(t, lines[0], "slp")
}

// An empty backlog emits nothing (there is no series to bring back to 0).
func TestSLPBacklogEmpty(t *testing.T) {
	fx := newHealthFixture("13.0", time.Now())
	fx.handle("/catalog/slp-images", (&slpFixtureImages{}).ServeHTTP)
	env := serveFixture(t, fx)
	p := newTestPlugin(t, on(env), collect("slp"))
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	require.Empty(t, metricsNamed(acc, "netbackup_slp_backlog"))
	require.Len(t, fx.requestLog(), len(slpBacklogStates), "one query per unfinished state")
}

// requireHealthPoints compares points ignoring time.
func requireHealthPoints(t *testing.T, expected, actual []*testutil.Metric) {
	t.Helper()
	strip := func(in []*testutil.Metric) []testutil.Metric {
		out := make([]testutil.Metric, 0, len(in))
		for _, m := range in {
			out = append(out, testutil.Metric{Measurement: m.Measurement, Tags: m.Tags, Fields: m.Fields})
		}
		return out
	}
	require.Equal(t, strip(expected), strip(actual))
}
