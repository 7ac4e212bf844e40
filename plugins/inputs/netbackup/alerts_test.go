package netbackup

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// alertsFixture serves /manage/alerts like the vendor: newest first, offset
// paging, the createdDateTime ge filter applied; alerts can be added and the
// endpoint made to fail.
type alertsFixture struct {
	mu     sync.Mutex
	alerts []map[string]any // attributes plus "id"
	fail   bool
	// shifted plays an alert arriving between two page reads: every page
	// after the first starts one item early.
	shifted bool
}

func (f *alertsFixture) add(id, severity string, created time.Time, dateLayout string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.alerts = append(f.alerts, map[string]any{
		"id": id, "titleId": 1, "title": "Job failed", "descriptionId": 2,
		"description": "Backup job " + id + " failed", "category": "JOB", "subCategory": "MS-WINDOWS",
		"severity": severity, "context": "JOB_STATE_FAILED", "createdDateTime": created.UTC().Format(dateLayout),
		"tags": []string{"JOB"}, "systemDefined": true,
		"params":  map[string]any{"jobId": id, "status": "2074", "clientName": "client-" + id, "policyName": "pol", "erroMsg": "x"},
		"created": created,
	})
}

func (f *alertsFixture) setFail(fail bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = fail
}

func (f *alertsFixture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		healthWriteError(w, http.StatusInternalServerError, 130, "system error occurred")
		return
	}
	q := r.URL.Query()
	var since time.Time
	if after, ok := strings.CutPrefix(q.Get("filter"), "createdDateTime ge "); ok {
		since, _ = time.Parse(time.RFC3339Nano, after)
	}
	var match []map[string]any
	for _, a := range f.alerts {
		if !a["created"].(time.Time).Before(since) {
			match = append(match, a)
		}
	}
	sort.SliceStable(match, func(i, j int) bool { return match[i]["created"].(time.Time).After(match[j]["created"].(time.Time)) })
	offset, _ := strconv.Atoi(q.Get("page[offset]"))
	limit, _ := strconv.Atoi(q.Get("page[limit]"))
	if limit == 0 {
		limit = 10
	}
	from := offset
	if f.shifted && offset > 0 {
		from--
	}
	data := []any{}
	for _, a := range match[min(from, len(match)):min(from+limit, len(match))] {
		attrs := make(map[string]any, len(a))
		for k, v := range a {
			if k != "id" && k != "created" {
				attrs[k] = v
			}
		}
		data = append(data, map[string]any{"type": "alert", "id": a["id"], "attributes": attrs})
	}
	pagination := map[string]any{"offset": offset, "limit": limit, "count": len(match), "first": 0, "last": max(len(match)-1, 0) / limit * limit}
	if offset+limit < len(match) {
		pagination["next"] = offset + limit
	}
	healthWriteJSON(w, map[string]any{"data": data, "meta": map[string]any{"pagination": pagination}})
}

const (
	alertISO   = "2006-01-02T15:04:05.000Z"
	alertSpace = "2006-01-02 15:04:05.000000-07:00" // the document's own example shape
)

type alertCountsByKey map[alertKey][2]int64 // count, new_count

func alertCountsOf(t *testing.T, acc *testutil.Accumulator) alertCountsByKey {
	t.Helper()
	out := make(alertCountsByKey)
	for _, m := range metricsNamed(acc, "netbackup_alerts") {
		out[alertKey{m.Tags["severity"], m.Tags["category"]}] = [2]int64{m.Fields["count"].(int64), m.Fields["new_count"].(int64)}
	}
	return out
}

func alertEventIDs(acc *testutil.Accumulator) []string {
	var ids []string
	for _, m := range metricsNamed(acc, "netbackup_alert") {
		ids = append(ids, m.Fields["alert_id"].(string))
	}
	sort.Strings(ids)
	return ids
}

// Each alert is new exactly once: the first gather sets the baseline, an
// alert created at the same millisecond as the newest one seen is still
// new, a failed gather loses nothing, and more than one page is read.
func TestAlertsNewExactlyOnce(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	fx := newHealthFixture("13.0", now)
	alerts := &alertsFixture{}
	for i := range 120 { // more than one page of 100
		alerts.add(strconv.Itoa(1000+i), []string{"ERROR", "WARNING"}[i%2], now.Add(-time.Duration(i+1)*time.Minute), alertISO)
	}
	alerts.add("old", "ERROR", now.Add(-30*time.Hour), alertISO) // outside the 24h lookback
	fx.handle("/manage/alerts", alerts.ServeHTTP)
	env := serveFixture(t, fx)
	p := newTestPlugin(t, on(env), collect("alerts"), func(p *NetBackup) { p.AlertEvents = true })

	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	require.Equal(t, alertCountsByKey{
		{"ERROR", "JOB"}: {60, 0}, {"WARNING", "JOB"}: {60, 0}, {"INFO", "JOB"}: {0, 0},
	}, alertCountsOf(t, acc))
	require.Empty(t, alertEventIDs(acc), "the first gather only sets the baseline")

	// Same instant as the newest seen (1000), and a later one in the
	// document's odd date format.
	alerts.add("2000", "ERROR", now.Add(-time.Minute), alertISO)
	alerts.add("2001", "WARNING", now.Add(-10*time.Second), alertSpace)
	alerts.setFail(true)
	acc = gatherOnce(t, p)
	require.Len(t, errorsOf(acc), 1)
	require.Empty(t, metricsNamed(acc, "netbackup_alerts"))
	require.Empty(t, alertEventIDs(acc))

	alerts.setFail(false)
	acc = gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	require.Equal(t, alertCountsByKey{
		{"ERROR", "JOB"}: {61, 1}, {"WARNING", "JOB"}: {61, 1}, {"INFO", "JOB"}: {0, 0},
	}, alertCountsOf(t, acc))
	require.Equal(t, []string{"2000", "2001"}, alertEventIDs(acc))
	for _, m := range metricsNamed(acc, "netbackup_alert") {
		if m.Fields["alert_id"] == "2001" {
			require.Equal(t, eventTimestamp(now.Add(-10*time.Second), "2001"), m.Time.UTC())
			require.Equal(t, map[string]string{
				"source": testSource(env.server), "severity": "WARNING", "category": "JOB", "sub_category": "MS-WINDOWS", "context": "JOB_STATE_FAILED",
			}, m.Tags)
			require.Equal(t, map[string]interface{}{
				"alert_id": "2001", "title": "Job failed", "description": "Backup job 2001 failed",
				"job_id": int64(2001), "status_code": int64(2074), "status_text": "Disk volume is down",
				"client": "client-2001", "policy_name": "pol",
			}, m.Fields)
		}
	}

	acc = gatherOnce(t, p)
	require.Empty(t, alertEventIDs(acc))
	require.Equal(t, [2]int64{61, 0}, alertCountsOf(t, acc)[alertKey{"ERROR", "JOB"}])
}

// With state_file, a restart neither repeats nor loses an alert.
func TestAlertsNewOnceAcrossRestart(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	fx := newHealthFixture("13.0", now)
	alerts := &alertsFixture{}
	alerts.add("1", "ERROR", now.Add(-time.Hour), alertISO)
	fx.handle("/manage/alerts", alerts.ServeHTTP)
	env := serveFixture(t, fx)
	opts := []pluginOption{on(env), collect("alerts"), stateFile(env.state), func(p *NetBackup) { p.AlertEvents = true }}

	first := newTestPlugin(t, opts...)
	gatherOnce(t, first)
	alerts.add("2", "ERROR", now.Add(-time.Minute), alertISO)
	acc := gatherOnce(t, first)
	require.Equal(t, []string{"2"}, alertEventIDs(acc))
	require.NoError(t, first.CommitState())

	// A new process: "2" was delivered and committed, "3" arrived meanwhile.
	alerts.add("3", "INFO", now.Add(-time.Second), alertISO)
	first.releaseState() // the process ends: its lock goes with it
	second := newTestPlugin(t, opts...)
	acc = gatherOnce(t, second)
	require.Equal(t, []string{"3"}, alertEventIDs(acc))
	require.Equal(t, [2]int64{1, 1}, alertCountsOf(t, acc)[alertKey{"INFO", "JOB"}])
	require.NoError(t, second.CommitState())

	second.releaseState()
	third := newTestPlugin(t, opts...)
	acc = gatherOnce(t, third)
	require.Empty(t, alertEventIDs(acc))
	require.Equal(t, [2]int64{2, 0}, alertCountsOf(t, acc)[alertKey{"ERROR", "JOB"}])
}

// Against the simulator: the counts equal an independent reading of its
// alerts created within the lookback window; events stay off by default.
func TestAlertsMatchSimulator(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	want := alertCountsByKey{{"ERROR", "JOB"}: {0, 0}, {"WARNING", "JOB"}: {0, 0}, {"INFO", "JOB"}: {0, 0}}
	since := env.sim.Now().Add(-24 * time.Hour)
	for _, a := range healthRawItems[alertAttributes](t, env, "/manage/alerts") {
		if a.Attributes.CreatedDateTime.Before(since) {
			continue
		}
		key := alertKey{a.Attributes.Severity, a.Attributes.Category}
		c := want[key]
		c[0]++
		want[key] = c
	}
	p := newTestPlugin(t, on(env), collect("alerts"))
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	require.Equal(t, want, alertCountsOf(t, acc))
	require.NotZero(t, want[alertKey{"ERROR", "JOB"}][0], "the default dataset has recent alerts")
	require.Empty(t, metricsNamed(acc, "netbackup_alert"))
}

// An alert repeated at a page boundary is counted once.
func TestAlertsRepeatedAcrossPages(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	fx := newHealthFixture("13.0", now)
	alerts := &alertsFixture{shifted: true}
	for i := range 150 {
		alerts.add(strconv.Itoa(i), "ERROR", now.Add(-time.Duration(i+1)*time.Minute), alertISO)
	}
	fx.handle("/manage/alerts", alerts.ServeHTTP)
	env := serveFixture(t, fx)
	p := newTestPlugin(t, on(env), collect("alerts"))
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	require.Equal(t, [2]int64{150, 0}, alertCountsOf(t, acc)[alertKey{"ERROR", "JOB"}])
}

func TestAlertsEndpointMissing(t *testing.T) {
	lines := gatherWithoutEndpoints(t, "13.0", "alerts", "netbackup_alerts")
	require.Len(t, lines, 1)
	require.Contains(t, lines[0], "/manage/alerts")
}

func TestParseAlertTime(t *testing.T) {
	want := time.Date(2018, 4, 26, 13, 41, 31, 751000000, time.UTC)
	for _, in := range []string{
		"2018-04-26T13:41:31.751Z",
		"2018-04-26 13:41:31.751000+00:00",
		"2018-04-26 15:41:31.751+02:00",
		"2018-04-26T15:41:31.751+0200",
	} {
		got, ok := parseAlertTime(in)
		require.True(t, ok, in)
		require.True(t, want.Equal(got), "%s: got %s", in, got)
	}
	_, ok := parseAlertTime("yesterday")
	require.False(t, ok)
}

func TestAlertsStateRoundTrip(t *testing.T) {
	c := &alertsCollector{}
	data, err := c.saveState()
	require.NoError(t, err)
	require.JSONEq(t, "null", string(data), "no baseline before the first gather")

	require.NoError(t, c.loadState(data))
	require.False(t, c.baseline)

	newest := time.Date(2025, 3, 1, 11, 59, 0, 0, time.UTC)
	require.NoError(t, c.loadState([]byte(`{"newest":"2025-03-01T11:59:00Z","ids_at_newest":["7","8"]}`)))
	require.True(t, c.baseline)
	require.True(t, c.state.isNew("9", newest))
	require.False(t, c.state.isNew("8", newest))
	require.False(t, c.state.isNew("1", newest.Add(-time.Millisecond)))
	require.True(t, c.state.isNew("1", newest.Add(time.Millisecond)))
	require.Error(t, c.loadState([]byte(`{"newest":12}`)))
}

// Events of one instant with the same tags (two failures alerted in the
// same second) are points of one series at one time to InfluxDB, which
// would keep only the last: each event's time is its own instant + a few
// nanoseconds from its id, the same at every emission.
func TestEventsOfOneInstantStayApart(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	fx := newHealthFixture("13.0", now)
	alerts := &alertsFixture{}
	alerts.add("1000", "ERROR", now.Add(-time.Hour), alertISO)
	fx.handle("/manage/alerts", alerts.ServeHTTP)
	env := serveFixture(t, fx)
	p := newTestPlugin(t, on(env), collect("alerts"), func(p *NetBackup) { p.AlertEvents = true })
	gatherOnce(t, p) // the baseline

	created := now.Add(-time.Minute)
	alerts.add("2000", "ERROR", created, alertISO)
	alerts.add("2001", "ERROR", created, alertISO)
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	events := metricsNamed(acc, "netbackup_alert")
	require.Len(t, events, 2)
	require.Equal(t, events[0].Tags, events[1].Tags, "the fixture's two alerts should share their tags")
	require.NotEqual(t, events[0].Time, events[1].Time, "two alerts of one instant share their point")
	for _, e := range events {
		require.WithinRange(t, e.Time, created, created.Add(time.Millisecond-1))
		require.Equal(t, eventTimestamp(created, e.Fields["alert_id"].(string)), e.Time)
	}
}
