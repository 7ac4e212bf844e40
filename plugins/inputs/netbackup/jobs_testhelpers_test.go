package netbackup

import (
	"sort"
	"testing"
	"time"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"
)

// jobsPacing keeps the product's retry count, so that the jobs tests'
// faults are retried as in production, and gives each page 10 s: pages of
// jobs are slow under -race on a small runner.
func jobsPacing(p *NetBackup) {
	p.RetryCount = defaultRetryCount
	p.RetryMaxWaitTime = config.Duration(5 * time.Millisecond)
	p.Timeout = config.Duration(10 * time.Second)
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

func jobsSortedIDs(set map[int64]time.Time) []int64 {
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// finishedJobFields are the fields of a netbackup_job point as a generic
// metric carries them (see appendFinishedJobFields).
func finishedJobFields(a *jobAttributes) map[string]interface{} {
	return fieldMap(appendFinishedJobFields(nil, a))
}
