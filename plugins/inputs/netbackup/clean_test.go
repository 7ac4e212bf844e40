package netbackup

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/plugins/parsers/influx"
	influxser "github.com/influxdata/telegraf/plugins/serializers/influx"
	"github.com/stretchr/testify/require"
)

// movingClockServer is a small NetBackup whose clock the test moves: GET
// /ping answers it, other paths go to the handlers registered.
type movingClockServer struct {
	mu     sync.Mutex
	now    time.Time
	routes map[string]http.HandlerFunc
}

func (s *movingClockServer) advance(d time.Duration) {
	s.mu.Lock()
	s.now = s.now.Add(d)
	s.mu.Unlock()
}

func (s *movingClockServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rel := strings.TrimPrefix(r.URL.Path, "/netbackup")
	if rel == "/ping" {
		s.mu.Lock()
		now := s.now
		s.mu.Unlock()
		w.Header().Set("X-NetBackup-API-Version", "13.0")
		w.Header().Set("Content-Type", "text/vnd.netbackup+plain;version=13.0")
		fmt.Fprint(w, strconv.FormatInt(now.UnixMilli(), 10))
		return
	}
	if h := s.routes[rel]; h != nil {
		h(w, r)
		return
	}
	healthWriteError(w, http.StatusNotFound, 227, "no entity was found")
}

// dirtyText has what a server may put in free text: line breaks of every
// kind, a control character and bytes that are not UTF-8.
const dirtyText = "Job failed\r\nE! [inputs.netbackup] forged\rline\u2028two\x00\tend \xff\xfe."

// Every string field and tag, from every collector, comes out on one line
// and in valid UTF-8: line protocol read line by line (a file, a
// non-streaming parser) would otherwise split the point.
func TestClean_StringFieldsAndTagsAreOneLineOfUTF8(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	alerts := &alertsFixture{}
	alerts.add("1", "ERROR", now.Add(-time.Minute), alertISO)
	alerts.alerts[0]["title"] = dirtyText
	alerts.alerts[0]["description"] = dirtyText
	alerts.alerts[0]["subCategory"] = "MS\nWINDOWS"
	alerts.alerts[0]["params"] = map[string]any{"clientName": "client\r\n01", "policyName": "pol\xff"}
	srv := &movingClockServer{now: now, routes: map[string]http.HandlerFunc{
		"/manage/alerts": alerts.ServeHTTP,
		"/config/hosts": func(w http.ResponseWriter, r *http.Request) {
			healthWriteJSON(w, map[string]any{"hosts": []any{map[string]any{"uuid": "u1", "hostName": "nbu\nprimary", "nbuHostType": "PRIMARY_SERVER"}}})
		},
		"/admin/hosts/u1/services": func(w http.ResponseWriter, r *http.Request) {
			healthWriteJSON(w, map[string]any{"data": []any{map[string]any{"type": "service", "id": "nbpem\r",
				"attributes": map[string]any{"displayName": "x", "status": "RUNNING\n"}}}})
		},
	}}
	env := serveFixture(t, srv)
	p := newTestPlugin(t, on(env), collect("alerts", "services"))
	gatherOnce(t, p) // the alerts baseline
	alerts.add("2", "WARNING", now, alertISO)
	alerts.alerts[1]["title"] = dirtyText
	p.AlertEvents = true
	p.servers[0].collectors["alerts"].(*alertsCollector).events = true
	acc := gatherOnce(t, p)
	require.Empty(t, acc.Errors)

	var metrics []telegraf.Metric
	var stringFields int
	for _, m := range acc.GetTelegrafMetrics() {
		metrics = append(metrics, m)
		for _, tag := range m.TagList() {
			requireClean(t, m.Name()+" tag "+tag.Key, tag.Value)
		}
		for _, f := range m.FieldList() {
			if s, ok := f.Value.(string); ok {
				stringFields++
				requireClean(t, m.Name()+" field "+f.Key, s)
			}
		}
	}
	require.Positive(t, stringFields)
	event := metricsNamed(acc, "netbackup_alert")
	require.Len(t, event, 1)
	require.Equal(t, "Job failed E! [inputs.netbackup] forged line two \tend \uFFFD\uFFFD.", event[0].Fields["title"])
	service := metricsNamed(acc, "netbackup_service")
	require.Len(t, service, 1)
	require.Equal(t, "nbu primary", service[0].Tags["host"])

	// Serialized and read back line by line: one line per point.
	serializer := &influxser.Serializer{}
	require.NoError(t, serializer.Init())
	data, err := serializer.SerializeBatch(metrics)
	require.NoError(t, err)
	parser := &influx.Parser{}
	require.NoError(t, parser.Init())
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	require.Len(t, lines, len(metrics), "a point spans several lines")
	for _, line := range lines {
		_, err := parser.ParseLine(line)
		require.NoError(t, err, line)
	}
}

func requireClean(t *testing.T, what, s string) {
	t.Helper()
	require.True(t, utf8.ValidString(s), "%s is not UTF-8: %q", what, s)
	require.False(t, strings.ContainsAny(s, "\r\n\v\f\x00\u0085\u2028\u2029"), "%s holds a line break or control character: %q", what, s)
}

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"plain":               "plain",
		"a\r\nb":              "a b",
		"a\n\nb":              "a  b",
		"tab\tstays":          "tab\tstays",
		"bad \xff utf8":       "bad \uFFFD utf8",
		"é ünïcode":           "é ünïcode",
		"nul\x00 and \x1b[0m": "nul  and  [0m",
	} {
		require.Equal(t, want, cleanText(in), "%q", in)
	}
}

// A (severity, category) series no alert has been counted in for
// alert_lookback is no longer emitted; ERROR, WARNING and INFO of JOB
// always are.
func TestAlerts_SeriesNotSeenAgainAreDropped(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	alerts := &alertsFixture{}
	alerts.add("1", "CRITICAL", now.Add(-time.Hour), alertISO)
	alerts.alerts[0]["category"] = "POLICY"
	srv := &movingClockServer{now: now, routes: map[string]http.HandlerFunc{"/manage/alerts": alerts.ServeHTTP}}
	env := serveFixture(t, srv)
	p := newTestPlugin(t, on(env), collect("alerts"), func(p *NetBackup) { p.AlertLookback = config.Duration(24 * time.Hour) })

	critical := alertKey{"CRITICAL", "POLICY"}
	counts := alertCountsOf(t, gatherOnce(t, p))
	require.Equal(t, [2]int64{1, 0}, counts[critical])

	srv.advance(22 * time.Hour) // the alert is still within the lookback: counted
	require.Equal(t, [2]int64{1, 0}, alertCountsOf(t, gatherOnce(t, p))[critical])

	srv.advance(2 * time.Hour) // out of the window: the series falls to 0
	counts = alertCountsOf(t, gatherOnce(t, p))
	require.Equal(t, [2]int64{0, 0}, counts[critical], "a series that empties is reported with 0 first")

	srv.advance(21 * time.Hour) // 23 h since it was last counted: still reported
	require.Contains(t, alertCountsOf(t, gatherOnce(t, p)), critical)

	srv.advance(2 * time.Hour) // 25 h
	counts = alertCountsOf(t, gatherOnce(t, p))
	require.NotContains(t, counts, critical, "an alert series not counted for alert_lookback is dropped")
	for _, key := range defaultAlertKeys {
		require.Contains(t, counts, key, "the default series stay")
	}
}

// BenchmarkCleanPoint is what cleaning costs a netbackup_job point whose
// text is clean, the usual case:
//
//	go test -run '^$' -bench CleanPoint -benchmem ./plugins/inputs/netbackup
func BenchmarkCleanPoint(b *testing.B) {
	tags := map[string]string{
		"source": "nbu-primary", "job_type": "BACKUP", "job_subtype": "SCHEDULED", "policy_type": "STANDARD",
		"policy_name": "prod-linux-01", "schedule_type": "FULL", "schedule_name": "daily-full", "client": "app01.example.com",
		"status_class": "success", "media_server": "nbu-media01", "storage_unit": "stu-msdp-01",
	}
	fields := map[string]interface{}{"job_id": int64(1), "status": int64(0), "status_text": "the requested operation was successfully completed"}
	b.ReportAllocs()
	for range b.N {
		cleanPoint(fields, tags)
	}
}
