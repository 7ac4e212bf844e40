package nbusim

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkJobsPage100 measures one page of 100 jobs out of 1,000,000
// through ServeHTTP (no network).
func BenchmarkJobsPage100(b *testing.B) {
	sim := newTestSim(b, Config{Jobs: 1_000_000})
	for _, bc := range []struct{ name, query string }{
		{"first", "page[limit]=100"},
		{"after", "page[limit]=100&sort=jobId&page[after]=500000"},
		{"lastUpdateTime", "page[limit]=100&sort=jobId&filter=lastUpdateTime%20gt%20" +
			testStart.Add(-10*time.Minute).Format("2006-01-02T15:04:05.000Z")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "https://nbu.test/netbackup/admin/jobs?"+bc.query, nil)
			req.Header.Set("Authorization", sim.cfg.APIKey)
			b.ReportAllocs()
			var size int
			// The recorder's body stands for the connection: reuse its buffer so
			// the figures measure the simulator, not bytes.Buffer growth.
			body := bytes.NewBuffer(make([]byte, 0, 512<<10))
			for b.Loop() {
				rec := httptest.NewRecorder()
				body.Reset()
				rec.Body = body
				sim.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}

// BenchmarkNewMillionJobs: creating a simulator does not depend on the job count.
func BenchmarkNewMillionJobs(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(Config{Jobs: 1_000_000, Start: testStart}); err != nil {
			b.Fatal(err)
		}
	}
}
