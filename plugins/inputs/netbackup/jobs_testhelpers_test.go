package netbackup

import (
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// jobsSim is a simulator behind a loopback TLS server, with the CA file the
// plugin trusts.
type jobsSim struct {
	sim    *nbusim.Simulator
	server *httptest.Server
	caFile string
}

func jobsStartSim(t testing.TB, cfg nbusim.Config) *jobsSim {
	t.Helper()
	sim, ts, caFile := startSimulator(t, cfg)
	return &jobsSim{sim: sim, server: ts, caFile: caFile}
}

// jobsPlugin builds an initialised plugin for the simulator with short
// retry waits; tune adjusts options before Init.
func (s *jobsSim) jobsPlugin(t testing.TB, stateFile string, collect []string, tune func(*NetBackup)) *NetBackup {
	t.Helper()
	p := New()
	p.Servers = []string{s.server.URL}
	p.APIKey = config.NewSecret([]byte("k"))
	p.Log = testutil.Logger{Quiet: true}
	p.TLSCA = s.caFile
	p.Collect = collect
	p.StateFile = stateFile
	p.RetryWaitTime = config.Duration(time.Millisecond)
	p.RetryMaxWaitTime = config.Duration(5 * time.Millisecond)
	p.Timeout = config.Duration(10 * time.Second)
	if tune != nil {
		tune(p)
	}
	require.NoError(t, p.Init())
	return p
}

// jobsEmitted is the netbackup_job points of a gather: job id -> timestamp,
// and the ids in emission order (with repeats, if any).
func jobsEmitted(t testing.TB, acc *testutil.Accumulator) (map[int64]time.Time, []int64) {
	t.Helper()
	byID := make(map[int64]time.Time)
	var order []int64
	for _, m := range acc.GetTelegrafMetrics() {
		if m.Name() != jobMeasurement {
			continue
		}
		v, ok := m.GetField("job_id")
		require.True(t, ok)
		id, ok := v.(int64)
		require.True(t, ok, "job_id must be int64, got %T", v)
		byID[id] = m.Time()
		order = append(order, id)
	}
	return byID, order
}

// jobsMetricsNamed returns the metrics of one measurement.
func jobsMetricsNamed(acc *testutil.Accumulator, name string) []*testutil.Metric {
	acc.Lock()
	defer acc.Unlock()
	var out []*testutil.Metric
	for _, m := range acc.Metrics {
		if m.Measurement == name {
			out = append(out, m)
		}
	}
	return out
}

func jobsSortedIDs(set map[int64]time.Time) []int64 {
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// jobsCollectorErrors are the errors a gather reported.
func jobsCollectorErrors(acc *testutil.Accumulator) []error {
	acc.Lock()
	defer acc.Unlock()
	return append([]error(nil), acc.Errors...)
}
