package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testPlugin is the plugin binary the tests measure, built once.
var testPlugin string

// TestMain also serves the child modes: the simulator and the baseline run
// as this test binary started again, as they run as the command itself.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == "-serve" || os.Args[1] == "-walk-baseline") {
		if err := dispatch(os.Args[1:]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	dir, err := tempDir()
	if err != nil {
		panic(err)
	}
	testPlugin, err = buildPlugin(context.Background(), dir, false)
	if err != nil {
		panic(err)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func testOptions(baseline bool) options {
	return options{concurrency: 4, baseline: baseline, plugin: testPlugin}
}

func TestParseScenario(t *testing.T) {
	sc, err := parseScenario("backfill-1m-20ms")
	require.NoError(t, err)
	require.Equal(t, scenario{name: "backfill-1m-20ms", kind: "backfill", size: 1_000_000, rtt: 20 * time.Millisecond}, sc)
	sc, err = parseScenario("storage-5k-2ms")
	require.NoError(t, err)
	require.Equal(t, 5_000, sc.size)
	sc, err = parseScenario("sparse-300-20ms")
	require.NoError(t, err)
	require.Equal(t, "sparse", sc.kind)
	sc, err = parseScenario("fleet-30-20ms")
	require.NoError(t, err)
	require.Equal(t, scenario{name: "fleet-30-20ms", kind: "fleet", size: 30, rtt: 20 * time.Millisecond}, sc)
	for _, bad := range []string{"", "backfill", "backfill-1g-2ms", "restore-1k-2ms", "backfill-1k-2s"} {
		_, err := parseScenario(bad)
		require.Error(t, err, bad)
	}
}

// TestSmallBackfillAgainstBaseline runs a tiny backfill (no latency): the
// plugin's process and the baseline's read the same jobs, each measured on
// its own, and the table shows the ratios.
func TestSmallBackfillAgainstBaseline(t *testing.T) {
	sc, err := parseScenario("backfill-2k-0ms")
	require.NoError(t, err)
	results, err := runScenario(context.Background(), sc, testOptions(true))
	require.NoError(t, err)
	require.Len(t, results, 2)
	ours, base := results[0], results[1]
	require.Greater(t, ours.items, int64(1900))
	require.Equal(t, base.items, ours.items, ours.note)
	require.GreaterOrEqual(t, base.requests, base.items/100)
	for _, r := range results {
		require.Positive(t, r.CPU, r.walker)
		require.Positive(t, r.PeakRSS, r.walker)
		require.Positive(t, r.simCPU, r.walker)
	}
	require.Same(t, base, ours.vsBaseline)

	var out bytes.Buffer
	writeTable(&out, results, 4)
	require.Contains(t, out.String(), "| backfill-2k-0ms | netbackup (max_concurrency 4) | "+strconv.FormatInt(ours.items, 10))
	require.Equal(t, 4, strings.Count(out.String(), "\n"), out.String())
}

func TestSteadyStateGather(t *testing.T) {
	sc, err := parseScenario("steady-20k-0ms")
	require.NoError(t, err)
	results, err := runScenario(context.Background(), sc, testOptions(false))
	require.NoError(t, err)
	require.Len(t, results, 1)
	require.Positive(t, results[0].items)
	require.LessOrEqual(t, results[0].requests, int64(5), "steady state: at most 5 requests per server")
}

func TestSparseIDsGather(t *testing.T) {
	sc, err := parseScenario("sparse-300-0ms")
	require.NoError(t, err)
	results, err := runScenario(context.Background(), sc, testOptions(false))
	require.NoError(t, err)
	require.Len(t, results, 1)
	require.Greater(t, results[0].items, int64(250))
	require.LessOrEqual(t, results[0].requests, int64(20))
}

// TestFleetGather: three simulated servers in one simulator process, every
// collector, one gather of the plugin's process with a budget of 2: every
// server answers, every finished job of each is emitted, and the table has
// the fleet's line.
func TestFleetGather(t *testing.T) {
	sc, err := parseScenario("fleet-3-0ms")
	require.NoError(t, err)
	opt := testOptions(false)
	opt.budget = 2
	results, err := runScenario(context.Background(), sc, opt)
	require.NoError(t, err)
	require.Len(t, results, 1)
	r := results[0]
	require.EqualValues(t, 3, r.serversUp)
	require.Zero(t, r.errors)
	require.Greater(t, r.items, int64(3*(fleetJobsPerServer-100)))
	require.Greater(t, r.requests, int64(3*fleetJobsPerServer/100), "at least a page per 100 jobs")

	var out bytes.Buffer
	writeTable(&out, results, 4)
	require.Contains(t, out.String(), "| 3 | 2 | 3 | "+strconv.FormatInt(r.items, 10)+" | 0 | ")
}
