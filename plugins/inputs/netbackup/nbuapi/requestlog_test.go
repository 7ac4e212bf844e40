package nbuapi

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"
)

func linesAt(log *testutil.CaptureLogger, level byte) []string {
	var out []string
	for _, m := range log.Messages() {
		if m.Level == level {
			out = append(out, m.Text)
		}
	}
	return out
}

// Every HTTP request is one debug line: method, path and query, status,
// attempt, duration; never a header or a body.
func TestRequestLog_OneDebugLinePerRequest(t *testing.T) {
	var calls atomic.Int64
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			nbcWriteJSON(w, http.StatusServiceUnavailable, nbcEnvelope(503, "busy, "+r.Header.Get("Authorization")))
			return
		}
		nbcWriteJSON(w, http.StatusOK, `{"data":[],"echo":"`+r.Header.Get("Authorization")+`"}`)
	})
	log := &testutil.CaptureLogger{}
	cfg := nbcConfig(t, srv.Server)
	cfg.Log = log
	cfg.Name = "nbu-primary"
	c := newNbcClient(t, cfg)

	query := url.Values{"filter": {"state eq 'DONE'"}}
	var out map[string]any
	require.NoError(t, c.Get(context.Background(), "/admin/jobs", query, &out))

	debug := linesAt(log, testutil.LevelDebug)
	var requests []string
	for _, line := range debug {
		if strings.Contains(line, "/admin/jobs") {
			requests = append(requests, line)
		}
	}
	require.Len(t, requests, 2, "one line per HTTP request, retries included: %q", debug)
	require.Regexp(t, `^server nbu-primary: GET /admin/jobs\?filter=state eq 'DONE': 503 Service Unavailable in [0-9.]+[µm]?s \(attempt 1\)$`, requests[0])
	require.Regexp(t, `^server nbu-primary: GET /admin/jobs\?filter=state eq 'DONE': 200 OK in [0-9.]+[µm]?s \(attempt 2\)$`, requests[1])
	for _, line := range log.Messages() {
		require.NotContains(t, line.Text, nbcTestKey)
		require.NotContains(t, line.Text, "busy", "a body is never logged")
	}
}

func TestRequestLog_TransportFailureIsOneLine(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) { nbcReset(t, w) })
	log := &testutil.CaptureLogger{}
	cfg := nbcConfig(t, srv.Server)
	cfg.Log = log
	cfg.RetryCount = 1
	c := newNbcClient(t, cfg)
	require.Error(t, c.Get(context.Background(), "/admin/jobs", nil, nil))

	var failed []string
	for _, line := range linesAt(log, testutil.LevelDebug) {
		if strings.Contains(line, "GET /admin/jobs") {
			failed = append(failed, line)
		}
	}
	require.Len(t, failed, 2, "%q", failed)
	require.Regexp(t, `: GET /admin/jobs: failed after [0-9.]+[µm]?s \(attempt 1\): .*(reset|EOF)`, failed[0])
	require.Contains(t, failed[1], "(attempt 2)")
}

// An answer whose body cannot be read whole is logged as failed, not as
// "200 OK": here a body over max_response_bytes, decoded in the transport.
func TestRequestLog_FailedReadIsLoggedAsFailed(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		nbcWriteJSON(w, http.StatusOK, `{"data":"`+strings.Repeat("x", 4096)+`"}`)
	})
	log := &testutil.CaptureLogger{}
	cfg := nbcConfig(t, srv.Server)
	cfg.Log = log
	cfg.MaxResponseBytes = 1024
	c := newNbcClient(t, cfg)
	var page struct{ Data string }
	require.Error(t, c.Get(context.Background(), "/admin/jobs", nil, &page))

	var lines []string
	for _, line := range linesAt(log, testutil.LevelDebug) {
		if strings.Contains(line, "GET /admin/jobs") {
			lines = append(lines, line)
		}
	}
	require.Len(t, lines, 1, "%q", lines)
	require.Regexp(t, `: GET /admin/jobs: 200 OK, but reading the answer failed after [0-9.]+[µm]?s \(attempt 1\): .*too large`, lines[0])
}

// While a request is retried, one info line per wait says which request,
// which attempt, why and how long the wait is; a success after retries
// returns no error.
func TestRetryLog_OneLinePerWait(t *testing.T) {
	var calls atomic.Int64
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			nbcReset(t, w)
		case 2:
			w.Header().Set("Retry-After", "0")
			nbcWriteJSON(w, http.StatusTooManyRequests, nbcEnvelope(429, "slow down"))
		default:
			nbcWriteJSON(w, http.StatusOK, `{}`)
		}
	})
	log := &testutil.CaptureLogger{}
	cfg := nbcConfig(t, srv.Server)
	cfg.Log = log
	cfg.Name = "nbu-primary"
	c := newNbcClient(t, cfg)
	require.NoError(t, c.Get(context.Background(), "/admin/jobs", nil, nil))

	info := linesAt(log, testutil.LevelInfo)
	require.Len(t, info, 2, "one line per wait: %q", info)
	waitPattern := `retrying in [0-9.]+[µm]?s$`
	require.Regexp(t, `^server nbu-primary: GET /admin/jobs: attempt 1 of 4 failed: .*(reset|EOF).*; `+waitPattern, info[0])
	require.Regexp(t, `^server nbu-primary: GET /admin/jobs: attempt 2 of 4 answered 429 Too Many Requests, Retry-After 0; `+waitPattern, info[1])
	require.Empty(t, log.Errors())
	require.Empty(t, log.Warnings())
}

// The wait the line names is the wait resty makes: between
// retry_wait_time and retry_max_wait_time, Retry-After capped.
func TestRetryLog_NamesTheWaitMade(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		nbcWriteJSON(w, http.StatusServiceUnavailable, nbcEnvelope(503, "maintenance"))
	})
	log := &testutil.CaptureLogger{}
	cfg := nbcConfig(t, srv.Server)
	cfg.Log = log
	cfg.RetryCount = 2
	c := newNbcClient(t, cfg)
	err := c.Get(context.Background(), "/admin/jobs", nil, nil)
	require.True(t, IsStatus(err, http.StatusServiceUnavailable))

	info := linesAt(log, testutil.LevelInfo)
	require.Len(t, info, 2, "no wait after the last attempt: %q", info)
	for _, line := range info {
		require.Regexp(t, regexp.MustCompile(`Retry-After 3600; retrying in 20ms \(the retry_max_wait_time\)$`), line)
	}
}
