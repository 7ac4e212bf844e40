package nbuapi

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"
)

// Connection pool and timeouts of the one http.Transport of a client (the
// design's values: collectors run concurrently against one primary server).
const (
	maxIdleConns        = 100
	maxIdleConnsPerHost = 20
	idleConnTimeout     = 90 * time.Second
	tlsHandshakeTimeout = 10 * time.Second
	dialTimeout         = 30 * time.Second
	dialKeepAlive       = 30 * time.Second
)

// newTransport builds the client's only transport. The TLS configuration
// is a copy with MinVersion raised to TLS 1.2 whatever the caller set,
// secure and insecure alike; nothing replaces it afterwards (resty's
// SetTLSClientConfig would drop the CA and client certificate).
func newTransport(cfg Config) *http.Transport {
	dialer := &net.Dialer{Timeout: dialTimeout, KeepAlive: dialKeepAlive}
	return &http.Transport{
		Proxy:                 cfg.Proxy,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          maxIdleConns,
		MaxIdleConnsPerHost:   maxIdleConnsPerHost,
		IdleConnTimeout:       idleConnTimeout,
		TLSHandshakeTimeout:   tlsHandshakeTimeout,
		ResponseHeaderTimeout: cfg.Timeout,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       transportTLS(cfg.TLS),
	}
}

func transportTLS(base *tls.Config) *tls.Config {
	var t *tls.Config
	if base == nil {
		t = &tls.Config{}
	} else {
		t = base.Clone()
	}
	if t.MinVersion < tls.VersionTLS12 {
		t.MinVersion = tls.VersionTLS12
	}
	return t
}

// countingTransport is where every attempt of every request passes: it
// waits for a slot of the budget, runs the attempt under the per-attempt
// timeout, counts it in the stats of the request's context and writes its
// debug line, and reads and decodes a successful answer into the slot's
// buffer while the slot is held. The attempt's duration runs from sending
// it to closing its body, so response_time_ms includes the transfer; the
// wait for a slot is not part of it.
type countingTransport struct {
	base    http.RoundTripper
	log     requestLog
	limit   int64         // max_response_bytes; 0 for none
	timeout time.Duration // per attempt; 0 for none
	share   *BudgetShare
}

// notSentError is an attempt that was never sent because its context
// ended: while it waited for a slot of the budget (waitedForSlot), or
// before (a shutdown, a deadline passed during a backoff wait), when the
// budget is not to blame.
type notSentError struct {
	err           error
	waitedForSlot bool
}

func (e *notSentError) Error() string {
	if e.waitedForSlot {
		return "no free request slot (max_concurrent_requests) before the end: " + e.err.Error()
	}
	return "not sent: " + e.err.Error()
}

func (e *notSentError) Unwrap() error { return e.err }

// errAttemptTimeout is an attempt that ran out of its per-attempt timeout;
// errAnswerCut one that ran out while its answer was being read.
var (
	errAttemptTimeout = fmt.Errorf("no answer within the per-attempt timeout: %w", context.DeadlineExceeded)
	errAnswerCut      = fmt.Errorf("the answer was cut off by the per-attempt timeout: %w", context.DeadlineExceeded)
)

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	release, err := t.share.acquire(ctx)
	if err != nil {
		return nil, err
	}
	retry := false
	var attempt int64
	trace := traceOf(ctx)
	// A redirect (req.Response set) is part of the same attempt.
	if trace != nil {
		if req.Response == nil {
			attempt = trace.nextAttempt()
		} else {
			attempt = trace.attempts.Load()
		}
		retry = attempt > 1 && req.Response == nil
	}
	attemptCtx, cancel := t.attemptContext(ctx)
	start := time.Now()
	var ended sync.Once
	end := func() {
		ended.Do(func() {
			cancel()
			release()
		})
	}
	resp, err := t.base.RoundTrip(req.WithContext(attemptCtx))
	if err != nil {
		took := time.Since(start)
		err = attemptError(ctx, attemptCtx, err)
		end()
		countAttempt(ctx, took, retry)
		t.log.failed(req, attempt, took, err)
		return resp, err
	}
	// A successful answer with a decoder is read and decoded here, under
	// the slot; any other answer is read by resty, and closing its body
	// ends the attempt.
	decodeHere := trace != nil && trace.decode != nil && resp.StatusCode >= 200 && resp.StatusCode <= 299
	var body io.ReadCloser = &attemptBody{ReadCloser: resp.Body, parent: ctx, attempt: attemptCtx}
	if t.limit > 0 {
		body = &limitedBody{ReadCloser: body, left: t.limit, declaredOver: resp.ContentLength > t.limit}
	}
	resp.Body = &countedBody{ReadCloser: body, done: func(readErr error) {
		took := time.Since(start)
		countAttempt(ctx, took, retry)
		if readErr != nil {
			t.log.readFailed(req, attempt, took, resp.StatusCode, readErr)
		} else {
			t.log.answered(req, attempt, took, resp.StatusCode)
		}
		if !decodeHere {
			end()
		}
	}}
	if !decodeHere {
		return resp, nil
	}
	defer end()
	if err := t.readAndDecode(resp, trace); err != nil {
		return nil, err
	}
	return resp, nil
}

// attemptContext is the context of one attempt: the request's, ended by
// the per-attempt timeout from now on.
func (t *countingTransport) attemptContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if t.timeout > 0 {
		return context.WithTimeout(ctx, t.timeout)
	}
	return context.WithCancel(ctx)
}

// readAndDecode reads a successful answer into a buffer of the budget and
// decodes it there, within the attempt and its slot: a failed read is the
// attempt's failure (retried as one), a decoding error is the answer's
// (kept in the trace). The response goes on with an empty body.
func (t *countingTransport) readAndDecode(resp *http.Response, trace *callTrace) error {
	buf := t.share.budget.buffers.get()
	defer t.share.budget.buffers.put(buf)
	expected := resp.ContentLength
	if t.limit > 0 {
		expected = min(expected, t.limit) // a larger one fails at the first read
	}
	data, err := readBody(resp.Body, expected, (*buf)[:0])
	*buf = data
	closeErr := resp.Body.Close()
	if err == nil {
		err = closeErr
	}
	if err != nil {
		return err
	}
	trace.decoded = true
	trace.decodeErr = trace.decode(resp.StatusCode, data)
	resp.Body = http.NoBody
	resp.ContentLength = 0
	return nil
}

// maxPreallocation bounds what a declared Content-Length reserves before a
// byte has arrived: the header is the server's word, the bytes are facts.
// A longer body grows the buffer as it arrives.
const maxPreallocation = 16 << 20

// readBody appends the whole body to buf, growing it as needed; length is
// the declared length (-1 when unknown).
func readBody(r io.Reader, length int64, buf []byte) ([]byte, error) {
	length = min(length, maxPreallocation)
	if length > 0 && int64(cap(buf)) < length {
		buf = make([]byte, 0, length+1) // +1: the read that sees the end
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// attemptError says why an attempt got no answer: the per-attempt timeout
// when it ran out while the request's own context is still alive.
func attemptError(parent, attempt context.Context, err error) error {
	if parent.Err() == nil && errors.Is(attempt.Err(), context.DeadlineExceeded) && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w (%w)", errAttemptTimeout, err)
	}
	return err
}

// attemptBody reads an answer within its attempt. When the per-attempt
// timeout ends the read, net/http may report a clean end of the body (the
// cancellation races the chunked reader): whatever the read returned then,
// the attempt ran out of time, and the answer is not whole.
type attemptBody struct {
	io.ReadCloser
	parent, attempt context.Context
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && b.parent.Err() == nil && errors.Is(b.attempt.Err(), context.DeadlineExceeded) {
		return n, errAnswerCut
	}
	return n, err
}

// limitedBody fails a body longer than max_response_bytes. The limit is
// kept here rather than by resty's own option, which reads the body 512
// bytes at a time (a quarter of the plugin's CPU in a backfill went there):
// without it resty reads the body in large chunks. A body whose declared
// Content-Length is over the limit fails at the first read, before anything
// is read or allocated for it.
type limitedBody struct {
	io.ReadCloser
	left         int64
	declaredOver bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.declaredOver {
		return 0, resty.ErrResponseBodyTooLarge
	}
	if b.left <= 0 {
		// At the limit: one more byte says whether the body is longer.
		var one [1]byte
		if n, err := b.ReadCloser.Read(one[:]); n == 0 {
			return 0, err
		}
		return 0, resty.ErrResponseBodyTooLarge
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// countedBody ends its attempt when it is closed, with the first error a
// read gave (a cut, a reset, the limit), so that the attempt is logged as
// failed rather than answered.
type countedBody struct {
	io.ReadCloser
	readErr error
	closed  atomic.Bool
	done    func(readErr error)
}

func (b *countedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && b.readErr == nil {
		b.readErr = err
	}
	return n, err
}

func (b *countedBody) Close() error {
	err := b.ReadCloser.Close()
	if b.closed.CompareAndSwap(false, true) {
		b.done(b.readErr)
	}
	return err
}

// errRedirectRefused marks a redirect the client will not follow.
var errRedirectRefused = errors.New("redirect refused")

// maxRedirects bounds a redirect chain.
const maxRedirects = 10

// checkRedirect keeps every credential on the server it was meant for:
//   - POST /login is never redirected: its body holds the password, and a
//     307 or 308 would send the body again, to wherever it points;
//   - a request with a body is not redirected to another server (host or
//     port): the body may hold what the configured server only should see;
//   - a redirect from https to plain http is refused;
//   - a body-less request may follow a redirect to another server, without
//     the Authorization header and cookie.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("%w: more than %d redirects", errRedirectRefused, maxRedirects)
	}
	first := via[0]
	if first.URL.Scheme == "https" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w: the server redirected to plain %s://%s; only https is followed", errRedirectRefused, req.URL.Scheme, req.URL.Host)
	}
	if trace := traceOf(first.Context()); trace != nil && trace.login {
		return fmt.Errorf("%w: the server redirected POST /login to %s; a login is never followed, so that the password goes nowhere else: "+
			"set servers to the address that answers the login itself", errRedirectRefused, redirectedTo(req.URL))
	}
	if sameServer(first.URL, req.URL) {
		return nil
	}
	if hasBody(first) {
		return fmt.Errorf("%w: the server redirected %s %s to another server (%s); a request with a body is never followed there",
			errRedirectRefused, first.Method, first.URL.Path, req.URL.Host)
	}
	req.Header.Del("Authorization")
	req.Header.Del("Cookie")
	return nil
}

// hasBody reports whether a request was sent with a body.
func hasBody(r *http.Request) bool {
	return r.GetBody != nil || r.ContentLength != 0 || (r.Body != nil && r.Body != http.NoBody)
}

// sameServer compares scheme, host (case-insensitively) and port, the
// scheme's default port written or not.
func sameServer(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "http") {
		return "80"
	}
	return "443"
}

// redirectedTo names where a redirect pointed: host and path, no query.
func redirectedTo(u *url.URL) string {
	return u.Scheme + "://" + u.Host + u.Path
}

// innerError drops url.Error's "Get "https://...": " prefix: the message
// names the request already.
func innerError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
