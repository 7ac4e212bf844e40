package netbackup_test

import (
	"encoding/pem"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/plugins/parsers/influx"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup"
)

// The golden cases, in Telegraf's layout: testcases/<collector>/<case>/
// holds telegraf.conf (the case's own options), responses.json (what the
// simulator answered, recorded), simulator.json (how it was set up for the
// recording), expected.out (line protocol), expected.err (the gather's
// errors, when it has any) and, for a restart with saved progress,
// state.json. TestGolden replays each case and compares the whole output:
// a renamed tag or field fails here, in plain go test.
//
// Re-record every case from the simulator (then read the diff of
// expected.out: it should change only where the output was meant to):
//
//	go test -run TestGolden ./plugins/inputs/netbackup -update

var update = flag.Bool("update", false,
	"re-record the golden cases from the simulator: responses.json, expected.out and expected.err")

// goldenAPIKey is the key the recording uses; recorded files are checked
// not to contain it.
const goldenAPIKey = "golden-api-key"

// stampedByData are the measurements whose timestamp comes from the data:
// netbackup_job carries the job's end time plus its id in nanoseconds,
// netbackup_alert the alert's creation time, netbackup_anomaly its
// detection time, netbackup_malware_scan the end of the scan. Their
// timestamps are compared exactly. Every other point is stamped at gather time: expected.out gives
// it no timestamp, and the test checks that its time lies within the
// gather, then compares it without time.
var stampedByData = map[string]bool{
	"netbackup_job":          true,
	"netbackup_alert":        true,
	"netbackup_anomaly":      true,
	"netbackup_malware_scan": true,
}

// volatileFields have values that follow the local clock or the speed of
// this run, so their values are not compared (their presence is):
//   - gather_seconds (netbackup_api): wall time of the gather
//   - response_time_ms (netbackup_api): mean duration of one attempt
//   - duration_ms (netbackup_collector): wall time of one collector
//   - expires_in_seconds (netbackup_certificate): not_after minus the local
//     clock (TLS verification uses the local clock too)
//
// What follows the server's clock (seconds_since_success, ages) is
// compared: the replayed GET /ping answers the recorded server time.
var volatileFields = []string{"gather_seconds", "response_time_ms", "duration_ms", "expires_in_seconds"}

// allCollectorsCase collects with the default options, every collector at
// once; its netbackup_collector points name every collector there is.
const allCollectorsCase = "all"

func TestGolden(t *testing.T) {
	dirs := goldenCaseDirs(t)
	parser := &influx.Parser{}
	require.NoError(t, parser.Init())
	for _, dir := range dirs {
		name, err := filepath.Rel("testcases", dir)
		require.NoError(t, err)
		t.Run(filepath.ToSlash(name), func(t *testing.T) {
			if *update {
				recordCase(t, dir)
			}
			replayCase(t, dir, parser)
		})
	}
}

// TestGoldenCoversEveryCollector checks that every collector the plugin
// runs by default has a folder of cases, that every folder is named after
// a collector, and that each of its cases runs that collector.
func TestGoldenCoversEveryCollector(t *testing.T) {
	parser := &influx.Parser{}
	require.NoError(t, parser.Init())
	collectorsIn := func(dir string) []string {
		metrics, err := testutil.ParseMetricsFromFile(filepath.Join(dir, "expected.out"), parser)
		require.NoError(t, err)
		var names []string
		for _, m := range metrics {
			if name, ok := m.GetTag("collector"); ok && m.Name() == "netbackup_collector" {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		return names
	}

	all := collectorsIn(filepath.Join("testcases", allCollectorsCase, "default"))
	require.NotEmpty(t, all, "the %q case reports no netbackup_collector point", allCollectorsCase)
	for _, dir := range goldenCaseDirs(t) {
		folder := filepath.Base(filepath.Dir(dir))
		if folder == allCollectorsCase {
			continue
		}
		require.Contains(t, all, folder, "%s: the folder is not named after a collector", dir)
		require.Contains(t, collectorsIn(dir), folder, "%s: the case does not run the collector %s", dir, folder)
	}
	for _, name := range all {
		cases, err := filepath.Glob(filepath.Join("testcases", name, "*", "expected.out"))
		require.NoError(t, err)
		require.NotEmpty(t, cases, "collector %s has no golden case: add testcases/%s/<case>/", name, name)
	}
}

func goldenCaseDirs(t *testing.T) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join("testcases", "*", "*"))
	require.NoError(t, err)
	var dirs []string
	for _, m := range matches {
		if info, err := os.Stat(m); err == nil && info.IsDir() {
			dirs = append(dirs, m)
		}
	}
	require.NotEmpty(t, dirs, "no golden case under testcases/")
	return dirs
}

// replayCase gathers once from a TLS server that answers the recorded
// requests, and compares what the plugin emitted with expected.out and
// expected.err.
func replayCase(t *testing.T, dir string, parser telegraf.Parser) {
	_, err := readSimulatorSettings(dir) // every case must stay re-recordable
	require.NoError(t, err)
	recorded, err := readExchanges(filepath.Join(dir, responsesFile))
	require.NoError(t, err)
	replay, err := newReplayer(recorded)
	require.NoError(t, err)
	ts, caPath := serveGoldenTLS(t, replay)

	got := gatherCase(t, dir, ts, caPath)

	require.Empty(t, replay.unrecorded(),
		"the plugin made requests that %s has no answer for (re-record with -update if that is intended)", responsesFile)
	require.Empty(t, replay.unused(),
		"the plugin no longer makes these recorded requests (re-record with -update if that is intended)")

	expected, err := testutil.ParseMetricsFromFile(filepath.Join(dir, "expected.out"), parser)
	require.NoError(t, err)
	requireGoldenMetrics(t, expected, got)

	var expectedErrors []string
	if _, err := os.Stat(filepath.Join(dir, "expected.err")); err == nil {
		expectedErrors, err = testutil.ParseLinesFromFile(filepath.Join(dir, "expected.err"))
		require.NoError(t, err)
	}
	require.ElementsMatch(t, expectedErrors, got.errors, "errors of the gather")
}

// requireGoldenMetrics compares the whole output, timestamps as explained
// at stampedByData and the values of volatileFields left out.
func requireGoldenMetrics(t *testing.T, expected []telegraf.Metric, got gathered) {
	t.Helper()
	gatherTime := time.Unix(0, 0).UTC()
	for _, m := range expected {
		if !stampedByData[m.Name()] {
			m.SetTime(gatherTime)
		}
	}
	// A millisecond either way: netbackup_job_active points are the
	// gather's time to the millisecond + a few ns per job (see
	// activeJobTimestamp).
	from, to := got.start.Truncate(time.Millisecond), got.end.Add(time.Millisecond)
	for _, m := range got.metrics {
		if stampedByData[m.Name()] {
			continue
		}
		require.Falsef(t, m.Time().Before(from) || m.Time().After(to),
			"%s is stamped %s, outside the gather (%s to %s): is it stamped from the data now? Then add it to stampedByData",
			m.Name(), m.Time().Format(time.RFC3339Nano), got.start.Format(time.RFC3339Nano), got.end.Format(time.RFC3339Nano))
		m.SetTime(gatherTime)
	}
	require.Equal(t, volatileFieldsPresent(expected), volatileFieldsPresent(got.metrics),
		"fields whose values are not compared are still compared by name")
	// Line protocol carries no metric type (a counter reads back untyped);
	// jobs_totals_test checks the counters' type.
	testutil.RequireMetricsEqual(t, expected, got.metrics, testutil.SortMetrics(), testutil.IgnoreType(),
		testutil.IgnoreFields(volatileFields...))
}

// volatileFieldsPresent lists, per measurement and tag set, which of the
// volatileFields a point carries.
func volatileFieldsPresent(metrics []telegraf.Metric) []string {
	var present []string
	for _, m := range metrics {
		var names []string
		for _, name := range volatileFields {
			if m.HasField(name) {
				names = append(names, name)
			}
		}
		if len(names) == 0 {
			continue
		}
		tags := make([]string, 0, len(m.TagList()))
		for _, tag := range m.TagList() {
			tags = append(tags, tag.Key+"="+tag.Value)
		}
		present = append(present, fmt.Sprintf("%s,%s: %s", m.Name(), strings.Join(tags, ","), strings.Join(names, ",")))
	}
	slices.Sort(present)
	return present
}

// gathered is one gather's output and when it ran, on the local clock.
type gathered struct {
	metrics    []telegraf.Metric
	errors     []string
	start, end time.Time
}

// gatherCase builds the plugin from the case's telegraf.conf, points it at
// ts (as goldenServerURL) and gathers once.
func gatherCase(t *testing.T, dir string, ts *httptest.Server, caPath string) gathered {
	t.Helper()
	plugin := pluginForCase(t, dir, goldenProxy(t, ts), caPath)
	var acc testutil.Accumulator
	start := time.Now()
	require.NoError(t, plugin.Gather(&acc))
	end := time.Now()
	got := gathered{metrics: acc.GetTelegrafMetrics(), start: start, end: end}
	for _, err := range acc.Errors {
		got.errors = append(got.errors, err.Error())
	}
	return got
}

// pluginForCase loads telegraf.conf with Telegraf's own config loader and
// fills in what only the test knows: the server (goldenServerURL through
// proxyURL), the key, the CA, short retry waits and, when the case has a
// state.json, a state file holding it.
func pluginForCase(t *testing.T, dir, proxyURL, caPath string) *netbackup.NetBackup {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "telegraf.conf"))
	require.NoError(t, err)
	cfg := config.NewConfig()
	require.NoError(t, cfg.LoadConfigData(data, config.EmptySourcePath))
	require.Len(t, cfg.Inputs, 1, "telegraf.conf must hold exactly one [[inputs.netbackup]]")
	plugin, ok := cfg.Inputs[0].Input.(*netbackup.NetBackup)
	require.True(t, ok, "telegraf.conf must hold [[inputs.netbackup]], got %T", cfg.Inputs[0].Input)
	require.Empty(t, plugin.Servers, "telegraf.conf must not set servers: the test does")
	require.Empty(t, plugin.HTTPProxyURL, "telegraf.conf must not set http_proxy_url: the test does")
	require.True(t, plugin.APIKey.Empty() && plugin.Username.Empty(), "telegraf.conf must not hold credentials")

	plugin.Servers = []string{goldenServerURL}
	plugin.HTTPProxyURL = proxyURL
	plugin.APIKey = config.NewSecret([]byte(goldenAPIKey))
	plugin.TLSCA = caPath
	plugin.RetryWaitTime = config.Duration(time.Millisecond)
	plugin.RetryMaxWaitTime = config.Duration(2 * time.Millisecond)
	plugin.Log = testutil.Logger{Name: "inputs.netbackup"}
	if state, err := os.ReadFile(filepath.Join(dir, "state.json")); err == nil {
		// The state is kept per server URL: state.json writes it as
		// {{server}}.
		path := filepath.Join(t.TempDir(), "state.json")
		state = []byte(strings.ReplaceAll(string(state), "{{server}}", goldenServerURL+"/netbackup"))
		require.NoError(t, os.WriteFile(path, state, 0o600))
		plugin.StateFile = path
	}
	require.NoError(t, plugin.Init())
	return plugin
}

// serveGoldenTLS serves handler over TLS on loopback with httptest's fixed
// certificate (the certificates collector reports it, so it must not vary
// between recording and replay); it returns a PEM file of it for tls_ca.
func serveGoldenTLS(t *testing.T, handler http.Handler) (*httptest.Server, string) {
	t.Helper()
	ts := httptest.NewTLSServer(handler)
	t.Cleanup(ts.Close)
	caPath := filepath.Join(t.TempDir(), "ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	require.NoError(t, os.WriteFile(caPath, block, 0o600))
	return ts, caPath
}
