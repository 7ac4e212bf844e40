package netbackup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/influxdata/telegraf"
)

// client is the one request path to one NetBackup primary server (DESIGN.md
// "One request path"): retries with backoff and Retry-After, the API
// version, the credential, the request counters. Safe for concurrent use.
type client struct {
	base      string // ends in /netbackup, no trailing slash
	resty     *resty.Client
	transport *http.Transport
	auth      *authenticator
	log       telegraf.Logger
	now       func() time.Time

	// fixedVersion is api_version when it is not "auto".
	fixedVersion apiVersion
	versionMu    sync.Mutex
	negotiated   apiVersion // cached result of the header or the probe
	negotiateMu  sync.Mutex // one probe at a time

	maxResponseBytes int64         // for the error message
	timeout          time.Duration // per attempt, for the error message
}

// request is one logical API call; retries repeat it.
type request struct {
	method  string
	path    string // relative to /netbackup, e.g. "/admin/jobs"
	query   url.Values
	body    any
	version apiVersion // Accept (and Content-Type with a body)
	accept  string     // replaces the Accept header derived from version
	out     any        // decodes a successful JSON answer when not nil
}

// newClient builds the client; it never touches the network.
func newClient(cfg clientConfig) (*client, error) {
	if cfg.BaseURL == nil {
		return nil, errors.New("no server URL")
	}
	log := cfg.Log
	if log == nil {
		log = discardLogger{}
	}
	c := &client{
		base:      strings.TrimRight(cfg.BaseURL.String(), "/"),
		transport: newTransport(cfg),
		log:       log,
		now:       time.Now,
	}
	if v := strings.TrimSpace(cfg.APIVersion); v != "" && !strings.EqualFold(v, "auto") {
		fixed, err := parseAPIVersion(v)
		if err != nil {
			return nil, fmt.Errorf("option api_version: %w (or \"auto\")", err)
		}
		c.fixedVersion = fixed
	}
	switch {
	case cfg.APIKey != nil && !cfg.APIKey.Empty():
		c.auth = &authenticator{apiKey: cfg.APIKey, now: c.nowTime}
	case cfg.Username != nil && !cfg.Username.Empty():
		c.auth = &authenticator{
			username: cfg.Username, password: cfg.Password,
			domainType: cfg.DomainType, domainName: cfg.DomainName,
			now: c.nowTime,
		}
	default:
		return nil, errors.New("no credential: set api_key, or username and password")
	}

	r := resty.New()
	r.SetLogger(restyLogger{log})
	r.SetDebug(false)
	r.SetTransport(&countingTransport{base: c.transport})
	r.SetCookieJar(nil)
	r.SetRedirectPolicy(resty.RedirectPolicyFunc(checkRedirect))
	r.SetTimeout(cfg.Timeout)
	r.SetRetryCount(cfg.RetryCount)
	r.SetRetryWaitTime(cfg.RetryWaitTime)
	r.SetRetryMaxWaitTime(cfg.RetryMaxWaitTime)
	r.AddRetryCondition(shouldRetry)
	r.SetRetryAfter(retryAfter(c.nowTime))
	if cfg.MaxResponseBytes > 0 {
		r.SetResponseBodyLimit(int(min(cfg.MaxResponseBytes, int64(^uint(0)>>1))))
	}
	if cfg.UserAgent != "" {
		r.SetHeader("User-Agent", cfg.UserAgent)
	}
	c.resty = r
	c.maxResponseBytes = cfg.MaxResponseBytes
	c.timeout = cfg.Timeout
	return c, nil
}

// nowTime indirects c.now so that tests can move the clock after newClient.
func (c *client) nowTime() time.Time { return c.now() }

// get sends GET path?query and decodes the JSON answer into out (out may
// be nil).
func (c *client) get(ctx context.Context, path string, query url.Values, out any) error {
	_, err := c.fetch(ctx, request{method: http.MethodGet, path: path, query: query, out: out})
	return err
}

// post sends body as JSON to path and decodes the answer into out (out may
// be nil).
func (c *client) post(ctx context.Context, path string, body any, out any) error {
	_, err := c.fetch(ctx, request{method: http.MethodPost, path: path, body: body, out: out})
	return err
}

// getRaw is get without decoding: the body bytes, bounded by
// max_response_bytes.
func (c *client) getRaw(ctx context.Context, path string, query url.Values) ([]byte, error) {
	return c.fetch(ctx, request{method: http.MethodGet, path: path, query: query})
}

// fetch sends req with the negotiated version and counts a failure.
func (c *client) fetch(ctx context.Context, req request) ([]byte, error) {
	var err error
	req.version, err = c.versionFor(ctx)
	if err != nil {
		countError(ctx)
		return nil, err
	}
	resp, err := c.exchange(ctx, req)
	if err != nil {
		countError(ctx)
		return nil, err
	}
	return resp.Body(), nil
}

// exchange sends an authenticated request and turns an error status into
// *apiError. A JWT the server refuses (401) is renewed once and the request
// repeated once; an API key is never retried on 401.
func (c *client) exchange(ctx context.Context, req request) (*resty.Response, error) {
	credential, err := c.auth.credential(ctx, c)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, req, credential)
	if err == nil && resp.StatusCode() == http.StatusUnauthorized && c.auth.usesLogin() {
		c.log.Debugf("%s %s: 401 with the session token, logging in again", req.method, req.path)
		c.auth.invalidate(credential)
		if credential, err = c.auth.credential(ctx, c); err != nil {
			return nil, err
		}
		resp, err = c.send(ctx, req, credential)
	}
	if err != nil {
		return nil, err // a transport error: its text holds no header
	}
	if err := c.statusError(req, resp, credential); err != nil {
		return nil, err
	}
	if err := decodeJSON(req.method, req.path, resp.Body(), req.out, credential); err != nil {
		return nil, err
	}
	return resp, nil
}

// send runs one request through resty (retries included) and returns the
// last response whatever its status; the error is a transport failure, a
// body over the limit, or the context ending.
func (c *client) send(ctx context.Context, req request, credential string) (*resty.Response, error) {
	ctx = context.WithValue(ctx, attemptCounterKey{}, &attemptCounter{})
	r := c.resty.R().SetContext(ctx)
	accept := req.accept
	if accept == "" {
		accept = req.version.mediaType()
	}
	r.SetHeader("Accept", accept)
	if credential != "" {
		// NetBackup wants the API key or JWT raw, without "Bearer".
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
	if err != nil {
		return resp, c.transportError(ctx, req, r.Attempt, err)
	}
	if ctx.Err() != nil && retryableStatus(resp.StatusCode()) {
		// resty stops retrying when the context ends and returns the last
		// status: say that the gather was interrupted, not just "503".
		return resp, fmt.Errorf("%s %s interrupted after %d attempt(s) (last status %d): %w",
			req.method, req.path, r.Attempt, resp.StatusCode(), ctx.Err())
	}
	return resp, nil
}

// transportError says what went wrong when no usable response came back.
func (c *client) transportError(ctx context.Context, req request, attempts int, err error) error {
	switch {
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
		return fmt.Errorf("%s %s: %w", req.method, req.path, err)
	}
	return fmt.Errorf("%s %s failed after %d attempt(s): %w", req.method, req.path, attempts, err)
}

// statusError turns a non-2xx response into *apiError; secrets are removed
// from what the server sent back.
func (c *client) statusError(req request, resp *resty.Response, secrets ...string) error {
	status := resp.StatusCode()
	if status >= 200 && status < 300 {
		return nil
	}
	e := &apiError{Method: req.method, Path: req.path, Status: status, Attempts: 1}
	if resp.Request != nil && resp.Request.Attempt > 0 {
		e.Attempts = resp.Request.Attempt
	}
	// Redact before quoting: a server may echo what it received.
	e.fillFromBody([]byte(redactText(string(resp.Body()), secrets...)))
	switch {
	case status == http.StatusUnauthorized && req.path == "/login":
	case status == http.StatusUnauthorized && !c.auth.usesLogin():
		e.Hint = "check api_key: the key may be wrong or expired, or its RBAC role lacks the permission for this API"
	case status == http.StatusUnauthorized:
		e.Hint = "the session token was refused even after a new login: check the user's RBAC role"
	case status == http.StatusNotAcceptable:
		e.Hint = fmt.Sprintf("the server does not speak API version %s; set api_version to an older version or \"auto\"", req.version)
	}
	return e
}

// decodeJSON decodes a successful body; an HTML page or broken JSON gives
// an error naming the request.
func decodeJSON(method, path string, body []byte, out any, secrets ...string) error {
	if out == nil || len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		snippet := sanitizeSnippet([]byte(redactText(string(body), secrets...)))
		return fmt.Errorf("invalid JSON from %s %s: %w (the body starts with %q)", method, path, err, snippet)
	}
	return nil
}

// encodeQuery percent-encodes names and values (page[limit] becomes
// page%5Blimit%5D, a space %20, never '+'), names sorted for stable URLs.
func encodeQuery(query url.Values) string {
	if len(query) == 0 {
		return ""
	}
	names := make([]string, 0, len(query))
	for name := range query {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		for _, value := range query[name] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(percentEncode(name))
			b.WriteByte('=')
			b.WriteString(percentEncode(value))
		}
	}
	return b.String()
}

// percentEncode escapes everything but RFC 3986 unreserved characters.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' ||
			ch == '-' || ch == '.' || ch == '_' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&0x0f])
	}
	return b.String()
}

// odataString quotes a string value for an OData filter: 'it”s'.
func odataString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// odataTime formats an instant for an OData filter, in UTC with
// milliseconds: 2024-06-10T06:13:20.000Z.
func odataTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func redactText(text string, secrets ...string) string {
	for _, s := range secrets {
		if len(s) >= 4 {
			text = strings.ReplaceAll(text, s, "[redacted]")
		}
	}
	return text
}

// restyLogger sends resty's own messages to the debug log: the plugin
// reports failures itself, once, with more context.
type restyLogger struct{ log telegraf.Logger }

func (l restyLogger) Errorf(format string, v ...any) { l.log.Debugf("resty: "+format, v...) }
func (l restyLogger) Warnf(format string, v ...any)  { l.log.Debugf("resty: "+format, v...) }
func (l restyLogger) Debugf(format string, v ...any) { l.log.Debugf("resty: "+format, v...) }

// discardLogger is used when the configuration has no logger (tests).
type discardLogger struct{}

func (discardLogger) Level() telegraf.LogLevel         { return telegraf.Error }
func (discardLogger) AddAttribute(string, interface{}) {}
func (discardLogger) Errorf(string, ...interface{})    {}
func (discardLogger) Error(...interface{})             {}
func (discardLogger) Debugf(string, ...interface{})    {}
func (discardLogger) Debug(...interface{})             {}
func (discardLogger) Warnf(string, ...interface{})     {}
func (discardLogger) Warn(...interface{})              {}
func (discardLogger) Tracef(string, ...interface{})    {}
func (discardLogger) Trace(...interface{})             {}
func (discardLogger) Infof(string, ...interface{})     {}
func (discardLogger) Info(...interface{})              {}
