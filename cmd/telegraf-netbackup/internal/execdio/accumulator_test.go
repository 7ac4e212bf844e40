package execdio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/metric"
	"github.com/stretchr/testify/require"
)

func newTestAccumulator(t *testing.T) (*Accumulator, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	acc, err := NewAccumulator(&stdout, NewLogWriter(&stderr, telegraf.Info))
	require.NoError(t, err)
	return acc, &stdout, &stderr
}

func TestAccumulator_WritesSortedLineProtocol(t *testing.T) {
	acc, stdout, _ := newTestAccumulator(t)
	ts := time.Unix(1700000000, 123456789)

	acc.AddFields("netbackup_api",
		map[string]interface{}{"up": 1, "response_time_ms": 1.5, "requests": int64(3), "note": "a b"},
		map[string]string{"source": "nbu", "api_version": "13.0"}, ts)
	acc.AddGauge("g", map[string]interface{}{"v": uint64(7)}, nil, ts)
	acc.AddCounter("c", map[string]interface{}{"ok": true}, nil, ts)

	require.Empty(t, stdout.String(), "nothing reaches stdout before Flush")
	require.NoError(t, acc.Flush())
	require.Equal(t,
		`netbackup_api,api_version=13.0,source=nbu note="a b",requests=3i,response_time_ms=1.5,up=1i 1700000000123456789`+"\n"+
			"g v=7i 1700000000123456789\n"+
			"c ok=true 1700000000123456789\n",
		stdout.String())
}

func TestAccumulator_DefaultTimestampIsGatherStart(t *testing.T) {
	acc, stdout, _ := newTestAccumulator(t)
	start := time.Unix(1700000100, 5)
	acc.BeginGather(context.Background(), start)

	acc.AddFields("m", map[string]interface{}{"v": 1}, nil)
	acc.AddMetric(metric.New("n", nil, map[string]interface{}{"v": 2}, time.Time{}))

	require.NoError(t, acc.Flush())
	require.Equal(t, "m v=1i 1700000100000000005\nn v=2i 1700000100000000005\n", stdout.String())
}

func TestAccumulator_SetPrecisionRounds(t *testing.T) {
	acc, stdout, _ := newTestAccumulator(t)
	acc.SetPrecision(time.Second)

	acc.AddFields("m", map[string]interface{}{"v": 1}, nil, time.Unix(10, 600_000_000))

	require.NoError(t, acc.Flush())
	require.Equal(t, "m v=1i 11000000000\n", stdout.String())
}

func TestAccumulator_AddErrorGoesToStderrAndCounts(t *testing.T) {
	acc, stdout, stderr := newTestAccumulator(t)

	acc.AddError(errors.New("server nbu: connection refused"))
	acc.AddError(nil)
	acc.AddError(errors.New("second\nline"))

	require.Equal(t, int64(2), acc.Errors())
	require.NoError(t, acc.Flush())
	require.Empty(t, stdout.String())
	require.Equal(t, "E! Error in plugin: server nbu: connection refused\nE! Error in plugin: second | line\n", stderr.String())
}

func TestAccumulator_ErrorsAfterShutdownAreWarnings(t *testing.T) {
	acc, _, stderr := newTestAccumulator(t)
	ctx, cancel := context.WithCancel(context.Background())
	acc.BeginGather(ctx, time.Now())

	acc.AddError(errors.New("before"))
	cancel()
	acc.AddError(errors.New("GET /jobs interrupted: context canceled"))

	require.Equal(t, int64(2), acc.Errors(), "still counted: -once exits 1 when interrupted")
	require.Equal(t, "E! Error in plugin: before\nW! Interrupted by shutdown: GET /jobs interrupted: context canceled\n", stderr.String())
}

func TestAccumulator_MetricWithoutFieldsIsDroppedWithWarning(t *testing.T) {
	acc, stdout, stderr := newTestAccumulator(t)

	acc.AddFields("empty", map[string]interface{}{}, nil, time.Unix(1, 0))

	require.NoError(t, acc.Flush())
	require.Empty(t, stdout.String())
	require.True(t, strings.HasPrefix(stderr.String(), "W! dropping metric empty: "), stderr.String())
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestAccumulator_FlushReportsWriteFailure(t *testing.T) {
	var stderr bytes.Buffer
	acc, err := NewAccumulator(failingWriter{}, NewLogWriter(&stderr, telegraf.Info))
	require.NoError(t, err)

	acc.AddFields("m", map[string]interface{}{"v": 1}, nil, time.Unix(1, 0))

	err = acc.Flush()
	require.ErrorContains(t, err, "broken pipe")
}

func TestAccumulator_ConcurrentWritersProduceWholeLines(t *testing.T) {
	acc, stdout, _ := newTestAccumulator(t)

	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				acc.AddFields("m", map[string]interface{}{"i": i}, map[string]string{"g": fmt.Sprint(g)}, time.Unix(1, 0))
			}
		}()
	}
	wg.Wait()
	require.NoError(t, acc.Flush())

	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	require.Len(t, lines, 4000)
	var want []string
	for g := range 8 {
		for i := range 500 {
			want = append(want, fmt.Sprintf("m,g=%d i=%di 1000000000", g, i))
		}
	}
	sort.Strings(want)
	sort.Strings(lines)
	require.Equal(t, want, lines)
}

func TestAccumulator_WithTrackingIsRefused(t *testing.T) {
	acc, _, _ := newTestAccumulator(t)
	require.Panics(t, func() { acc.WithTracking(1) })
}
