package main

import (
	"bytes"
	"context"
	"fmt"
	"time"
)

// The fleet scenario is one agent reading many primary servers: every
// server simulated in one process (a listener each), every collector on,
// fleetJobsPerServer finished jobs per server in the lookback, one -once
// gather of the plugin's process. It measures what the fleet costs the
// agent: wall, CPU and peak RSS against the number of servers.
const fleetJobsPerServer = 3000

// fleetGatherTimeout is each server's gather_timeout in the fleet runs:
// long enough that no server is cut off, so that the jobs are all there.
const fleetGatherTimeout = 30 * time.Minute

func runFleet(ctx context.Context, sc scenario, opt options) ([]*result, error) {
	servers := sc.size
	sim, err := startSimProcess(ctx, simConfig{jobs: fleetJobsPerServer, jobRate: backfillJobRate, latency: sc.rtt, servers: servers})
	if err != nil {
		return nil, err
	}
	defer sim.close()
	span := time.Duration(float64(fleetJobsPerServer)/backfillJobRate) * time.Second
	run := pluginRun{lookback: span + 24*time.Hour, gatherTimeout: fleetGatherTimeout, allowErrors: true}
	run.binary, run.profileDir, run.concurrency, run.budget = opt.plugin, opt.profileDir, opt.concurrency, opt.budget

	before, simBefore, err := sim.stats()
	if err != nil {
		return nil, err
	}
	up := lineCount{name: "up", match: func(line []byte) bool {
		_, fields, _ := bytes.Cut(line, []byte(" "))
		return bytes.HasPrefix(line, []byte("netbackup_api,")) &&
			(bytes.HasPrefix(fields, []byte("up=1i")) || bytes.Contains(fields, []byte(",up=1i")))
	}}
	c, counts, err := run.run(ctx, sim, sc.name, prefixCount("netbackup_job,"), up)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sc.name, err)
	}
	after, simAfter, err := sim.stats()
	if err != nil {
		return nil, err
	}
	r := &result{scenario: sc.name, walker: "netbackup", items: counts["netbackup_job,"], requests: after - before,
		cost: c, simCPU: simAfter - simBefore, servers: servers, serversUp: counts["up"], errors: counts["E!"], budget: opt.budget}
	if opt.budget > 0 {
		r.floor = pagesFloor(r.requests, opt.budget, sc.rtt)
	}
	return []*result{r}, nil
}
