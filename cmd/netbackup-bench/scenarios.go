package main

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup"
)

// A scenario is named kind-size-rtt: backfill-1m-20ms, steady-1m-20ms,
// storage-5k-20ms. size is the number of jobs (k = thousand, m = million)
// or, for storage, the number of storage units (disk pools: a fifth).
type scenario struct {
	name string
	kind string // backfill, steady, storage
	size int
	rtt  time.Duration
}

var (
	fullScenarios  = []string{"backfill-100k-2ms", "backfill-100k-20ms", "backfill-1m-2ms", "backfill-1m-20ms", "steady-1m-20ms", "storage-5k-20ms"}
	quickScenarios = []string{"backfill-10k-2ms", "backfill-10k-20ms", "steady-1m-20ms", "storage-5k-20ms"}
)

var scenarioPattern = regexp.MustCompile(`^(backfill|steady|storage)-([0-9]+)([km]?)-([0-9]+ms)$`)

func parseScenario(name string) (scenario, error) {
	m := scenarioPattern.FindStringSubmatch(strings.TrimSpace(name))
	if m == nil {
		return scenario{}, fmt.Errorf("unknown scenario %q: use kind-size-rtt, kind one of backfill, steady, storage (e.g. backfill-1m-20ms)", name)
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
	simBusy  time.Duration // the simulator's own work: handler time summed, minus the injected latency
	cost
	vsBaseline *result // the baseline of the same scenario, for the ratios
	note       string
}

type options struct {
	concurrency int
	baseline    bool
}

func runScenario(ctx context.Context, sc scenario, opt options) ([]*result, error) {
	switch sc.kind {
	case "backfill":
		return runBackfill(ctx, sc, opt)
	case "steady":
		return runSteady(ctx, sc, opt)
	default:
		return runStorage(ctx, sc, opt)
	}
}

// backfillJobRate spreads the jobs thinly over time, so that nearly all of
// them are finished (a job lives up to ~4 h): the backfill measures finished
// jobs, not the unfinished ones the collector also lists every gather.
const backfillJobRate = 0.01

// runBackfill: a first start with every job in the lookback window, one
// gather, by the plugin and then by the baseline on the same simulator.
func runBackfill(ctx context.Context, sc scenario, opt options) ([]*result, error) {
	s, err := startSim(nbusim.Config{Jobs: sc.size, JobRate: backfillJobRate, Latency: sc.rtt})
	if err != nil {
		return nil, err
	}
	defer s.close()
	span := time.Duration(float64(sc.size)/backfillJobRate) * time.Second
	lookback := span + 24*time.Hour

	ours, err := gatherOnce(ctx, s, sc, []string{"jobs"}, lookback, opt.concurrency, nil)
	if err != nil {
		return nil, err
	}
	ours.floor = pagesFloor(ours.requests, opt.concurrency, sc.rtt)
	results := []*result{ours}
	if !opt.baseline {
		return results, nil
	}

	acc, err := newSink()
	if err != nil {
		return nil, err
	}
	floor := s.sim.Now().Add(-lookback)
	before, busyBefore := s.sim.RequestCount(), s.busyTime()
	var jobs int
	c, err := measure(func() error {
		var err error
		jobs, err = baselineBackfill(ctx, s, floor, acc)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s baseline: %w", sc.name, err)
	}
	base := &result{scenario: sc.name, walker: "baseline", items: int64(jobs), requests: s.sim.RequestCount() - before, cost: c}
	base.floor = pagesFloor(base.requests, 1, sc.rtt)
	base.simBusy = s.busyTime() - busyBefore - time.Duration(base.requests)*sc.rtt
	ours.vsBaseline = base
	if ours.items != base.items {
		ours.note = fmt.Sprintf("emitted %d jobs, the baseline read %d", ours.items, base.items)
	}
	return append(results, base), nil
}

// steadyJobRate: with jobs living ~30 min on average, about 70 jobs are
// unfinished at any time (one page), and 100 finish every 2,500 s.
const steadyJobRate = 0.04

// runSteady: the plugin has caught up (one unmeasured gather); the clock
// moves until ~100 jobs have finished; one measured gather.
func runSteady(ctx context.Context, sc scenario, opt options) ([]*result, error) {
	s, err := startSim(nbusim.Config{Jobs: sc.size, JobRate: steadyJobRate, Latency: sc.rtt})
	if err != nil {
		return nil, err
	}
	defer s.close()
	p, err := s.plugin([]string{"jobs"}, time.Hour, opt.concurrency)
	if err != nil {
		return nil, err
	}
	warm, err := newSink()
	if err != nil {
		return nil, err
	}
	if err := p.GatherContext(ctx, warm); err != nil || warm.err() != nil {
		return nil, fmt.Errorf("%s: first gather: %w", sc.name, firstErr(err, warm.err()))
	}
	from := s.sim.Now()
	s.sim.Advance(time.Duration(100/steadyJobRate) * time.Second)
	finished := len(s.sim.FinishedJobIDs(from, s.sim.Now()))

	r, err := gatherWith(ctx, s, sc, p, func(acc *sink) int64 { return acc.count("netbackup_job") })
	if err != nil {
		return nil, err
	}
	r.floor = time.Duration(r.requests) * sc.rtt
	r.note = fmt.Sprintf("%d jobs finished since the last gather; %s above the round trips, of which the simulator's own work %s",
		finished, (r.Wall - r.floor).Round(time.Millisecond), r.simBusy.Round(time.Millisecond))
	return []*result{r}, nil
}

// runStorage: one gather of the storage collector on a large domain.
func runStorage(ctx context.Context, sc scenario, opt options) ([]*result, error) {
	s, err := startSim(nbusim.Config{StorageUnits: sc.size, DiskPools: max(1, sc.size/5), Latency: sc.rtt})
	if err != nil {
		return nil, err
	}
	defer s.close()
	p, err := s.plugin([]string{"storage"}, time.Hour, opt.concurrency)
	if err != nil {
		return nil, err
	}
	r, err := gatherWith(ctx, s, sc, p, func(acc *sink) int64 { return acc.total() })
	if err != nil {
		return nil, err
	}
	r.floor = time.Duration(r.requests) * sc.rtt
	r.note = fmt.Sprintf("%d storage units, %d disk pools; items = metrics", sc.size, max(1, sc.size/5))
	return []*result{r}, nil
}

// gatherOnce builds a plugin and measures its first gather.
func gatherOnce(ctx context.Context, s *simServer, sc scenario, collect []string, lookback time.Duration, concurrency int,
	items func(*sink) int64) (*result, error) {
	p, err := s.plugin(collect, lookback, concurrency)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = func(acc *sink) int64 { return acc.count("netbackup_job") }
	}
	return gatherWith(ctx, s, sc, p, items)
}

// gatherWith measures one gather of p; items counts what it produced.
func gatherWith(ctx context.Context, s *simServer, sc scenario, p *netbackup.NetBackup, items func(*sink) int64) (*result, error) {
	acc, err := newSink()
	if err != nil {
		return nil, err
	}
	before, busyBefore := s.sim.RequestCount(), s.busyTime()
	c, err := measure(func() error {
		if err := p.GatherContext(ctx, acc); err != nil {
			return err
		}
		return acc.err()
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sc.name, err)
	}
	r := &result{scenario: sc.name, walker: "netbackup", items: items(acc), requests: s.sim.RequestCount() - before, cost: c}
	r.simBusy = s.busyTime() - busyBefore - time.Duration(r.requests)*sc.rtt
	return r, nil
}

// pagesFloor is the network's own limit for requests spread over
// concurrency chains: (requests / concurrency) round trips.
func pagesFloor(requests int64, concurrency int, rtt time.Duration) time.Duration {
	return time.Duration(math.Ceil(float64(requests)/float64(concurrency))) * rtt
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
