package netbackup

import (
	"context"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// jobsPeakHeap samples the live heap while a gather runs: the plugin must
// stream (the accumulator discards the metrics, so what stays is the
// plugin's). runtime/metrics reads without stopping the world.
func jobsPeakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		ticker := time.NewTicker(5 * time.Millisecond)
		defer ticker.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-ticker.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// BenchmarkJobsBackfill100k: a first start on a server with about 100,000
// jobs finished in the lookback hour, all emitted in one gather.
func BenchmarkJobsBackfill100k(b *testing.B) {
	env := startSim(b, nbusim.Config{Release: "11.0", Jobs: 180_000, JobRate: 40, Start: jobsTestStart, Seed: 3})
	now := env.sim.Now()
	jobs := len(env.sim.FinishedJobIDs(now.Add(-time.Hour), now))
	b.ReportAllocs()
	b.ResetTimer()
	var requests int64
	var peak uint64
	for range b.N { // not b.Loop(): it crashes the go1.26.8 compiler here (internal compiler error in iter.Seq2)
		p := newTestPlugin(b, on(env), jobsPacing, collect("jobs"), logTo(testutil.Logger{Quiet: true}),
			func(p *NetBackup) { p.MaxJobsPerGather = 1_000_000 })
		acc := &testutil.Accumulator{Discard: true}
		before := env.sim.RequestCount()
		runtime.GC()
		stop := jobsPeakHeap()
		require.NoError(b, p.GatherContext(context.Background(), acc))
		peak = max(peak, stop())
		requests += env.sim.RequestCount() - before
		require.Empty(b, acc.Errors)
		require.GreaterOrEqual(b, int(acc.NMetrics()), jobs)
	}
	b.ReportMetric(float64(jobs), "jobs/op")
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
	b.ReportMetric(float64(jobs)*float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// BenchmarkJobsSteadyState: gathers that each find 100 newly finished jobs
// (one job a second, a gather every 100 s), with the default job_overlap
// and a short one. Requests are split by what they read.
func BenchmarkJobsSteadyState(b *testing.B) {
	for _, overlap := range []time.Duration{5 * time.Minute, 30 * time.Second} {
		b.Run("overlap="+overlap.String(), func(b *testing.B) {
			env := startSim(b, nbusim.Config{Release: "11.0", Jobs: 20_000, JobRate: 1, Start: jobsTestStart, Seed: 3})
			p := newTestPlugin(b, on(env), jobsPacing, collect("jobs"), logTo(testutil.Logger{Quiet: true}),
				func(p *NetBackup) { p.JobOverlap = config.Duration(overlap) })
			acc := &testutil.Accumulator{Discard: true}
			require.NoError(b, p.GatherContext(context.Background(), acc)) // the backfill
			var finishedPages, activePages, other, emitted int64
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N { // not b.Loop(): it crashes the go1.26.8 compiler here (internal compiler error in iter.Seq2)
				env.sim.Advance(100 * time.Second)
				env.sim.ResetRequests()
				var acc testutil.Accumulator
				require.NoError(b, p.GatherContext(context.Background(), &acc))
				require.Empty(b, acc.Errors)
				emitted += int64(len(metricsNamed(&acc, jobMeasurement)))
				for _, r := range env.sim.Requests() {
					switch {
					case strings.Contains(r.RawQuery, "DONE%27%20and"):
						finishedPages++
					case strings.Contains(r.RawQuery, "state%20ne"):
						activePages++
					default:
						other++
					}
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(emitted)/n, "jobs/op")
			b.ReportMetric(float64(finishedPages+activePages+other)/n, "requests/op")
			b.ReportMetric(float64(finishedPages)/n, "finished-pages/op")
			b.ReportMetric(float64(activePages)/n, "active-pages/op")
			b.ReportMetric(float64(other)/n, "other-requests/op")
		})
	}
}
