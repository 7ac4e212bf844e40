package netbackup

import (
	"testing"

	"github.com/influxdata/telegraf/testutil"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// BenchmarkStorageGather: one gather of the storage collector against the
// simulator with 5,000 storage units and 1,000 disk pools (and their volumes
// and storage servers). Reports the requests and metrics of one gather.
//
//	go test ./plugins/inputs/netbackup -run '^$' -bench BenchmarkStorageGather -benchmem
func BenchmarkStorageGather(b *testing.B) {
	env := startSim(b, nbusim.Config{StorageUnits: 5000, DiskPools: 1000})
	p := newTestPlugin(b, on(env), collect("storage"), logTo(testutil.Logger{}))
	var metrics int
	b.ReportAllocs()
	b.ResetTimer()
	start := env.sim.RequestCount()
	for range b.N {
		var acc testutil.Accumulator
		if err := p.GatherContext(b.Context(), &acc); err != nil {
			b.Fatal(err)
		}
		if len(acc.Errors) > 0 {
			b.Fatal(acc.Errors)
		}
		metrics = int(acc.NMetrics())
	}
	b.StopTimer()
	b.ReportMetric(float64(env.sim.RequestCount()-start)/float64(b.N), "requests/op")
	b.ReportMetric(float64(metrics), "metrics/op")
}
