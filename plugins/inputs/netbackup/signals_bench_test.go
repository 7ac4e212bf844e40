package netbackup

import (
	"testing"

	"github.com/influxdata/telegraf/testutil"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// BenchmarkSignalsGather: one gather of the anomalies and malware
// collectors, which read every page each time, against the simulator with
// 2,000 anomalies and 10,000 malware scan results (20 and 100 pages of 100).
//
//	go test ./plugins/inputs/netbackup -run '^$' -bench BenchmarkSignalsGather -benchmem
func BenchmarkSignalsGather(b *testing.B) {
	for _, c := range []struct {
		name string
		cfg  nbusim.Config
	}{
		{"anomalies", nbusim.Config{Anomalies: 2000}},
		{"malware", nbusim.Config{MalwareScans: 10000}},
	} {
		b.Run(c.name, func(b *testing.B) {
			env := startSim(b, c.cfg)
			p := newTestPlugin(b, on(env), collect(c.name), logTo(testutil.Logger{}))
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
			}
			b.StopTimer()
			b.ReportMetric(float64(env.sim.RequestCount()-start)/float64(b.N), "requests/op")
		})
	}
}
