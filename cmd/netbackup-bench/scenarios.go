package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A scenario is named kind-size-rtt: backfill-1m-20ms, steady-1m-20ms,
// storage-5k-20ms, sparse-300-20ms, fleet-100-20ms. size is the number of
// jobs (k = thousand, m = million), for storage the number of storage units
// (disk pools: a fifth), for fleet the number of primary servers.
type scenario struct {
	name string
	kind string // backfill, steady, storage, sparse, fleet
	size int
	rtt  time.Duration
}

var (
	fullScenarios = []string{"backfill-100k-2ms", "backfill-100k-20ms", "backfill-1m-2ms", "backfill-1m-20ms",
		"steady-1m-20ms", "storage-5k-20ms", "sparse-300-20ms",
		"fleet-1-20ms", "fleet-10-20ms", "fleet-30-20ms", "fleet-60-20ms", "fleet-100-20ms"}
	quickScenarios = []string{"backfill-10k-2ms", "backfill-10k-20ms", "steady-1m-20ms", "storage-5k-20ms", "sparse-300-20ms",
		"fleet-10-20ms"}
)

var scenarioPattern = regexp.MustCompile(`^(backfill|steady|storage|sparse|fleet)-([0-9]+)([km]?)-([0-9]+ms)$`)

func parseScenario(name string) (scenario, error) {
	m := scenarioPattern.FindStringSubmatch(strings.TrimSpace(name))
	if m == nil {
		return scenario{}, fmt.Errorf("unknown scenario %q: use kind-size-rtt, kind one of backfill, steady, storage, sparse, fleet (e.g. backfill-1m-20ms)", name)
	}
	size, err := strconv.Atoi(m[2])
	if err != nil {
		return scenario{}, fmt.Errorf("scenario %q: %w", name, err)
	}
	switch m[3] {
	case "k":
		size *= 1_000
	case "m":
		size *= 1_000_000
	}
	rtt, err := time.ParseDuration(m[4])
	if err != nil {
		return scenario{}, fmt.Errorf("scenario %q: %w", name, err)
	}
	return scenario{name: m[0], kind: m[1], size: size, rtt: rtt}, nil
}

// result is one line of the table.
type result struct {
	scenario string
	walker   string // "netbackup" (the plugin) or "baseline"
	items    int64  // netbackup_job points (jobs scenarios) or every metric (storage)
	requests int64
	floor    time.Duration // what the round trips alone cost (see the README)
	simCPU   time.Duration // the simulator process's CPU during the run
	cost
	vsBaseline   *result // the baseline of the same scenario, for the ratios
	note         string
	healthPoints int64 // netbackup_api and netbackup_collector lines

	// fleet scenarios
	servers   int
	serversUp int64 // netbackup_api points with up=1
	errors    int64 // E! lines of the plugin's process
	budget    int   // max_concurrent_requests (0: not set, an older binary)
}

type options struct {
	concurrency int
	budget      int // max_concurrent_requests; 0: the plugin's default
	baseline    bool
	plugin      string // the plugin binary
	profileDir  string
}

func runScenario(ctx context.Context, sc scenario, opt options) ([]*result, error) {
	switch sc.kind {
	case "backfill":
		return runBackfill(ctx, sc, opt)
	case "steady":
		return runSteady(ctx, sc, opt)
	case "sparse":
		return runSparse(ctx, sc, opt)
	case "fleet":
		return runFleet(ctx, sc, opt)
	default:
		return runStorage(ctx, sc, opt)
	}
}

// backfillJobRate spreads the jobs thinly over time, so that nearly all of
// them are finished (a job lives up to ~4 h): the backfill measures finished
// jobs, not the unfinished ones the collector also lists every gather.
const backfillJobRate = 0.01

// runBackfill: a first start with every job in the lookback window, one
// gather of the plugin's process, then the baseline's process on the same
// simulator.
func runBackfill(ctx context.Context, sc scenario, opt options) ([]*result, error) {
	sim, err := startSimProcess(ctx, simConfig{jobs: sc.size, jobRate: backfillJobRate, latency: sc.rtt})
	if err != nil {
		return nil, err
	}
	defer sim.close()
	span := time.Duration(float64(sc.size)/backfillJobRate) * time.Second
	lookback := span + 24*time.Hour

	ours, err := measurePlugin(ctx, sim, sc, opt, pluginRun{collect: "jobs", lookback: lookback}, "netbackup_job,")
	if err != nil {
		return nil, err
	}
	ours.floor = pagesFloor(ours.requests, opt.concurrency, sc.rtt)
	results := []*result{ours}
	if !opt.baseline {
		return results, nil
	}

	before, simBefore, err := sim.stats()
	if err != nil {
		return nil, err
	}
	c, jobs, err := runBaseline(ctx, sim, lookback)
	if err != nil {
		return nil, fmt.Errorf("%s baseline: %w", sc.name, err)
	}
	after, simAfter, err := sim.stats()
	if err != nil {
		return nil, err
	}
	base := &result{scenario: sc.name, walker: "baseline", items: jobs, requests: after - before, cost: c, simCPU: simAfter - simBefore}
	base.floor = pagesFloor(base.requests, 1, sc.rtt)
	ours.vsBaseline = base
	if ours.items != base.items {
		ours.note = fmt.Sprintf("emitted %d jobs, the baseline read %d", ours.items, base.items)
	}
	return append(results, base), nil
}

// steadyJobRate: with jobs living ~30 min on average, about 70 jobs are
// unfinished at any time (one page), and 100 finish every 2,500 s.
const steadyJobRate = 0.04

// runSteady: the plugin has caught up (one unmeasured gather, its state
// kept in a state file); the clock moves until ~100 jobs have finished;
// one measured gather.
func runSteady(ctx context.Context, sc scenario, opt options) ([]*result, error) {
	sim, err := startSimProcess(ctx, simConfig{jobs: sc.size, jobRate: steadyJobRate, latency: sc.rtt})
	if err != nil {
		return nil, err
	}
	defer sim.close()
	run := pluginRun{collect: "jobs", lookback: time.Hour, stateFile: filepath.Join(sim.dir, "state.json")}
	if _, err := measurePlugin(ctx, sim, sc, opt, run, "netbackup_job,"); err != nil {
		return nil, fmt.Errorf("%s: first gather: %w", sc.name, err)
	}
	step := time.Duration(100/steadyJobRate) * time.Second
	if err := sim.advance(step); err != nil {
		return nil, err
	}
	finished, err := sim.finished(step)
	if err != nil {
		return nil, err
	}
	r, err := measurePlugin(ctx, sim, sc, opt, run, "netbackup_job,")
	if err != nil {
		return nil, err
	}
	r.floor = time.Duration(r.requests) * sc.rtt
	r.note = fmt.Sprintf("%d jobs finished since the last gather; %s above the round trips, process start included",
		finished, (r.Wall - r.floor).Round(time.Millisecond))
	return []*result{r}, nil
}

// runSparse: a backfill whose job ids are sparse (250 numbered from 1000,
// the others from 5,000,000): the requests it needs.
func runSparse(ctx context.Context, sc scenario, opt options) ([]*result, error) {
	high := max(sc.size-250, 1)
	sim, err := startSimProcess(ctx, simConfig{jobs: 250 + high, jobRate: backfillJobRate, latency: sc.rtt,
		jobIDs: fmt.Sprintf("1000+250,5000000+%d", high)})
	if err != nil {
		return nil, err
	}
	defer sim.close()
	r, err := measurePlugin(ctx, sim, sc, opt, pluginRun{collect: "jobs", lookback: 30 * 24 * time.Hour}, "netbackup_job,")
	if err != nil {
		return nil, err
	}
	r.floor = time.Duration(r.requests) * sc.rtt
	r.note = fmt.Sprintf("job ids 1000-1249 and from 5,000,000 (%d jobs, the finished ones emitted); requests of the whole gather", 250+high)
	return []*result{r}, nil
}

// runStorage: one gather of the storage collector on a large domain.
func runStorage(ctx context.Context, sc scenario, opt options) ([]*result, error) {
	sim, err := startSimProcess(ctx, simConfig{jobs: 500, storageUnits: sc.size, latency: sc.rtt})
	if err != nil {
		return nil, err
	}
	defer sim.close()
	r, err := measurePlugin(ctx, sim, sc, opt, pluginRun{collect: "storage", lookback: time.Hour}, "netbackup_")
	if err != nil {
		return nil, err
	}
	r.items -= r.healthPoints
	r.floor = time.Duration(r.requests) * sc.rtt
	r.note = fmt.Sprintf("%d storage units, %d disk pools; items = metrics", sc.size, max(1, sc.size/5))
	return []*result{r}, nil
}

// measurePlugin runs one gather of the plugin's process and counts the
// lines that start with prefix.
func measurePlugin(ctx context.Context, sim *simProcess, sc scenario, opt options, run pluginRun, prefix string) (*result, error) {
	run.binary, run.profileDir, run.concurrency, run.budget = opt.plugin, opt.profileDir, opt.concurrency, opt.budget
	before, simBefore, err := sim.stats()
	if err != nil {
		return nil, err
	}
	c, counts, err := run.run(ctx, sim, sc.name, prefixCount(prefix), prefixCount("netbackup_api,"), prefixCount("netbackup_collector,"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sc.name, err)
	}
	after, simAfter, err := sim.stats()
	if err != nil {
		return nil, err
	}
	return &result{scenario: sc.name, walker: "netbackup", items: counts[prefix], requests: after - before,
		cost: c, simCPU: simAfter - simBefore, healthPoints: counts["netbackup_api,"] + counts["netbackup_collector,"]}, nil
}

// pagesFloor is the network's own limit for requests spread over
// concurrency chains: (requests / concurrency) round trips.
func pagesFloor(requests int64, concurrency int, rtt time.Duration) time.Duration {
	return time.Duration(math.Ceil(float64(requests)/float64(concurrency))) * rtt
}

// tempDir is where the plugin binary is built.
func tempDir() (string, error) { return os.MkdirTemp("", "netbackup-bench-") }
