package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseScenario(t *testing.T) {
	sc, err := parseScenario("backfill-1m-20ms")
	require.NoError(t, err)
	require.Equal(t, scenario{name: "backfill-1m-20ms", kind: "backfill", size: 1_000_000, rtt: 20 * time.Millisecond}, sc)
	sc, err = parseScenario("storage-5k-2ms")
	require.NoError(t, err)
	require.Equal(t, 5_000, sc.size)
	for _, bad := range []string{"", "backfill", "backfill-1g-2ms", "restore-1k-2ms", "backfill-1k-2s"} {
		_, err := parseScenario(bad)
		require.Error(t, err, bad)
	}
}

// TestSmallBackfillAgainstBaseline runs a tiny backfill (no latency): the
// plugin and the baseline read the same jobs, and the table shows the
// ratios.
func TestSmallBackfillAgainstBaseline(t *testing.T) {
	sc, err := parseScenario("backfill-2k-0ms")
	require.NoError(t, err)
	results, err := runScenario(context.Background(), sc, options{concurrency: 4, baseline: true})
	require.NoError(t, err)
	require.Len(t, results, 2)
	ours, base := results[0], results[1]
	require.Greater(t, ours.items, int64(1900))
	require.Equal(t, base.items, ours.items, ours.note)
	require.GreaterOrEqual(t, base.requests, base.items/100)
	require.Positive(t, ours.PeakHeap)
	require.Positive(t, ours.Allocated)
	require.Same(t, base, ours.vsBaseline)

	var out bytes.Buffer
	writeTable(&out, results, 4)
	require.Contains(t, out.String(), "| backfill-2k-0ms | netbackup (max_concurrency 4) | "+strconv.FormatInt(ours.items, 10))
	require.Equal(t, 4, strings.Count(out.String(), "\n"), out.String())
}

func TestSteadyStateGather(t *testing.T) {
	sc, err := parseScenario("steady-20k-0ms")
	require.NoError(t, err)
	results, err := runScenario(context.Background(), sc, options{concurrency: 4})
	require.NoError(t, err)
	require.Len(t, results, 1)
	require.Positive(t, results[0].items)
	require.LessOrEqual(t, results[0].requests, int64(10))
}
