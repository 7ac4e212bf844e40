package nbuapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi/jsonscan"
)

// Client is the one request path to one NetBackup primary server: retries
// with backoff and Retry-After, the API version, the credential, the
// request counters. Safe for concurrent use.
type Client struct {
	base      string // ends in /netbackup, no trailing slash
	resty     *resty.Client
	transport *http.Transport
	log       telegraf.Logger
	requests  requestLog
	now       func() time.Time

	apiKey   Secret // nil when the client logs in
	login    loginConfig
	session  session
	versions versions

	maxResponseBytes int64         // for the error message
	timeout          time.Duration // per attempt, for the error message
	share            *BudgetShare  // this server's access to the budget
}

// request is one logical API call; retries repeat it.
type request struct {
	method  string
	path    string // relative to /netbackup, e.g. "/admin/jobs"
	query   url.Values
	body    any
	version Version // Accept (and Content-Type with a body)
	accept  string  // replaces the Accept header derived from version
	out     any     // decodes a successful JSON answer when not nil
	public  bool    // an endpoint that needs no credential: none is sent
}

// New builds the client; it never touches the network.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == nil {
		return nil, errors.New("no server URL")
	}
	log := cfg.Log
	if log == nil {
		log = discardLogger{}
	}
	name := cfg.Name
	if name == "" {
		name = cfg.BaseURL.Host
	}
	c := &Client{
		base:      strings.TrimRight(cfg.BaseURL.String(), "/"),
		transport: newTransport(cfg),
		log:       log,
		requests:  requestLog{log: log, server: name, basePath: strings.TrimRight(cfg.BaseURL.Path, "/")},
		now:       time.Now,
	}
	if v := strings.TrimSpace(cfg.APIVersion); v != "" && !strings.EqualFold(v, "auto") {
		fixed, err := ParseVersion(v)
		if err != nil {
			return nil, fmt.Errorf("option api_version: %w (or \"auto\")", err)
		}
		c.versions.fixed = fixed
	}
	switch {
	case cfg.APIKey != nil:
		c.apiKey = cfg.APIKey
	case cfg.Username != nil && cfg.Password != nil:
		c.login = loginConfig{
			username: cfg.Username, password: cfg.Password,
			domainType: cfg.DomainType, domainName: cfg.DomainName,
		}
	default:
		return nil, errors.New("no credential: set api_key, or username and password")
	}

	r := resty.New()
	r.SetLogger(restyLogger{log})
	r.SetDebug(false)
	budget := cfg.Budget
	if budget == nil {
		budget = NewBudget(DefaultBudget)
	}
	c.share = budget.Share()
	// The per-attempt timeout is the transport's, not http.Client's: it
	// starts once the attempt has a slot of the budget.
	r.SetTransport(&countingTransport{base: c.transport, log: c.requests, limit: cfg.MaxResponseBytes,
		timeout: cfg.Timeout, share: c.share})
	r.SetCookieJar(nil)
	r.SetRedirectPolicy(resty.RedirectPolicyFunc(checkRedirect))
	r.SetRetryCount(cfg.RetryCount)
	r.SetRetryWaitTime(cfg.RetryWaitTime)
	r.SetRetryMaxWaitTime(cfg.RetryMaxWaitTime)
	r.AddRetryCondition(shouldRetry)
	r.SetRetryAfter(c.retryWait)
	r.AddRetryHook(keepRetryError)
	if cfg.UserAgent != "" {
		r.SetHeader("User-Agent", cfg.UserAgent)
	}
	c.resty = r
	c.maxResponseBytes = cfg.MaxResponseBytes
	c.timeout = cfg.Timeout
	return c, nil
}

// nowTime indirects c.now so that tests can move the clock after New.
func (c *Client) nowTime() time.Time { return c.now() }

// Close releases the client's idle connections (a process exit would close
// them anyway; an instance replaced in the same process should call it).
func (c *Client) Close() {
	c.transport.CloseIdleConnections()
}

// BudgetShare is this client's share of the budget: Join it for the time
// of a gather (see Budget).
func (c *Client) BudgetShare() *BudgetShare { return c.share }

// UsesLogin reports whether the client authenticates with a user name and
// password (a session token) rather than an API key.
func (c *Client) UsesLogin() bool { return c.apiKey == nil }

// Get sends GET path?query and decodes the JSON answer into out (out may
// be nil). path is relative to /netbackup, e.g. "/admin/jobs".
func (c *Client) Get(ctx context.Context, path string, query url.Values, out any) error {
	return c.fetch(ctx, request{method: http.MethodGet, path: path, query: query, out: out})
}

// GetPublic is Get for an endpoint that needs no credential (GET
// /security/cacert): none is sent, so it answers whether or not the
// credential is valid, and a client that logs in does not log in for it.
func (c *Client) GetPublic(ctx context.Context, path string, query url.Values, out any) error {
	return c.fetch(ctx, request{method: http.MethodGet, path: path, query: query, out: out, public: true})
}

// Post sends body as JSON to path and decodes the answer into out (out may
// be nil).
func (c *Client) Post(ctx context.Context, path string, body any, out any) error {
	return c.fetch(ctx, request{method: http.MethodPost, path: path, body: body, out: out})
}

// fetch sends req with the negotiated version and counts a failure.
func (c *Client) fetch(ctx context.Context, req request) error {
	var err error
	req.version, err = c.versionFor(ctx)
	if err != nil {
		countError(ctx)
		return err
	}
	if _, err := c.exchange(ctx, req); err != nil {
		countError(ctx)
		return err
	}
	return nil
}

// exchange sends an authenticated request and turns an error status into
// *Error. A session token the server refuses (401) is renewed once and the
// request repeated once; an API key is never retried on 401.
func (c *Client) exchange(ctx context.Context, req request) (*resty.Response, error) {
	if req.public {
		return c.exchangePublic(ctx, req)
	}
	credential, err := c.credential(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, req, credential)
	if err == nil && resp.StatusCode() == http.StatusUnauthorized && c.UsesLogin() {
		c.log.Debugf("%s %s: 401 with the session token, logging in again", req.method, req.path)
		c.session.invalidate(credential)
		if credential, err = c.credential(ctx); err != nil {
			return nil, err
		}
		resp, err = c.send(ctx, req, credential)
	}
	if err != nil {
		return nil, err // a transport error: its text holds no header
	}
	countCredential(ctx, resp.StatusCode())
	return c.answered(ctx, req, resp, credential)
}

// exchangePublic sends a request without a credential.
func (c *Client) exchangePublic(ctx context.Context, req request) (*resty.Response, error) {
	resp, err := c.send(ctx, req, "")
	if err != nil {
		return nil, err
	}
	return c.answered(ctx, req, resp)
}

// answered is the outcome of req's last response, with or without a
// credential: an error status is an *Error, an answer that did not decode
// is that error, and a page's malformed items are reported.
func (c *Client) answered(ctx context.Context, req request, resp *resty.Response, secrets ...string) (*resty.Response, error) {
	if err := c.statusError(req, resp, secrets...); err != nil {
		return nil, err
	}
	if err := answerError(resp); err != nil {
		return nil, err
	}
	if answer, ok := req.out.(skippingAnswer); ok {
		c.reportSkipped(ctx, req, answer.skippedItems())
	}
	return resp, nil
}

// answerError is what decoding the successful answer of resp gave (the
// transport decodes it within the attempt, see callTrace.decode).
func answerError(resp *resty.Response) error {
	if trace := traceOf(resp.Request.Context()); trace != nil && trace.decoded {
		return trace.decodeErr
	}
	return nil
}

// send runs one request through resty (retries included) and returns the
// last response whatever its status; the error is a transport failure, a
// body over the limit, or the context ending.
func (c *Client) send(ctx context.Context, req request, credential string) (*resty.Response, error) {
	trace := &callTrace{method: req.method, path: req.path, login: req.path == loginPath}
	if req.out != nil {
		trace.decode = func(status int, body []byte) error {
			return decodeJSON(req.method, req.path, status, body, req.out, credential)
		}
	}
	ctx = withCallTrace(ctx, trace)
	r := c.resty.R().SetContext(ctx)
	accept := req.accept
	if accept == "" {
		accept = req.version.mediaType()
	}
	r.SetHeader("Accept", accept)
	if credential != "" {
		// NetBackup wants the API key or session token raw, without "Bearer".
		r.SetHeader("Authorization", credential)
	}
	if req.body != nil {
		payload, err := json.Marshal(req.body)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encoding the request body: %w", req.method, req.path, err)
		}
		r.SetHeader("Content-Type", req.version.mediaType())
		r.SetBody(payload)
	}
	target := c.base + req.path
	if q := encodeQuery(req.query); q != "" {
		target += "?" + q
	}
	resp, err := r.Execute(req.method, target)
	answered := resp != nil && resp.RawResponse != nil
	if ctx.Err() != nil && answered && (err != nil || retryableStatus(resp.StatusCode())) {
		// The context ended during a backoff wait: resty stops and returns
		// the last response. Say that the gather was interrupted, and what
		// the server had answered.
		cause := ctx.Err()
		if err != nil && !errors.Is(err, cause) {
			cause = fmt.Errorf("%w (%w)", cause, err)
		}
		return resp, fmt.Errorf("%s %s interrupted after %d attempt(s) (last status %d %s): %w",
			req.method, req.path, r.Attempt, resp.StatusCode(), http.StatusText(resp.StatusCode()), cause)
	}
	if err != nil {
		return resp, c.transportError(ctx, req, r.Attempt, err)
	}
	return resp, nil
}

// transportError says what went wrong when no usable response came back.
func (c *Client) transportError(ctx context.Context, req request, attempts int, err error) error {
	var notSent *notSentError
	switch {
	case errors.As(err, &notSent) && notSent.waitedForSlot:
		return fmt.Errorf("%s %s not sent: no free request slot before the gather ended (max_concurrent_requests is shared by every server; "+
			"raise it, or gather_timeout): %w", req.method, req.path, notSent.err)
	case errors.As(err, &notSent) && attempts <= 1:
		return fmt.Errorf("%s %s not sent: %s: %w", req.method, req.path, contextEnd(notSent.err), notSent.err)
	case errors.As(err, &notSent):
		// A retry whose context ended during its backoff wait.
		return fmt.Errorf("%s %s interrupted after %d attempt(s): %s: %w", req.method, req.path, attempts-1,
			contextEnd(notSent.err), notSent.err)
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		return fmt.Errorf("%s %s: the response is larger than max_response_bytes (%d bytes); raise the option max_response_bytes if the server really sends that much: %w",
			req.method, req.path, c.maxResponseBytes, err)
	case ctx.Err() != nil:
		cause := err
		if !errors.Is(err, ctx.Err()) {
			cause = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return fmt.Errorf("%s %s interrupted after %d attempt(s): %w", req.method, req.path, attempts, cause)
	case isContextError(err):
		return fmt.Errorf("%s %s failed after %d attempt(s) (timeout %s per attempt): %w", req.method, req.path, attempts, c.timeout, err)
	case isTLSError(err):
		return fmt.Errorf("%s %s: TLS connection refused (not retried; check the server certificate, tls_ca and that the server speaks TLS 1.2 or later): %w",
			req.method, req.path, err)
	case errors.Is(err, errRedirectRefused):
		return fmt.Errorf("%s %s: %w", req.method, req.path, innerError(err))
	}
	return fmt.Errorf("%s %s failed after %d attempt(s): %w", req.method, req.path, attempts, err)
}

// contextEnd says in the user's words why a request's context ended: the
// gather's deadline, or a cancellation (shutdown, or a walk stopped early).
func contextEnd(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "the gather's time (gather_timeout) had run out"
	}
	return "the gather was cancelled (the plugin is stopping, or the gather no longer needs it)"
}

// statusError turns a non-2xx response into *Error; secrets are removed
// from what the server sent back.
func (c *Client) statusError(req request, resp *resty.Response, secrets ...string) error {
	status := resp.StatusCode()
	if status >= 200 && status < 300 {
		return nil
	}
	e := &Error{Method: req.method, Path: req.path, Status: status, Attempts: 1}
	if resp.Request != nil && resp.Request.Attempt > 0 {
		e.Attempts = resp.Request.Attempt
	}
	// A server may echo what it received: what the error quotes is redacted.
	e.fillFromBody(resp.Body(), secrets)
	switch {
	case status == http.StatusUnauthorized && req.path == loginPath:
	case status == http.StatusUnauthorized && !c.UsesLogin():
		e.Hint = "check api_key: the key may be wrong or expired, or its RBAC role lacks the permission for this API"
	case status == http.StatusUnauthorized:
		e.Hint = "the session token was refused even after a new login: check the user's RBAC role"
	case status == http.StatusNotAcceptable:
		e.Hint = fmt.Sprintf("the server does not speak API version %s; set api_version to an older version or \"auto\"", req.version)
	}
	return e
}

// decodeJSON decodes a successful body; an HTML page or broken JSON gives
// an error naming the request. An empty body is an error too unless the
// status is 204: left as the zero value, a page would read as an empty
// list and its collector would report nothing.
func decodeJSON(method, path string, status int, body []byte, out any, secrets ...string) error {
	if out == nil || status == http.StatusNoContent {
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return fmt.Errorf("%s %s: the server (or a proxy) answered %d with an empty body where JSON was expected", method, path, status)
	}
	if err := unmarshalAnswer(body, out); err != nil {
		snippet := redactedSnippet(body, secrets)
		return fmt.Errorf("invalid JSON from %s %s: %w (the body starts with %q)", method, path, err, snippet)
	}
	return nil
}

// lockedValue is a value shared by concurrent requests.
type lockedValue[T any] struct {
	mu sync.Mutex
	v  T
}

func (l *lockedValue[T]) get() T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.v
}

func (l *lockedValue[T]) set(v T) {
	l.mu.Lock()
	l.v = v
	l.mu.Unlock()
}

// scannedAnswer is an answer decoded in one pass by the scanner (Page).
type scannedAnswer interface {
	scanJSON(s *jsonscan.Scanner) error
}

// unmarshalAnswer decodes a successful body into out.
func unmarshalAnswer(body []byte, out any) error {
	if answer, ok := out.(scannedAnswer); ok {
		var s jsonscan.Scanner
		s.Reset(body)
		return answer.scanJSON(&s)
	}
	return Unmarshal(body, out)
}
