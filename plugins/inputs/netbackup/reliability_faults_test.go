package netbackup

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
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
)

// The fault matrix: one row per fault a NetBackup server, a proxy or the
// network can throw at the plugin. Each row states the outcome (up, which
// metrics are there, how many requests were retried) and the words the
// user reads in the error. Rows with simulator faults then clear them and
// check that the next gather is clean again.

const (
	relWrongPassword  = "relwrong-Pz3mX8kLq2"
	relWrongAPIKey    = "relkey-WRONG-Jd8s7Fq2Vb"
	relMaxBodyOption  = 64 << 10
	relHangDelay      = 30 * time.Second // bounded server side; the client gives up first
	relBlackHoleHosts = 3
)

// relStorageSet is what the storage collector emits when all goes well.
var relStorageSet = []string{"netbackup_disk_pool", "netbackup_storage_unit", "netbackup_storage_server"}

// relRun is one row's gathers, kept for the secret hygiene test.
type relRun struct {
	env  *testEnv
	accs []*testutil.Accumulator
	// extra holds further secrets a row used (a wrong password).
	extra []string
}

// gather runs one gather of p and records it.
func (r *relRun) gather(t testing.TB, p *NetBackup) *testutil.Accumulator {
	acc := gatherAndCommit(t, p)
	r.accs = append(r.accs, acc)
	return acc
}

type relFaultRow struct {
	name    string
	sim     func(*nbusim.Config)
	faults  []nbusim.Fault
	front   frontHandler
	collect []string                                       // default: storage
	tune    func(t testing.TB, env *testEnv, p *NetBackup) // options, servers, CA
	up      int                                            // netbackup_api up of the server; -1: the row's check looks
	errs    []string                                       // each must appear in the errors; nil: no error at all
	present []string
	absent  []string
	retries int // netbackup_api retries of the first gather; -1: not checked
	failed  int // netbackup_api errors (requests failed for good) of the first gather; -1: not checked
	check   func(t testing.TB, run *relRun, p *NetBackup, acc *testutil.Accumulator)
	secrets []string // further secrets the row uses
}

func relStatusFault(status int, retryAfter string) []nbusim.Fault {
	return []nbusim.Fault{{PathPrefix: storageUnitsPath, Kind: nbusim.FaultStatus, Status: status, RetryAfter: retryAfter}}
}

// relFaultRows is the matrix; the secret hygiene test runs it again.
func relFaultRows() []relFaultRow {
	storageWithoutUnits := []string{"netbackup_disk_pool", "netbackup_storage_server"}
	return []relFaultRow{
		{
			name:    "429 with Retry-After seconds, twice, then served",
			faults:  []nbusim.Fault{{PathPrefix: storageUnitsPath, Kind: nbusim.FaultStatus, Status: 429, RetryAfter: "1", Count: 2}},
			up:      1,
			present: relStorageSet,
			retries: 2,
			failed:  0,
		},
		{
			name:    "429 with Retry-After as HTTP-date, persistent",
			faults:  relStatusFault(429, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)),
			up:      1,
			errs:    []string{"collector storage", "storage units (/storage/storage-units)", "GET /storage/storage-units: 429 Too Many Requests", "Too many requests", "after 4 attempts"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 3,
			failed:  1,
		},
		{
			name:    "429 with Retry-After as ISO date-time, persistent",
			faults:  relStatusFault(429, time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")),
			up:      1,
			errs:    []string{"GET /storage/storage-units: 429 Too Many Requests", "after 4 attempts"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 3,
			failed:  1,
		},
		{
			name:    "500 persistent",
			faults:  relStatusFault(500, ""),
			up:      1,
			errs:    []string{"GET /storage/storage-units: 500 Internal Server Error", "system error occurred", "after 4 attempts"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 3,
			failed:  1,
		},
		{
			name:    "502 persistent",
			faults:  relStatusFault(502, ""),
			up:      1,
			errs:    []string{"GET /storage/storage-units: 502 Bad Gateway", "after 4 attempts"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 3,
			failed:  1,
		},
		{
			name:    "503 with Retry-After, persistent",
			faults:  relStatusFault(503, "2"),
			up:      1,
			errs:    []string{"GET /storage/storage-units: 503 Service Unavailable", "The server is busy", "after 4 attempts"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 3,
			failed:  1,
		},
		{
			name:    "503 once, then served",
			faults:  []nbusim.Fault{{PathPrefix: storageUnitsPath, Kind: nbusim.FaultStatus, Status: 503, Count: 1}},
			up:      1,
			present: relStorageSet,
			retries: 1,
			failed:  0,
		},
		{
			name:    "504 persistent",
			faults:  relStatusFault(504, ""),
			up:      1,
			errs:    []string{"GET /storage/storage-units: 504 Gateway Timeout", "after 4 attempts"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 3,
			failed:  1,
		},
		{
			name:    "connection reset, persistent",
			faults:  []nbusim.Fault{{PathPrefix: storageUnitsPath, Kind: nbusim.FaultReset}},
			up:      1,
			errs:    []string{"GET /storage/storage-units failed after 4 attempt(s)"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 3,
			failed:  1,
		},
		{
			name:    "connection reset once, then served",
			faults:  []nbusim.Fault{{PathPrefix: storageUnitsPath, Kind: nbusim.FaultReset, Count: 1}},
			up:      1,
			present: relStorageSet,
			// Go's transport replays a GET whose reused connection died
			// before any answer by itself: no retry of the client's own.
			retries: -1,
			failed:  0,
		},
		{
			name:   "server accepts and never answers",
			faults: []nbusim.Fault{{PathPrefix: storageUnitsPath, Kind: nbusim.FaultHang, Delay: relHangDelay}},
			tune:   func(_ testing.TB, _ *testEnv, p *NetBackup) { p.RetryCount = 1 },
			up:     1,
			// The timeout option bounds each attempt; another attempt
			// follows, and the error says it was the timeout.
			errs:    []string{"GET /storage/storage-units", "timeout", "after 2 attempt(s)"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 1,
			failed:  1,
		},
		{
			name:    "slow answers within the timeout",
			faults:  []nbusim.Fault{{Kind: nbusim.FaultDelay, Delay: 50 * time.Millisecond}},
			up:      1,
			present: relStorageSet,
			retries: 0,
			failed:  0,
		},
		{
			name:  "one byte per second",
			front: relOnPath(storageUnitsPath, relOneBytePerSecond),
			tune:  func(_ testing.TB, _ *testEnv, p *NetBackup) { p.RetryCount = 1 },
			up:    1,
			// The timeout option bounds each attempt; another attempt
			// follows, and the error says it was the timeout.
			errs:    []string{"GET /storage/storage-units", "timeout", "after 2 attempt(s)"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 1,
			failed:  1,
		},
		{
			name:    "body cut off mid-JSON, persistent",
			faults:  []nbusim.Fault{{PathPrefix: storageUnitsPath, Kind: nbusim.FaultTruncate}},
			up:      1,
			errs:    []string{"GET /storage/storage-units failed after 4 attempt(s)", "unexpected EOF"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 3,
			failed:  1,
		},
		{
			name:    "invalid JSON with status 200",
			faults:  []nbusim.Fault{{PathPrefix: storageUnitsPath, Kind: nbusim.FaultInvalidJSON}},
			up:      1,
			errs:    []string{"invalid JSON from GET /storage/storage-units", "the body starts with", "Proxy Error"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 0,
			failed:  1,
		},
		{
			name:    "HTML error page with status 200",
			front:   relOnPath(storageUnitsPath, relHTMLPage),
			up:      1,
			errs:    []string{"invalid JSON from GET /storage/storage-units", "<html><head><title>502 Proxy Error"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 0,
			failed:  1,
		},
		{
			name:    "401 on login: wrong password",
			sim:     relLoginSim,
			tune:    func(_ testing.TB, _ *testEnv, p *NetBackup) { p.Password = config.NewSecret([]byte(relWrongPassword)) },
			up:      1,
			errs:    []string{`login failed for user "reluser"`, "POST /login: 401 Unauthorized", "The user name, password or API Key is wrong"},
			absent:  relStorageSet,
			retries: 0,
			// Each family's request tries to log in: three failed logins.
			failed:  3,
			secrets: []string{relWrongPassword},
		},
		{
			name:    "401 on a request: wrong API key",
			tune:    func(_ testing.TB, _ *testEnv, p *NetBackup) { p.APIKey = config.NewSecret([]byte(relWrongAPIKey)) },
			up:      1,
			errs:    []string{"GET /storage/storage-units: 401 Unauthorized", "check api_key"},
			absent:  relStorageSet,
			retries: 0,
			failed:  3,
			secrets: []string{relWrongAPIKey},
		},
		{
			name:    "401 on a request: expired token, one new login",
			sim:     relLoginSim,
			up:      1,
			present: relStorageSet,
			retries: 0,
			failed:  0,
			check:   relCheckTokenExpiry,
		},
		{
			name:    "403 on one endpoint",
			faults:  relStatusFault(403, ""),
			up:      1,
			errs:    []string{"storage units (/storage/storage-units): the API key may not read them", "403 Forbidden"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 0,
			failed:  1,
		},
		{
			name:    "404 on tape media: the server's API lacks it",
			faults:  []nbusim.Fault{{PathPrefix: tapeMediaPath, Kind: nbusim.FaultStatus, Status: 404}},
			collect: []string{"tape"},
			up:      1,
			present: []string{"netbackup_drive"},
			absent:  []string{"netbackup_tape_media"},
			retries: 0,
			failed:  1, // the 404, which is not reported as an error
			check: func(t testing.TB, run *relRun, _ *NetBackup, _ *testutil.Accumulator) {
				relRequireLog(t, run.env, "not collecting tape media: the server's API does not have them (404)")
			},
		},
		{
			name:    "tape media on NetBackup 10.3: not asked for",
			sim:     func(c *nbusim.Config) { c.Release = "10.3" },
			collect: []string{"tape"},
			up:      1,
			present: []string{"netbackup_drive"},
			absent:  []string{"netbackup_tape_media"},
			retries: 0,
			failed:  0,
			check: func(t testing.TB, run *relRun, _ *NetBackup, _ *testutil.Accumulator) {
				for _, r := range run.env.sim.Requests() {
					require.NotContains(t, r.Path, tapeMediaPath)
				}
				relRequireLog(t, run.env, "not collecting tape media: API version 10.0 is older than 11.0")
			},
		},
		{
			name:    "406: api_version set above the server's",
			sim:     func(c *nbusim.Config) { c.Release = "10.3" },
			tune:    func(_ testing.TB, _ *testEnv, p *NetBackup) { p.APIVersion = "13.0" },
			up:      0,
			errs:    []string{"GET /ping: 406 Not Acceptable", "set api_version to an older version"},
			absent:  relStorageSet,
			retries: 0,
			failed:  1,
		},
		{
			name:    "406: version fallback by probing when /ping does not say",
			sim:     func(c *nbusim.Config) { c.Release = "10.3" },
			front:   relStripVersionHeader,
			up:      1,
			present: relStorageSet,
			retries: 0,
			failed:  0,
			check: func(t testing.TB, run *relRun, _ *NetBackup, acc *testutil.Accumulator) {
				api := relAPIPoints(acc)["127.0.0.1"]
				v, _ := api.GetTag("api_version")
				require.Equal(t, "10.0", v)
				refused := 0
				for _, r := range run.env.sim.Requests() {
					if r.Status == http.StatusNotAcceptable {
						refused++
					}
				}
				require.Equal(t, 4, refused, "14.0, 13.0, 12.0 and 11.0 refused, then 10.0")
			},
		},
		{
			name:    "expired cursor mid-pagination, once",
			sim:     relJobsSim,
			faults:  []nbusim.Fault{{PathPrefix: "/admin/jobs", Kind: nbusim.FaultExpiredCursor, Count: 1}},
			collect: []string{"jobs"},
			up:      1,
			present: []string{jobMeasurement},
			retries: 0,
			failed:  1, // the page whose cursor expired; the walk restarted
			check: func(t testing.TB, run *relRun, _ *NetBackup, acc *testutil.Accumulator) {
				require.Equal(t, 1, run.env.sim.FaultsFired()[nbusim.FaultExpiredCursor])
				now := run.env.sim.Now()
				relRequireJobsOnce(t, run.env.sim.FinishedJobIDs(now.Add(-time.Hour), now), acc)
			},
		},
		{
			name:    "expired cursor mid-pagination, persistent",
			sim:     relJobsSim,
			faults:  []nbusim.Fault{{PathPrefix: "/admin/jobs", Kind: nbusim.FaultExpiredCursor}},
			collect: []string{"jobs"},
			up:      1,
			errs:    []string{"reading finished jobs (continuing after job", "GET /admin/jobs: 400 Bad Request", "has expired or is invalid"},
			present: []string{jobMeasurement},
			retries: 0,
			failed:  walkRestarts + 2, // every try of the walk, and the unfinished jobs
			check:   relCheckCursorCatchUp,
		},
		{
			name:    "redirect to another host: the credential does not follow",
			front:   relRedirectToOtherHost,
			up:      1,
			errs:    []string{"GET /storage/storage-units: 401 Unauthorized"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 0,
			failed:  1,
		},
		{
			name:    "redirect to plain http: refused",
			front:   relRedirectToPlainHTTP,
			up:      1,
			errs:    []string{"GET /storage/storage-units", "redirect refused: the server redirected to plain http://", "only https is followed"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 0,
			failed:  1,
		},
		{
			name:    "response larger than max_response_bytes: an endless body",
			front:   relOnPath(storageUnitsPath, relEndlessBody),
			tune:    func(_ testing.TB, _ *testEnv, p *NetBackup) { p.MaxResponseBytes = config.Size(relMaxBodyOption) },
			up:      1,
			errs:    []string{"GET /storage/storage-units: the response is larger than max_response_bytes (65536 bytes)", "raise the option max_response_bytes"},
			present: storageWithoutUnits,
			absent:  []string{"netbackup_storage_unit"},
			retries: 0,
			failed:  1,
		},
		{
			name: "wrong CA",
			tune: func(t testing.TB, _ *testEnv, p *NetBackup) {
				other, _, err := nbusim.GenerateCertificate([]string{"127.0.0.1"}, time.Now().Add(time.Hour))
				require.NoError(t, err)
				p.TLSCA = pemFile(t, other)
			},
			up:      0,
			errs:    []string{"GET /ping: TLS connection refused", "check the server certificate, tls_ca", "certificate signed by unknown authority"},
			absent:  relStorageSet,
			retries: 0,
			failed:  1,
		},
		{
			name:    "expired certificate",
			tune:    relServeWithCertificate([]string{"127.0.0.1"}, time.Now().Add(-time.Minute), nil),
			up:      0,
			errs:    []string{"GET /ping: TLS connection refused", "certificate has expired"},
			absent:  relStorageSet,
			retries: 0,
			failed:  1,
		},
		{
			name:    "host name mismatch",
			tune:    relServeWithCertificate([]string{"nbu-other.example"}, time.Now().Add(time.Hour), nil),
			up:      0,
			errs:    []string{"GET /ping: TLS connection refused", "cannot validate certificate for 127.0.0.1"},
			absent:  relStorageSet,
			retries: 0,
			failed:  1,
		},
		{
			name: "TLS 1.1-only server",
			tune: relServeWithCertificate([]string{"127.0.0.1"}, time.Now().Add(time.Hour), func(c *tls.Config) {
				c.MinVersion, c.MaxVersion = tls.VersionTLS11, tls.VersionTLS11
			}),
			up:      0,
			errs:    []string{"GET /ping: TLS connection refused", "TLS 1.2 or later", "protocol version"},
			absent:  relStorageSet,
			retries: 0,
			failed:  1,
		},
		{
			name:    "one of three servers down: the other two report fully",
			tune:    relThreeServers,
			up:      -1,
			errs:    []string{"server 127.0.0.3: GET /ping"},
			retries: -1,
			failed:  1,
			check:   relCheckThreeServers,
		},
	}
}

func TestReliabilityFaultMatrix(t *testing.T) {
	for _, row := range relFaultRows() {
		t.Run(row.name, func(t *testing.T) {
			relRunRow(t, row)
		})
	}
}

// relPacing keeps the product's retry count (the rows count retries) with
// waits of milliseconds, a 500 ms attempt timeout and a 5 s gather
// deadline, so that rows whose server never answers end quickly.
func relPacing(p *NetBackup) {
	p.RetryCount = defaultRetryCount
	p.RetryMaxWaitTime = config.Duration(20 * time.Millisecond)
	p.Timeout = config.Duration(500 * time.Millisecond)
	p.GatherTimeout = config.Duration(5 * time.Second)
}

// relRunRow runs one row: a gather under the fault with its assertions,
// then, for simulator faults, a clean gather once the faults are cleared.
func relRunRow(t testing.TB, row relFaultRow) *relRun {
	cfg := nbusim.Config{StorageUnits: 5, DiskPools: 2, Drives: 3, TapeMedia: 150}
	if row.sim != nil {
		row.sim(&cfg)
	}
	var fronts []frontHandler
	if row.front != nil {
		fronts = append(fronts, row.front)
	}
	env := startSim(t, cfg, fronts...)
	for _, f := range row.faults {
		env.sim.AddFault(f)
	}
	collectors := row.collect
	if collectors == nil {
		collectors = []string{"storage"}
	}
	run := &relRun{env: env, extra: row.secrets}
	p := newTestPlugin(t, on(env), relPacing, collect(collectors...), stateFile(env.state), func(p *NetBackup) {
		if row.tune != nil {
			row.tune(t, env, p)
		}
	})

	acc := run.gather(t, p)
	text := errorText(acc)
	if row.errs == nil {
		require.Empty(t, text, "no error expected")
	}
	errs := errorsOf(acc)
	for _, want := range row.errs {
		require.NotEmpty(t, errs)
		found := slices.ContainsFunc(errs, func(err error) bool { return strings.Contains(err.Error(), want) })
		require.True(t, found, "no error says %q; errors:\n%s", want, text)
	}
	if row.up >= 0 {
		api := relAPIPoints(acc)
		require.Len(t, api, 1)
		m := api["127.0.0.1"]
		require.NotNil(t, m, "netbackup_api of 127.0.0.1")
		require.Equal(t, int64(row.up), relField(t, m, "up"))
		if row.retries >= 0 {
			require.Equal(t, int64(row.retries), relField(t, m, "retries"))
		}
		if row.failed >= 0 {
			require.Equal(t, int64(row.failed), relField(t, m, "errors"))
		}
	}
	for _, name := range row.present {
		require.Positive(t, len(metricsNamed(acc, name)), "%s missing", name)
	}
	for _, name := range row.absent {
		require.Zero(t, len(metricsNamed(acc, name)), "%s present", name)
	}
	if row.check != nil {
		row.check(t, run, p, acc)
	}

	if len(row.faults) > 0 {
		// The fault is gone: the next gather is clean.
		env.sim.ClearFaults()
		acc := run.gather(t, p)
		require.Empty(t, errorText(acc), "after the fault cleared")
		require.Equal(t, int64(1), relField(t, relAPIPoints(acc)["127.0.0.1"], "up"))
	}
	// Every row ran at debug level: no secret anywhere.
	relRequireNoSecrets(t, run)
	return run
}

// Simulator configurations.

// relLoginSim makes the simulator want a user name and password.
func relLoginSim(c *nbusim.Config) {
	c.Username, c.Password = testUser, testPassword
	c.TokenValidity = time.Hour
}

func relJobsSim(c *nbusim.Config) {
	c.Jobs, c.JobRate, c.Seed = 3000, 0.2, 7
	c.Start = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
}

// Front handlers.

// relOnPath answers requests for one path with misbehave, and the rest with
// the simulator.
func relOnPath(path string, misbehave http.HandlerFunc) frontHandler {
	return func(_ *testEnv, sim http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/netbackup"+path {
				misbehave(w, r)
				return
			}
			sim.ServeHTTP(w, r)
		})
	}
}

// relOneBytePerSecond starts a valid JSON answer and trickles it.
func relOneBytePerSecond(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/vnd.netbackup+json;version=13.0")
	w.WriteHeader(http.StatusOK)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		if _, err := w.Write([]byte(" ")); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

// relHTMLPage is what a reverse proxy answers when the server behind it is
// down, with status 200.
func relHTMLPage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	_, _ = w.Write([]byte("<html><head><title>502 Proxy Error</title></head><body>The proxy server received an invalid response.</body></html>"))
}

// relEndlessBody never ends its JSON list: only max_response_bytes stops
// the client reading.
func relEndlessBody(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/vnd.netbackup+json;version=13.0")
	w.WriteHeader(http.StatusOK)
	item := []byte(`{"type":"storageUnit","id":"su","attributes":{"name":"su","freeCapacityBytes":1},"relationships":{}},`)
	chunk := []byte(`{"data":[`)
	for len(chunk) < 32<<10 {
		chunk = append(chunk, item...)
	}
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
		chunk = chunk[:0]
		for len(chunk) < 32<<10 {
			chunk = append(chunk, item...)
		}
	}
}

// relStripVersionHeader hides X-NetBackup-API-Version on /ping, as servers
// before it existed do, so that the client must probe.
func relStripVersionHeader(_ *testEnv, sim http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sim.ServeHTTP(&relHeaderStripper{ResponseWriter: w, name: "X-NetBackup-API-Version"}, r)
	})
}

type relHeaderStripper struct {
	http.ResponseWriter
	name string
}

func (s *relHeaderStripper) WriteHeader(status int) {
	s.Header().Del(s.name)
	s.ResponseWriter.WriteHeader(status)
}

func (s *relHeaderStripper) Write(b []byte) (int, error) {
	s.Header().Del(s.name)
	return s.ResponseWriter.Write(b)
}

func (s *relHeaderStripper) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// relRedirectToOtherHost sends storage units to a second simulator on
// another port, which records the Authorization headers it receives.
func relRedirectToOtherHost(env *testEnv, sim http.Handler) http.Handler {
	other := startSim(env.t, nbusim.Config{StorageUnits: 5})
	env.t.Cleanup(func() {
		require.NotZero(env.t, other.sim.RequestCount(), "the redirect was not followed")
		require.Empty(env.t, other.auth.seen(), "the credential followed the redirect to another host")
	})
	return relRedirect(storageUnitsPath, other.server.URL, sim)
}

// relRedirectToPlainHTTP sends storage units to a plain-http server, which
// must never be asked.
func relRedirectToPlainHTTP(env *testEnv, sim http.Handler) http.Handler {
	var asked atomic.Int64
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		asked.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	env.t.Cleanup(func() {
		plain.Close()
		require.Zero(env.t, asked.Load(), "the client followed a redirect to plain http")
	})
	return relRedirect(storageUnitsPath, plain.URL, sim)
}

func relRedirect(path, target string, sim http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/netbackup"+path {
			http.Redirect(w, r, target+r.URL.RequestURI(), http.StatusTemporaryRedirect)
			return
		}
		sim.ServeHTTP(w, r)
	})
}

// relServeWithCertificate moves the plugin to a server with its own
// certificate (trusted as the CA) and TLS configuration.
func relServeWithCertificate(hosts []string, notAfter time.Time, tlsTune func(*tls.Config)) func(testing.TB, *testEnv, *NetBackup) {
	return func(t testing.TB, env *testEnv, p *NetBackup) {
		certPEM, keyPEM, err := nbusim.GenerateCertificate(hosts, notAfter)
		require.NoError(t, err)
		srv := relTLSServer(t, env.auth.wrap(env.sim), certPEM, keyPEM, tlsTune)
		p.Servers = []string{srv.URL}
		p.TLSCA = pemFile(t, certPEM)
	}
}

// Checks.

func relRequireLog(t testing.TB, env *testEnv, want string) {
	t.Helper()
	for _, m := range env.log.Messages() {
		if strings.Contains(m.Text, want) {
			return
		}
	}
	t.Fatalf("no log line says %q", want)
}

// relRequireJobsOnce checks that a gather emitted exactly the jobs want.
func relRequireJobsOnce(t testing.TB, want []int64, accs ...*testutil.Accumulator) {
	t.Helper()
	var got []int64
	for _, acc := range accs {
		for _, m := range acc.GetTelegrafMetrics() {
			if m.Name() == jobMeasurement {
				v, _ := m.GetField("job_id")
				got = append(got, v.(int64))
			}
		}
	}
	slices.Sort(got)
	require.Greater(t, len(want), 2*walkPageLimit, "the test needs several pages")
	require.Equal(t, want, got)
}

// relCheckCursorCatchUp: the persistent expired cursor stops the walk after
// its first page; once cleared, the next gather continues where it stood.
func relCheckCursorCatchUp(t testing.TB, run *relRun, p *NetBackup, acc *testutil.Accumulator) {
	emitted := len(metricsNamed(acc, jobMeasurement))
	// Each of the walk's tries reads its first page (no cursor yet) and
	// continues after the last job handled: those jobs stay emitted.
	require.Equal(t, (walkRestarts+1)*walkPageLimit, emitted)
	run.env.sim.ClearFaults()
	next := run.gather(t, p)
	require.Empty(t, errorText(next))
	now := run.env.sim.Now()
	relRequireJobsOnce(t, run.env.sim.FinishedJobIDs(now.Add(-time.Hour), now), acc, next)
}

// relCheckTokenExpiry: the simulator's clock passes the JWT's validity; the
// next gather's first request gets 401, logs in once more and carries on.
func relCheckTokenExpiry(t testing.TB, run *relRun, p *NetBackup, _ *testutil.Accumulator) {
	logins := func() int { return len(requestsTo(run.env.sim, "/login")) }
	require.Equal(t, 1, logins())
	run.env.sim.Advance(2 * time.Hour)
	acc := run.gather(t, p)
	require.Empty(t, errorText(acc))
	for _, name := range relStorageSet {
		require.Positive(t, len(metricsNamed(acc, name)))
	}
	require.Equal(t, 2, logins(), "exactly one new login")
	unauthorized := 0
	for _, r := range run.env.sim.Requests() {
		if r.Status == http.StatusUnauthorized {
			unauthorized++
		}
	}
	require.Equal(t, 1, unauthorized, "one request met the expired token")
	require.Len(t, run.env.auth.seen(), 2, "two tokens were used")
}

// relThreeServers: the simulator on 127.0.0.1 and a second one on
// 127.0.0.2 report; 127.0.0.3 accepts connections and never answers. All
// three use one certificate for the three addresses.
func relThreeServers(t testing.TB, env *testEnv, p *NetBackup) {
	certPEM, keyPEM, err := nbusim.GenerateCertificate([]string{"127.0.0.1", "127.0.0.2", "127.0.0.3"}, time.Now().Add(time.Hour))
	require.NoError(t, err)
	first := relTLSServer(t, env.auth.wrap(env.sim), certPEM, keyPEM, nil)

	second, err := nbusim.New(env.sim.Config())
	require.NoError(t, err)
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	require.NoError(t, err)
	srv2 := httptest.NewUnstartedServer(env.auth.wrap(second))
	srv2.Listener.Close()
	srv2.Listener = relListen(t, "127.0.0.2")
	srv2.TLS = nbusim.ServerTLSConfig(cert)
	srv2.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv2.StartTLS()
	t.Cleanup(srv2.Close)

	hole := relBlackHole(t, "127.0.0.3")
	p.Servers = []string{first.URL, srv2.URL, "https://" + hole}
	p.TLSCA = pemFile(t, certPEM)
	p.GatherTimeout = config.Duration(2 * time.Second)
}

func relCheckThreeServers(t testing.TB, run *relRun, _ *NetBackup, acc *testutil.Accumulator) {
	api := relAPIPoints(acc)
	require.Len(t, api, relBlackHoleHosts)
	for _, host := range []string{"127.0.0.1", "127.0.0.2"} {
		require.Equal(t, int64(1), relField(t, api[host], "up"), host)
		require.Zero(t, relField(t, api[host], "errors"), host)
	}
	require.Equal(t, int64(0), relField(t, api["127.0.0.3"], "up"))
	want := map[string]int{
		"netbackup_storage_unit":   len(run.env.sim.StorageUnitsData()),
		"netbackup_disk_pool":      len(run.env.sim.DiskPoolsData()),
		"netbackup_storage_server": len(run.env.sim.StorageServersData()),
	}
	for name, n := range want {
		perHost := make(map[string]int)
		for _, m := range metricsNamed(acc, name) {
			perHost[m.Tags["source"]]++
		}
		require.Equal(t, map[string]int{"127.0.0.1": n, "127.0.0.2": n}, perHost, name)
	}
	require.Len(t, errorsOf(acc), 1, "only the server that is down reports an error")
}

// relBlackHole accepts TCP connections on host and never sends a byte; it
// returns host:port.
func relBlackHole(t testing.TB, host string) string {
	l := relListen(t, host)
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// relAPIPoints is netbackup_api per source.
func relAPIPoints(acc *testutil.Accumulator) map[string]telegraf.Metric {
	out := make(map[string]telegraf.Metric)
	for _, m := range acc.GetTelegrafMetrics() {
		if m.Name() == "netbackup_api" {
			src, _ := m.GetTag("source")
			out[src] = m
		}
	}
	return out
}

func relField(t testing.TB, m telegraf.Metric, name string) int64 {
	t.Helper()
	v, ok := m.GetField(name)
	require.True(t, ok, "field %s missing in %s", name, m.Name())
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case uint64:
		return int64(x)
	}
	t.Fatalf("field %s is %T", name, v)
	return 0
}

// relTLSServer serves handler over TLS with the given certificate and TLS
// configuration (nil: TLS 1.2+) on 127.0.0.1.
func relTLSServer(t testing.TB, handler http.Handler, certPEM, keyPEM []byte, tune func(*tls.Config)) *httptest.Server {
	t.Helper()
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(handler)
	srv.TLS = nbusim.ServerTLSConfig(cert)
	// The refused handshakes of the TLS rows are on purpose: no log lines.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tune != nil {
		tune(srv.TLS)
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// relListen listens on a loopback address, port chosen by the system.
func relListen(t testing.TB, host string) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	require.NoError(t, err, "listening on %s (a loopback address)", host)
	return l
}
