package netbackup

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/line-protocol/v2/lineprotocol"
	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/plugins/serializers/influx"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// lineRecorder takes encoded lines as the binary's accumulator does; every
// other metric goes to the embedded test accumulator.
type lineRecorder struct {
	testutil.Accumulator
	mu    sync.Mutex
	enc   lineprotocol.Encoder
	lines []string
}

func (r *lineRecorder) AddLine(measurement string, t time.Time, encode func(*lineprotocol.Encoder)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.enc.Reset()
	r.enc.StartLine(measurement)
	encode(&r.enc)
	r.enc.EndLine(t)
	if err := r.enc.Err(); err != nil {
		r.enc.ClearErr()
		return err
	}
	r.lines = append(r.lines, string(r.enc.Bytes()))
	return nil
}

// serializedJobs is the netbackup_job metrics of acc as Telegraf's influx
// serializer writes them (fields sorted, as the binary has them).
func serializedJobs(t *testing.T, acc *testutil.Accumulator) []string {
	t.Helper()
	s := &influx.Serializer{SortFields: true}
	require.NoError(t, s.Init())
	var lines []string
	for _, m := range acc.GetTelegrafMetrics() {
		if m.Name() != jobMeasurement {
			continue
		}
		b, err := s.Serialize(m)
		require.NoError(t, err)
		lines = append(lines, string(b))
	}
	return lines
}

// The encoded netbackup_job lines are exactly what the generic metric
// serializes to, for every job of a simulator gather (three releases:
// every attribute shape), with the default tags and with a custom set.
func TestJobLinesEqualTheSerializedMetrics(t *testing.T) {
	for _, tc := range []struct {
		release string
		tags    []string
	}{
		{"11.0", nil},
		{"10.3", []string{"status_class", "client", "job_type"}},
		{"8.3", nil},
	} {
		t.Run(tc.release, func(t *testing.T) {
			s := startSim(t, jobsTestConfig(tc.release))
			tune := func(p *NetBackup) {
				if tc.tags != nil {
					p.JobTags = tc.tags
				}
			}
			var lines lineRecorder
			require.NoError(t, newTestPlugin(t, on(s), jobsPacing, collect("jobs"), tune).GatherContext(t.Context(), &lines))
			require.Empty(t, lines.Errors)
			plain := gatherOnce(t, newTestPlugin(t, on(s), jobsPacing, collect("jobs"), tune))

			want := serializedJobs(t, plain)
			require.NotEmpty(t, want)
			require.Empty(t, serializedJobs(t, &lines.Accumulator), "every job went through AddLine")
			slices.Sort(want)
			slices.Sort(lines.lines)
			require.Equal(t, want, lines.lines)
			require.Equal(t, int64(len(want)), collectorField(t, &lines.Accumulator, "jobs", "items")-
				int64(len(metricsNamed(&lines.Accumulator, jobActiveMeasurement)))-
				int64(len(metricsNamed(&lines.Accumulator, "netbackup_jobs")))-
				int64(len(metricsNamed(&lines.Accumulator, "netbackup_jobs_finished"))), "encoded points are counted as items")
		})
	}
}

// A tag that is not clean text (a client name with a line break) does not
// take the encoded path: the job goes out as a generic metric, cleaned as
// every other point is. Nothing is lost.
func TestJobLineRefusedGoesOutAsMetric(t *testing.T) {
	s := startSim(t, malformedJobsConfig())
	s.sim.AddFault(nbusim.Fault{PathPrefix: "/admin/jobs", Kind: nbusim.FaultMalformed,
		ItemID: "25", Attribute: "clientName", Value: `"two\nlines"`})
	var lines lineRecorder
	p := newTestPlugin(t, on(s), jobsPacing, collect("jobs"), func(p *NetBackup) { p.JobLookback = config.Duration(24 * time.Hour) })
	require.NoError(t, p.GatherContext(t.Context(), &lines))
	require.Empty(t, lines.Errors)
	generic := metricsNamed(&lines.Accumulator, jobMeasurement)
	require.Len(t, generic, 1)
	require.Equal(t, int64(25), generic[0].Fields["job_id"])
	require.Equal(t, "two lines", generic[0].Tags["client"])
	for _, l := range lines.lines {
		require.False(t, strings.Contains(l, "job_id=25i"), l)
		require.Equal(t, 1, bytes.Count([]byte(l), []byte("\n")), l)
	}
	now := s.sim.Now()
	require.Len(t, lines.lines, len(s.sim.FinishedJobIDs(now.Add(-24*time.Hour), now))-1)
}
