package netbackup

import (
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// The fault matrix: one row per fault a NetBackup server, a proxy or the
// network can throw at the plugin. Each row states the outcome (up, which
// metrics are there, how many requests were retried) and the words the
// user reads in the error. Rows with simulator faults then clear them and
// check that the next gather is clean again.
//
// This file holds the row type, its constructors and the runner; the rows
// are in reliability_faults_<theme>_test.go: status codes, transport, TLS
// and redirects, authentication. They run as one test, whose name the
// README gives: -run TestReliabilityFaultMatrix runs every row, and each
// row keeps its subtest name whatever its theme.

// relStorageSet is what the storage collector emits when all goes well;
// relStorageWithoutUnits, when only storage units could not be read.
var (
	relStorageSet          = []string{"netbackup_disk_pool", "netbackup_storage_unit", "netbackup_storage_server"}
	relStorageWithoutUnits = []string{"netbackup_disk_pool", "netbackup_storage_server"}
)

// relRun is one row's gathers, kept for the secret hygiene test.
type relRun struct {
	env  *testEnv
	accs []*testutil.Accumulator
	// extra holds further secrets a row used (a wrong password).
	extra []string
}

// gather runs one gather of p and records it.
func (r *relRun) gather(t testing.TB, p *NetBackup) *testutil.Accumulator {
	acc := gatherAndCommit(t, p)
	r.accs = append(r.accs, acc)
	return acc
}

type relFaultRow struct {
	name    string
	sim     func(*nbusim.Config)
	faults  []nbusim.Fault
	front   frontHandler
	collect []string                                       // default: storage
	tune    func(t testing.TB, env *testEnv, p *NetBackup) // options, servers, CA
	up      int                                            // netbackup_api up of the server; -1: the row's check looks
	errs    []string                                       // each must appear in the errors; nil: no error at all
	present []string
	absent  []string
	retries int // netbackup_api retries of the first gather; -1: not checked
	failed  int // netbackup_api errors (requests failed for good) of the first gather; -1: not checked
	check   func(t testing.TB, run *relRun, p *NetBackup, acc *testutil.Accumulator)
	secrets []string // further secrets the row uses
}

// Row constructors, for the outcomes many rows share.

// relUnitsLost: storage units could not be read, for good, after retries
// retries; the server is up and the other storage families are reported.
// errs are the words the error must hold.
func relUnitsLost(name string, retries int, errs ...string) relFaultRow {
	return relFaultRow{
		name:    name,
		up:      1,
		errs:    errs,
		present: relStorageWithoutUnits,
		absent:  []string{"netbackup_storage_unit"},
		retries: retries,
		failed:  1,
	}
}

// relAllServed: the plugin got past the fault after retries retries (-1:
// not checked): every storage family reported, no error.
func relAllServed(name string, retries int) relFaultRow {
	return relFaultRow{name: name, up: 1, present: relStorageSet, retries: retries, failed: 0}
}

// relStatusRow: storage units answer status (with retryAfter, unless
// empty) every time; the client retries three times and gives up.
func relStatusRow(name string, status int, retryAfter string, errs ...string) relFaultRow {
	return relUnitsLost(name, 3, append(errs, "after 4 attempts")...).withFaults(relStatusFault(status, retryAfter)...)
}

// relRefusedRow: the first request (/ping) fails in the TLS handshake:
// the server is down, nothing is collected, nothing is retried.
func relRefusedRow(name string, tune func(testing.TB, *testEnv, *NetBackup), errs ...string) relFaultRow {
	return relFaultRow{name: name, tune: tune, up: 0, errs: errs, absent: relStorageSet, retries: 0, failed: 1}
}

func (r relFaultRow) withFaults(faults ...nbusim.Fault) relFaultRow {
	r.faults = faults
	return r
}

func (r relFaultRow) withFront(front frontHandler) relFaultRow {
	r.front = front
	return r
}

func (r relFaultRow) withTune(tune func(testing.TB, *testEnv, *NetBackup)) relFaultRow {
	r.tune = tune
	return r
}

// relUnitsFault is f on the storage units path.
func relUnitsFault(f nbusim.Fault) nbusim.Fault {
	f.PathPrefix = storageUnitsPath
	return f
}

func relStatusFault(status int, retryAfter string) []nbusim.Fault {
	return []nbusim.Fault{relUnitsFault(nbusim.Fault{Kind: nbusim.FaultStatus, Status: status, RetryAfter: retryAfter})}
}

// relOneRetry lets a request be tried twice only, for rows whose every
// attempt waits out the timeout.
func relOneRetry(_ testing.TB, _ *testEnv, p *NetBackup) { p.RetryCount = 1 }

// relFaultRows is the matrix, theme by theme.
func relFaultRows() []relFaultRow {
	return slices.Concat(relStatusRows(), relTransportRows(), relTLSRows(), relAuthRows())
}

func TestReliabilityFaultMatrix(t *testing.T) {
	for _, row := range relFaultRows() {
		t.Run(row.name, func(t *testing.T) {
			relRunRow(t, row)
		})
	}
}

// relPacing keeps the product's retry count (the rows count retries) with
// waits of milliseconds, a 500 ms attempt timeout and a 5 s gather
// deadline, so that rows whose server never answers end quickly.
func relPacing(p *NetBackup) {
	p.RetryCount = defaultRetryCount
	p.RetryMaxWaitTime = config.Duration(20 * time.Millisecond)
	p.Timeout = config.Duration(500 * time.Millisecond)
	p.GatherTimeout = config.Duration(5 * time.Second)
}

// relRunRow runs one row: a gather under the fault with its assertions,
// then, for simulator faults, a clean gather once the faults are cleared.
func relRunRow(t testing.TB, row relFaultRow) *relRun {
	cfg := nbusim.Config{StorageUnits: 5, DiskPools: 2, Drives: 3, TapeMedia: 150}
	if row.sim != nil {
		row.sim(&cfg)
	}
	var fronts []frontHandler
	if row.front != nil {
		fronts = append(fronts, row.front)
	}
	env := startSim(t, cfg, fronts...)
	for _, f := range row.faults {
		env.sim.AddFault(f)
	}
	collectors := row.collect
	if collectors == nil {
		collectors = []string{"storage"}
	}
	run := &relRun{env: env, extra: row.secrets}
	p := newTestPlugin(t, on(env), relPacing, collect(collectors...), stateFile(env.state), func(p *NetBackup) {
		if row.tune != nil {
			row.tune(t, env, p)
		}
	})

	acc := run.gather(t, p)
	text := errorText(acc)
	if row.errs == nil {
		require.Empty(t, text, "no error expected")
	}
	errs := errorsOf(acc)
	for _, want := range row.errs {
		require.NotEmpty(t, errs)
		found := slices.ContainsFunc(errs, func(err error) bool { return strings.Contains(err.Error(), want) })
		require.True(t, found, "no error says %q; errors:\n%s", want, text)
	}
	if row.up >= 0 {
		api := relAPIPoints(acc)
		require.Len(t, api, 1)
		m := api["127.0.0.1"]
		require.NotNil(t, m, "netbackup_api of 127.0.0.1")
		require.Equal(t, int64(row.up), relField(t, m, "up"))
		if row.retries >= 0 {
			require.Equal(t, int64(row.retries), relField(t, m, "retries"))
		}
		if row.failed >= 0 {
			require.Equal(t, int64(row.failed), relField(t, m, "errors"))
		}
	}
	for _, name := range row.present {
		require.Positive(t, len(metricsNamed(acc, name)), "%s missing", name)
	}
	for _, name := range row.absent {
		require.Zero(t, len(metricsNamed(acc, name)), "%s present", name)
	}
	if row.check != nil {
		row.check(t, run, p, acc)
	}

	if len(row.faults) > 0 {
		// The fault is gone: the next gather is clean.
		env.sim.ClearFaults()
		acc := run.gather(t, p)
		require.Empty(t, errorText(acc), "after the fault cleared")
		require.Equal(t, int64(1), relField(t, relAPIPoints(acc)["127.0.0.1"], "up"))
	}
	// Every row ran at debug level: no secret anywhere.
	relRequireNoSecrets(t, run)
	return run
}

// relAPIPoints is netbackup_api per source.
func relAPIPoints(acc *testutil.Accumulator) map[string]telegraf.Metric {
	out := make(map[string]telegraf.Metric)
	for _, m := range acc.GetTelegrafMetrics() {
		if m.Name() == "netbackup_api" {
			src, _ := m.GetTag("source")
			out[relSourceHost(src)] = m
		}
	}
	return out
}

// relSourceHost is the host of a source tag, without its port (the
// tests' servers listen on distinct loopback addresses, on ports other
// than 1556, which the tag carries).
func relSourceHost(source string) string {
	if host, _, err := net.SplitHostPort(source); err == nil {
		return host
	}
	return source
}

func relField(t testing.TB, m telegraf.Metric, name string) int64 {
	t.Helper()
	v, ok := m.GetField(name)
	require.True(t, ok, "field %s missing in %s", name, m.Name())
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case uint64:
		return int64(x)
	}
	t.Fatalf("field %s is %T", name, v)
	return 0
}

func relRequireLog(t testing.TB, env *testEnv, want string) {
	t.Helper()
	for _, m := range env.log.Messages() {
		if strings.Contains(m.Text, want) {
			return
		}
	}
	t.Fatalf("no log line says %q", want)
}
