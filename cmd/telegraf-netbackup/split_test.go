package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/telegraf/plugins/parsers/influx"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// TestProcess_TwoAgentsSplitAFleet: a fleet split over two agents, as the
// README describes: two processes of the binary at once, each with its own
// servers and its own state file. Over two gathers, with jobs finishing in
// between, every finished job of every server is emitted exactly once
// between them, by the agent that reads its server, with the server's
// usual source tag.
func TestProcess_TwoAgentsSplitAFleet(t *testing.T) {
	start := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	sims := make([]*simServer, 4)
	dir := t.TempDir()
	for i := range sims {
		sims[i] = startSim(t, nbusim.Config{APIKey: testAPIKey, Jobs: 1500, JobRate: 0.2, Start: start, Seed: int64(20 + i)}, dir)
	}
	agents := []struct {
		servers []*simServer
		config  string
	}{{servers: sims[:2]}, {servers: sims[2:]}}
	for i := range agents {
		a := &agents[i]
		a.config = writeFile(t, simConfig(t, a.servers,
			`  api_key = "${NBU_TEST_API_KEY}"`,
			`  collect = ["jobs"]`,
			`  job_lookback = "2h"`,
			fmt.Sprintf("  state_file = %q", filepath.Join(t.TempDir(), fmt.Sprintf("agent-%d.json", i))),
		))
	}

	emitted := make(map[string]map[int64]int) // source -> job id -> times
	gather := func() {
		var wg sync.WaitGroup
		outputs := make([]result, len(agents))
		for i, a := range agents {
			wg.Go(func() { outputs[i] = runBinary(t, "-config", a.config, "-once") })
		}
		wg.Wait()
		for i, r := range outputs {
			require.Equal(t, 0, r.code, "agent %d: %s", i, r.stderr)
			mine := make(map[string]bool)
			for _, s := range agents[i].servers {
				mine[sourceTag(s)] = true
			}
			for source, ids := range jobIDsBySource(t, r.stdout) {
				require.True(t, mine[source], "agent %d emitted jobs of %s, a server it does not read", i, source)
				if emitted[source] == nil {
					emitted[source] = make(map[int64]int)
				}
				for _, id := range ids {
					emitted[source][id]++
				}
			}
		}
	}

	gather()
	for _, s := range sims {
		s.sim.Advance(20 * time.Minute)
	}
	gather()

	for _, s := range sims {
		now := s.sim.Now()
		want := s.sim.FinishedJobIDs(start.Add(-2*time.Hour), now)
		got := emitted[sourceTag(s)]
		require.Greater(t, len(want), 200)
		ids := make([]int64, 0, len(got))
		for id, n := range got {
			require.Equal(t, 1, n, "server %s: job %d emitted %d times", sourceTag(s), id, n)
			ids = append(ids, id)
		}
		slices.Sort(ids)
		require.Equal(t, want, ids, "server %s", sourceTag(s))
	}
}

// sourceTag is the source tag of a simulator's jobs (its port is not 1556).
func sourceTag(s *simServer) string {
	return strings.TrimPrefix(s.url, "https://")
}

// jobIDsBySource parses line protocol and returns the job_id of each
// netbackup_job point, by source.
func jobIDsBySource(t *testing.T, lines string) map[string][]int64 {
	t.Helper()
	parser := &influx.Parser{}
	require.NoError(t, parser.Init())
	metrics, err := parser.Parse([]byte(lines))
	require.NoError(t, err)
	out := make(map[string][]int64)
	for _, m := range metrics {
		if m.Name() != "netbackup_job" {
			continue
		}
		id, ok := m.GetField("job_id")
		require.True(t, ok)
		out[m.Tags()["source"]] = append(out[m.Tags()["source"]], id.(int64))
	}
	return out
}
