package dashboards

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
	"github.com/prometheus/prometheus/tsdb/chunks"
	"github.com/prometheus/prometheus/util/annotations"
	"github.com/stretchr/testify/require"
)

// The panels' PromQL, run by Prometheus's own engine on series shaped as
// Telegraf's outputs.prometheus_client exposes them, scraped once a minute
// (the scrape interval of examples/prometheus/prometheus-scrape.yml).

// stale ends a series as Prometheus does when a scrape no longer has it.
var stale = math.Float64frombits(value.StaleNaN)

// promSeries is a series with one sample a minute from minute from on;
// a NaN value is a minute without a sample.
type promSeries struct {
	labels []string // name, value, ...
	from   int
	values []float64
}

// steady is n samples of one value.
func steady(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// counter is a counter sampled every minute for minutes minutes, starting
// at start and growing by increments[m] at minute m.
func counter(start float64, minutes int, increments map[int]float64) []float64 {
	out := make([]float64, minutes)
	v := start
	for m := range out {
		v += increments[m]
		out[m] = v
	}
	return out
}

type sample struct {
	t int64
	f float64
}

func (s sample) T() int64                    { return s.t }
func (s sample) F() float64                  { return s.f }
func (sample) H() *histogram.Histogram       { return nil }
func (sample) FH() *histogram.FloatHistogram { return nil }
func (sample) Type() chunkenc.ValueType      { return chunkenc.ValFloat }
func (s sample) Copy() chunks.Sample         { return s }
func minute(m int) time.Time                 { return time.Unix(0, 0).UTC().Add(time.Duration(m) * time.Minute) }
func (s promSeries) series() storage.Series {
	return storage.NewListSeries(labels.FromStrings(s.labels...), s.samples())
}
func (s promSeries) samples() []chunks.Sample {
	var out []chunks.Sample
	for i, v := range s.values {
		if math.IsNaN(v) && !value.IsStaleNaN(v) {
			continue
		}
		out = append(out, sample{t: minute(s.from + i).UnixMilli(), f: v})
	}
	return out
}

// memStore serves a fixed set of series to the engine.
type memStore []promSeries

func (m memStore) Querier(int64, int64) (storage.Querier, error) {
	return &storage.MockQuerier{SelectMockFunction: func(_ bool, _ *storage.SelectHints, matchers ...*labels.Matcher) storage.SeriesSet {
		set := &seriesSet{next: -1}
		for _, s := range m {
			lset := labels.FromStrings(s.labels...)
			if !slices.ContainsFunc(matchers, func(mt *labels.Matcher) bool { return !mt.Matches(lset.Get(mt.Name)) }) {
				set.list = append(set.list, s.series())
			}
		}
		slices.SortFunc(set.list, func(a, b storage.Series) int { return labels.Compare(a.Labels(), b.Labels()) })
		return set
	}}, nil
}

// seriesSet walks a list of series.
type seriesSet struct {
	list []storage.Series
	next int
}

func (s *seriesSet) Next() bool                      { s.next++; return s.next < len(s.list) }
func (s *seriesSet) At() storage.Series              { return s.list[s.next] }
func (*seriesSet) Err() error                        { return nil }
func (*seriesSet) Warnings() annotations.Annotations { return nil }

func newEngine() *promql.Engine {
	return promql.NewEngine(promql.EngineOpts{MaxSamples: 1_000_000, Timeout: time.Minute, LookbackDelta: 5 * time.Minute})
}

// panelPromQL is the PromQL of the only query of a panel, its variables
// filled with vars over exampleValues.
func panelPromQL(t *testing.T, dashboard, title string, vars map[string]string) string {
	t.Helper()
	values := map[string]string{}
	for k, v := range exampleValues {
		values[k] = v
	}
	for k, v := range vars {
		values[k] = v
	}
	for _, d := range All() {
		if d.Name != dashboard {
			continue
		}
		for _, r := range d.Rows {
			for _, p := range r.Panels {
				if p.Title == title {
					require.Len(t, p.Queries, 1, "%s / %s", dashboard, title)
					q, err := Fill(p.Queries[0].PromQL, values)
					require.NoError(t, err)
					return q
				}
			}
		}
	}
	t.Fatalf("no panel %q in dashboard %s", title, dashboard)
	return ""
}

// instant runs query at minute m and returns the value of each series,
// keyed by its labels.
func instant(t *testing.T, store memStore, query string, m int) map[string]float64 {
	t.Helper()
	q, err := newEngine().NewInstantQuery(context.Background(), store, nil, query, minute(m))
	require.NoError(t, err, query)
	res := q.Exec(context.Background())
	require.NoError(t, res.Err, query)
	vec, err := res.Vector()
	require.NoError(t, err, query)
	out := map[string]float64{}
	for _, s := range vec {
		out[s.Metric.String()] = s.F
	}
	return out
}

// rangeSums runs query from minute from to minute to at step and returns,
// per series (keyed by its labels), the sum of its points: what a stacked
// bar chart adds up to.
func rangeSums(t *testing.T, store memStore, query string, from, to int, step time.Duration) map[string]float64 {
	t.Helper()
	q, err := newEngine().NewRangeQuery(context.Background(), store, nil, query, minute(from), minute(to), step)
	require.NoError(t, err, query)
	res := q.Exec(context.Background())
	require.NoError(t, res.Err, query)
	matrix, err := res.Matrix()
	require.NoError(t, err, query)
	out := map[string]float64{}
	for _, s := range matrix {
		for _, p := range s.Floats {
			out[s.Metric.String()] += p.F
		}
	}
	return out
}

// A daemon that stops gets a new series (its status is a label) while the
// old one, still running, stays in Telegraf's output until it expires: the
// panel must count it as not running from the start.
func TestDaemonsNotRunningCountsAStoppedDaemonAtOnce(t *testing.T) {
	daemon := func(service, status string) []string {
		return []string{"__name__", "netbackup_service_running", "source", "nbu1", "host", "nbu-primary", "service", service, "status", status}
	}
	store := memStore{
		// nbpem stops at minute 5; its RUNNING series expires at 15.
		{labels: daemon("nbpem", "RUNNING"), values: append(steady(1, 15), stale)},
		{labels: daemon("nbpem", "STOPPED"), from: 5, values: steady(0, 20)},
		{labels: daemon("nbjm", "RUNNING"), values: steady(1, 25)},
		{labels: daemon("nbars", "DISABLED"), values: steady(0, 25)},
	}
	query := panelPromQL(t, "overview", "Daemons not running", nil)
	want := map[string]float64{`{source="nbu1"}`: 0}
	require.Equal(t, want, instant(t, store, query, 3), "before nbpem stops: %s", query)
	want[`{source="nbu1"}`] = 1
	for _, m := range []int{5, 10, 14, 20} {
		require.Equal(t, want, instant(t, store, query, m), "minute %d: %s", m, query)
	}
}

// "Finished jobs by outcome" draws one stacked bar per interval: the bars
// must add up to the jobs that finished, whatever the interval Grafana
// picks, as the InfluxDB variant's count per interval does. Grafana's
// $__rate_interval is max($__interval + scrape interval, 4 × scrape
// interval) with the data source's scrape interval set to 1m.
func TestFinishedJobsByOutcomeCountsEachJobOnce(t *testing.T) {
	jobs := func(class, status string) []string {
		return []string{"__name__", "netbackup_jobs_finished_total", "source", "nbu1", "job_type", "BACKUP",
			"policy_type", "STANDARD", "status_class", class, "status", status}
	}
	store := memStore{
		// 4 failures in the range: 1 at minute 30, 2 at 31, 1 at 75.
		{labels: jobs("failed", "58"), values: counter(500, 121, map[int]float64{30: 1, 31: 2, 75: 1, 110: 5})},
		// 5 successes every 10 minutes: 40 in the range.
		{labels: jobs("success", "0"), values: counter(9000, 121, map[int]float64{
			5: 5, 15: 5, 25: 5, 35: 5, 45: 5, 55: 5, 65: 5, 75: 5, 85: 5, 95: 5, 105: 5,
		})},
	}
	want := map[string]float64{`{status_class="failed"}`: 4, `{status_class="success"}`: 40}
	for _, iv := range []struct {
		interval, rateInterval string
		step                   time.Duration
	}{
		{"1m", "4m", time.Minute},
		{"5m", "6m", 5 * time.Minute},
		{"15s", "1m15s", 15 * time.Second},
	} {
		query := panelPromQL(t, "jobs", "Finished jobs by outcome", map[string]string{
			"__interval": iv.interval, "__rate_interval": iv.rateInterval,
		})
		// From minute 20 to 100: the jobs after the step before 20 (minute
		// 15 at the latest) up to minute 100.
		require.Equal(t, want, rangeSums(t, store, query, 20, 100, iv.step), "interval %s: %s", iv.interval, query)
	}
}
