//go:build e2e

package e2e

import (
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/metric"
	"github.com/influxdata/telegraf/models"
)

// BenchmarkTelegrafBuffer measures what Telegraf's buffer strategies cost
// per metric added, for a netbackup_job point: the disk buffer writes each
// metric to its write-ahead log with an fsync, the memory buffer does not.
//
//	go test -tags e2e -run '^$' -bench TelegrafBuffer ./e2e/
func BenchmarkTelegrafBuffer(b *testing.B) {
	job := metric.New("netbackup_job",
		map[string]string{"source": "nbu-primary", "client": "app01.example.com", "policy_name": "prod-linux-01",
			"job_type": "BACKUP", "status_class": "success", "schedule_name": "daily-cinc"},
		map[string]interface{}{"job_id": int64(123456), "status": int64(0), "bytes": int64(1973019129856),
			"files": int64(657379), "elapsed_seconds": int64(73), "start_time": int64(1795833679)},
		time.Unix(1795833753, 72000001))
	for _, strategy := range []string{"memory", "disk_write_through"} {
		b.Run(strategy, func(b *testing.B) {
			buffer, err := models.NewBuffer("influxdb", "bench", "", b.N+1, strategy, b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer buffer.Close()
			b.ResetTimer()
			for range b.N {
				buffer.Add([]telegraf.Metric{job.Copy()}...)
			}
		})
	}
}
