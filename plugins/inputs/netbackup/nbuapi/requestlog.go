package nbuapi

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/influxdata/telegraf"
)

// requestLog writes what the client does, for a user who asks (-debug) and
// while a server is retried:
//   - one debug line per HTTP request: method, path and query, status or
//     failure, duration, attempt. Never a header (the credential travels in
//     Authorization) nor a body (the password travels in POST /login's).
//     Queries are printed: they hold filters, sort and paging, never a
//     credential.
//   - one info line per retry wait: which request, which attempt of how
//     many, why, and how long the wait is.
type requestLog struct {
	log      telegraf.Logger
	server   string // how lines name the server
	basePath string // /netbackup: paths are shown relative to it, as in errors
}

func (l requestLog) debugEnabled() bool { return l.log.Level() >= telegraf.Debug }

// answered logs a request that got a response.
func (l requestLog) answered(req *http.Request, attempt int64, took time.Duration, status int) {
	if !l.debugEnabled() {
		return
	}
	l.log.Debugf("server %s: %s %s: %d %s in %s%s", l.server, req.Method, l.target(req), status, http.StatusText(status),
		roundDuration(took), attemptSuffix(attempt))
}

// readFailed logs a request whose answer could not be read whole.
func (l requestLog) readFailed(req *http.Request, attempt int64, took time.Duration, status int, err error) {
	if !l.debugEnabled() {
		return
	}
	l.log.Debugf("server %s: %s %s: %d %s, but reading the answer failed after %s%s: %v", l.server, req.Method, l.target(req),
		status, http.StatusText(status), roundDuration(took), attemptSuffix(attempt), innerError(err))
}

// failed logs a request that got no response.
func (l requestLog) failed(req *http.Request, attempt int64, took time.Duration, err error) {
	if !l.debugEnabled() {
		return
	}
	l.log.Debugf("server %s: %s %s: failed after %s%s: %v", l.server, req.Method, l.target(req),
		roundDuration(took), attemptSuffix(attempt), innerError(err))
}

// target is the request's path (relative to /netbackup) and query, decoded
// for reading; a redirect to another server is shown with its host.
func (l requestLog) target(req *http.Request) string {
	path := req.URL.Path
	if rel, ok := strings.CutPrefix(path, l.basePath); ok && (rel == "" || rel[0] == '/') {
		path = rel
	}
	if req.Response != nil { // a redirect: say where to
		path = req.URL.Host + req.URL.Path
	}
	if req.URL.RawQuery == "" {
		return path
	}
	query, err := url.QueryUnescape(req.URL.RawQuery)
	if err != nil {
		query = req.URL.RawQuery
	}
	return path + "?" + query
}

func attemptSuffix(attempt int64) string {
	if attempt == 0 {
		return ""
	}
	return fmt.Sprintf(" (attempt %d)", attempt)
}

// retrying logs one wait before a retry.
func (l requestLog) retrying(trace *callTrace, attempt, attempts int, why string, wait time.Duration, note string) {
	method, path := "request", ""
	if trace != nil {
		method, path = trace.method, " "+trace.path
	}
	l.log.Infof("server %s: %s%s: attempt %d of %d %s; retrying in %s%s", l.server, method, path, attempt, attempts, why,
		roundDuration(wait), note)
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d
}

// retryWait is resty's SetRetryAfter callback; resty calls it once before
// each wait (never after the last attempt). It decides the wait itself,
// so that the line it writes names the wait made: the server's Retry-After
// for 429 and 503, else capped exponential backoff with jitter (resty's
// own formula), both within [retry_wait_time, retry_max_wait_time].
func (c *Client) retryWait(rc *resty.Client, resp *resty.Response) (time.Duration, error) {
	minWait, maxWait := rc.RetryWaitTime, rc.RetryMaxWaitTime
	attempt := resp.Request.Attempt // attempts made so far, 1-based
	wait := retryAfter(resp, c.nowTime())
	why, note := c.retryReason(resp), ""
	if wait > 0 {
		why += ", Retry-After " + strings.TrimSpace(resp.Header().Get("Retry-After"))
	} else {
		wait = jitteredBackoff(minWait, maxWait, attempt-1)
	}
	switch {
	case wait >= maxWait:
		wait, note = maxWait, " (the retry_max_wait_time)"
	case wait < minWait:
		wait = minWait
	}
	c.requests.retrying(traceOf(resp.Request.Context()), attempt, rc.RetryCount+1, why, wait, note)
	return wait, nil
}

// retryReason says why an attempt is retried: its status, or the transport
// error the retry hook kept.
func (c *Client) retryReason(resp *resty.Response) string {
	if resp.RawResponse != nil {
		return fmt.Sprintf("answered %d %s", resp.StatusCode(), http.StatusText(resp.StatusCode()))
	}
	if trace := traceOf(resp.Request.Context()); trace != nil {
		if err := trace.lastError(); err != nil {
			return fmt.Sprintf("failed: %v", innerError(err))
		}
	}
	return "failed"
}

// keepRetryError is resty's retry hook: it runs before each wait with the
// attempt's error, which the RetryAfter callback does not receive.
func keepRetryError(resp *resty.Response, err error) {
	if resp == nil || resp.Request == nil {
		return
	}
	if trace := traceOf(resp.Request.Context()); trace != nil {
		trace.setLastErr(err)
	}
}

// jitteredBackoff is resty's default wait before retry number attempt+1:
// min(max, min*2^attempt), halved, plus a random part of that half; at
// least min.
func jitteredBackoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	capped := maxWait
	if attempt < 62 && minWait < maxWait>>attempt {
		capped = minWait << attempt
	}
	half := max(capped/2, time.Nanosecond)
	return max(half+rand.N(half), minWait)
}
