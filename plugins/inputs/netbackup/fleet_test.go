package netbackup

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// Many servers read by one plugin instance share max_concurrent_requests:
// the bound holds across servers and collectors, every server gets its
// part, and a request waiting for a slot stops at its server's deadline.

// inFlight counts the requests its servers are working on at once: from
// their arrival until the server begins its answer. (Until the handler
// returns would count too much: the client may read a whole answer, give
// its slot back and send the next request before the goroutine of the
// previous handler has run again, which a loaded machine shows.)
type inFlight struct {
	now, highest atomic.Int64
}

func (f *inFlight) front(_ *testEnv, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := f.now.Add(1)
		for h := f.highest.Load(); n > h && !f.highest.CompareAndSwap(h, n); h = f.highest.Load() {
		}
		answer := &answerStart{ResponseWriter: w, started: func() { f.now.Add(-1) }}
		next.ServeHTTP(answer, r)
		answer.start() // a handler that wrote nothing
	})
}

// answerStart calls started once, when the answer begins.
type answerStart struct {
	http.ResponseWriter
	started func()
	once    sync.Once
}

func (a *answerStart) start() { a.once.Do(a.started) }

func (a *answerStart) WriteHeader(code int) {
	a.start()
	a.ResponseWriter.WriteHeader(code)
}

func (a *answerStart) Write(b []byte) (int, error) {
	a.start()
	return a.ResponseWriter.Write(b)
}

func (a *answerStart) Flush() {
	if f, ok := a.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// startFleet starts n simulators, alike but for their seed, each behind
// the fronts given.
func startFleet(t *testing.T, n int, cfg nbusim.Config, fronts ...frontHandler) []*testEnv {
	t.Helper()
	envs := make([]*testEnv, n)
	for i := range envs {
		c := cfg
		c.Seed = int64(100 + i)
		envs[i] = startSim(t, c, fronts...)
	}
	return envs
}

// onFleet points the plugin at every env (httptest servers share one
// certificate: the first CA file trusts them all).
func onFleet(envs ...*testEnv) pluginOption {
	return func(p *NetBackup) {
		p.Servers = p.Servers[:0]
		for _, env := range envs {
			p.Servers = append(p.Servers, env.server.URL)
		}
		p.TLSCA = envs[0].caFile
		p.Log = envs[0].log
	}
}

// budget sets max_concurrent_requests.
func budget(n int) pluginOption {
	return func(p *NetBackup) { p.MaxConcurrentRequests = n }
}

// sourceOf is the source tag the plugin gives env's server.
func sourceOf(env *testEnv) string {
	return strings.TrimPrefix(env.server.URL, "https://")
}

// apiPoint is the netbackup_api point of source.
func apiPoint(t *testing.T, acc *testutil.Accumulator, source string) map[string]interface{} {
	t.Helper()
	for _, m := range acc.GetTelegrafMetrics() {
		if m.Name() == "netbackup_api" && m.Tags()["source"] == source {
			return m.Fields()
		}
	}
	t.Fatalf("no netbackup_api point for %s", source)
	return nil
}

// collectorErrors is the errors field of every netbackup_collector point of
// source, by collector.
func collectorErrors(acc *testutil.Accumulator, source string) map[string]int64 {
	out := make(map[string]int64)
	for _, m := range acc.GetTelegrafMetrics() {
		if m.Name() == "netbackup_collector" && m.Tags()["source"] == source {
			v, _ := m.GetField("errors")
			out[m.Tags()["collector"]], _ = v.(int64)
		}
	}
	return out
}

// jobIDsBySource is the job ids of the netbackup_job points, by source, in
// the order emitted.
func jobIDsBySource(t *testing.T, acc *testutil.Accumulator) map[string][]int64 {
	t.Helper()
	out := make(map[string][]int64)
	for _, m := range acc.GetTelegrafMetrics() {
		if m.Name() != jobMeasurement {
			continue
		}
		v, ok := m.GetField("job_id")
		require.True(t, ok)
		out[m.Tags()["source"]] = append(out[m.Tags()["source"]], v.(int64))
	}
	return out
}

func TestBudgetBoundsRequestsAcrossServersAndCollectors(t *testing.T) {
	var counter inFlight
	cfg := nbusim.Config{Latency: 5 * time.Millisecond, Jobs: 800, Start: jobsTestStart}
	envs := startFleet(t, 6, cfg, counter.front)
	p := newTestPlugin(t, onFleet(envs...), jobsPacing, budget(3), func(p *NetBackup) {
		p.MaxConcurrency = 4
		p.ServiceHosts = "all"
	})
	acc := gatherOnce(t, p)
	require.Empty(t, errorText(acc))
	for _, env := range envs {
		require.EqualValues(t, 1, apiPoint(t, acc, sourceOf(env))["up"])
		require.Len(t, collectorErrors(acc, sourceOf(env)), len(knownCollectors()))
	}
	require.LessOrEqual(t, counter.highest.Load(), int64(3), "more requests in flight than max_concurrent_requests")
	require.EqualValues(t, 3, counter.highest.Load(), "the fixture never saw the budget used whole")
}

// A server whose requests hang (but for its ping) holds its part of the
// budget and no more: the other server's metrics all arrive, complete,
// while the hanging one still waits. The test ends the gather as soon as
// the healthy server has reported.
func TestASlowServerDelaysNoOther(t *testing.T) {
	hang := func(_ *testEnv, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/ping") {
				next.ServeHTTP(w, r)
				return
			}
			<-r.Context().Done()
		})
	}
	slow := startSim(t, nbusim.Config{Start: jobsTestStart}, hang)
	fast := startSim(t, nbusim.Config{Start: jobsTestStart, Seed: 3})
	p := newTestPlugin(t, onFleet(slow, fast), budget(2), func(p *NetBackup) {
		p.Timeout = config.Duration(time.Hour) // a hung request keeps its slot
		p.GatherTimeout = config.Duration(10 * time.Second)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	acc := &untilReported{source: sourceOf(fast), reported: cancel}
	require.NoError(t, p.GatherContext(ctx, acc))

	fields := apiPoint(t, &acc.Accumulator, sourceOf(fast))
	require.EqualValues(t, 1, fields["up"])
	require.Zero(t, fields["errors"])
	errs := collectorErrors(&acc.Accumulator, sourceOf(fast))
	require.Len(t, errs, len(knownCollectors()))
	for name, n := range errs {
		require.Zero(t, n, "collector %s of the healthy server failed", name)
	}
	require.NotEmpty(t, jobIDsBySource(t, &acc.Accumulator)[sourceOf(fast)])
	for _, err := range errorsOf(&acc.Accumulator) {
		require.Contains(t, err.Error(), sourceOf(slow), "only the hanging server may fail")
	}
}

// untilReported is an accumulator that calls reported once the
// netbackup_api point of source arrived (the server's gather is over).
type untilReported struct {
	testutil.Accumulator
	source   string
	reported func()
}

func (a *untilReported) AddFields(m string, f map[string]interface{}, tags map[string]string, ts ...time.Time) {
	a.Accumulator.AddFields(m, f, tags, ts...)
	if m == "netbackup_api" && tags["source"] == a.source {
		a.reported()
	}
}

var _ telegraf.Accumulator = (*untilReported)(nil)

// With fewer slots than hanging servers, a request waiting for a slot stops
// at its own server's gather_timeout: the gather ends, and the error says
// what the request waited for. The only slot is held by a request that hangs
// for longer than the gather (a hung server's, from outside the gather):
// held by a server of the gather, it would be freed at that server's own
// deadline, a moment before or after the other's, and the other's requests
// would then be sent, not wait.
func TestWaitingForASlotStopsAtTheGatherTimeout(t *testing.T) {
	arrived := make(chan struct{}, 1)
	hangAll := func(_ *testEnv, _ http.Handler) http.Handler {
		return http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			select {
			case arrived <- struct{}{}:
			default:
			}
			<-r.Context().Done()
		})
	}
	hung := startSim(t, nbusim.Config{}, hangAll)
	waiting := startSim(t, nbusim.Config{Seed: 3})
	p := newTestPlugin(t, onFleet(waiting), budget(1), func(p *NetBackup) {
		p.Timeout = config.Duration(time.Hour)
		p.GatherTimeout = config.Duration(300 * time.Millisecond)
	})
	base, err := url.Parse(hung.server.URL + "/netbackup")
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(hung.server.Certificate())
	holder, err := nbuapi.New(nbuapi.Config{BaseURL: base, APIKey: func() (string, error) { return testAPIKey, nil },
		APIVersion: "13.0", TLS: &tls.Config{RootCAs: roots}, Budget: p.budget})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	held := make(chan error, 1)
	go func() { held <- holder.Get(ctx, "/admin/jobs", nil, nil) }()
	defer func() {
		cancel()
		<-held
	}()
	<-arrived

	acc := gatherOnce(t, p)
	require.Regexp(t, `server `+regexp.QuoteMeta(sourceOf(waiting))+`(, collector [a-z_]+)?: [^\n]*GET /[^ ]+ not sent: `+
		`no free request slot before the gather ended \(max_concurrent_requests is shared by every server; raise it, or gather_timeout\): `+
		`context deadline exceeded`, errorText(acc))
}

// Long backfills of several servers share the read-ahead tokens (as many
// as max_concurrent_requests): with a single one, every walk still
// completes, because the range a walk has reached reads without a token.
// Every job of every server is emitted once, in order, and no token is
// left taken.
func TestBackfillsShareTheReadAheadTokens(t *testing.T) {
	envs := startFleet(t, 3, backfillTestConfig())
	p := newTestPlugin(t, onFleet(envs...), jobsPacing, collect("jobs"), budget(1), func(p *NetBackup) {
		p.MaxConcurrency = 4
		p.GatherTimeout = config.Duration(30 * time.Second) // a walk stuck without a token fails in time
	})
	acc := gatherOnce(t, p)
	require.Empty(t, errorText(acc))
	bySource := jobIDsBySource(t, acc)
	for _, env := range envs {
		require.Positive(t, rangedRequests(env), "the backfill was not split into id ranges")
		now := env.sim.Now()
		want := env.sim.FinishedJobIDs(now.Add(-time.Hour), now)
		got := bySource[sourceOf(env)]
		require.True(t, slices.IsSorted(got), "jobs must be handed over in jobId order")
		require.Equal(t, want, slices.Compact(slices.Clone(got)))
		require.Len(t, got, len(want), "a job was emitted twice")
	}
	require.Zero(t, len(p.readAhead), "read-ahead tokens left taken")
}

// A walk that stops early (max_jobs_per_gather) gives back the tokens of
// the pages it read ahead and did not hand over.
func TestAWalkStoppedEarlyGivesItsTokensBack(t *testing.T) {
	env := startSim(t, backfillTestConfig())
	p := newTestPlugin(t, on(env), jobsPacing, collect("jobs"), budget(8), func(p *NetBackup) {
		p.MaxConcurrency = 4
		p.MaxJobsPerGather = 2_500
	})
	acc := gatherOnce(t, p)
	require.Empty(t, errorText(acc))
	require.Positive(t, rangedRequests(env), "the backfill was not split into id ranges")
	require.Len(t, jobIDsBySource(t, acc)[sourceOf(env)], 2_500)
	require.Zero(t, len(p.readAhead), "read-ahead tokens left taken")
}
