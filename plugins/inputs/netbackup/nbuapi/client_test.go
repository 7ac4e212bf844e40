package nbuapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// nbcTestKey is the API key of the client tests; no error may contain it.
const nbcTestKey = "A1uMjmj93mo-secret-api-key"

// nbcServer is an httptest TLS server that counts the requests it saw.
type nbcServer struct {
	*httptest.Server
	requests atomic.Int64
}

func newNbcServer(t *testing.T, handler http.HandlerFunc) *nbcServer {
	t.Helper()
	s := &nbcServer{}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		handler(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// nbcConfig is a client configuration for srv with short waits: 3 retries,
// 5 ms to 20 ms backoff, a fixed API version so that no probe runs.
func nbcConfig(t *testing.T, srv *httptest.Server) Config {
	t.Helper()
	base, err := url.Parse(srv.URL + "/netbackup")
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	return Config{
		BaseURL:          base,
		APIKey:           staticSecret(nbcTestKey),
		APIVersion:       "13.0",
		Timeout:          5 * time.Second,
		RetryCount:       3,
		RetryWaitTime:    5 * time.Millisecond,
		RetryMaxWaitTime: 20 * time.Millisecond,
		MaxResponseBytes: 1 << 20,
		TLS:              &tls.Config{RootCAs: roots},
		UserAgent:        "telegraf-netbackup-test",
	}
}

func newNbcClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	require.NoError(t, err)
	return c
}

// nbcWriteJSON answers with a NetBackup JSON body.
func nbcWriteJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/vnd.netbackup+json;version=13.0")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// nbcEnvelope is a NetBackup error body.
func nbcEnvelope(code int, message string) string {
	return fmt.Sprintf(`{"errorCode":%d,"errorMessage":%q,"attributeErrors":{},"errorDetails":["detail of %d"]}`, code, message, code)
}

// nbcReset closes the connection without an answer (a TCP reset).
func nbcReset(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*tls.Conn); ok {
		if tcp, ok := tc.NetConn().(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
	}
	_ = conn.Close()
}

// nbcStats runs with a Stats in the context and returns it.
func nbcStats() (context.Context, *Stats) {
	var s Stats
	return WithStats(context.Background(), &s), &s
}

func TestNbuClient_RetryConfiguration(t *testing.T) {
	base, err := url.Parse("https://nbu-primary:1556/netbackup")
	require.NoError(t, err)
	c := newNbcClient(t, Config{
		BaseURL: base, APIKey: staticSecret(nbcTestKey), APIVersion: "auto", Timeout: time.Minute,
		RetryCount: 3, RetryWaitTime: 5 * time.Second, RetryMaxWaitTime: 60 * time.Second,
	})
	require.Equal(t, 3, c.resty.RetryCount)
	require.Equal(t, 5*time.Second, c.resty.RetryWaitTime)
	require.Equal(t, 60*time.Second, c.resty.RetryMaxWaitTime)
	require.Len(t, c.resty.RetryConditions, 1, "one condition: ours, never AddRetryAfterErrorCondition as well")
	require.NotNil(t, c.resty.RetryAfter, "Retry-After must be honoured through SetRetryAfter")
	transport, ok := c.resty.GetClient().Transport.(*countingTransport)
	require.True(t, ok)
	require.Equal(t, time.Minute, transport.timeout, "timeout applies per attempt")
	require.Zero(t, c.resty.GetClient().Timeout, "http.Client's timeout would count the wait for a slot")
	require.Nil(t, c.resty.GetClient().Jar, "no cookie jar")
	require.False(t, c.resty.Debug, "debug mode prints the Authorization header")
}

func TestNbuClient_ConnectionPoolConfiguration(t *testing.T) {
	base, err := url.Parse("https://nbu-primary:1556/netbackup")
	require.NoError(t, err)
	proxyURL, err := url.Parse("http://proxy.example:3128")
	require.NoError(t, err)
	c := newNbcClient(t, Config{
		BaseURL: base, APIKey: staticSecret(nbcTestKey), Timeout: 42 * time.Second,
		RetryCount: 3, RetryWaitTime: time.Second, RetryMaxWaitTime: time.Second,
		Proxy: http.ProxyURL(proxyURL),
	})
	counting, ok := c.resty.GetClient().Transport.(*countingTransport)
	require.True(t, ok, "requests go through the counting transport")
	tr, ok := counting.base.(*http.Transport)
	require.True(t, ok)
	require.Same(t, c.transport, tr, "one transport, set once")
	require.Equal(t, 100, tr.MaxIdleConns)
	require.Equal(t, 20, tr.MaxIdleConnsPerHost)
	require.Equal(t, 90*time.Second, tr.IdleConnTimeout)
	require.Equal(t, 10*time.Second, tr.TLSHandshakeTimeout)
	require.Equal(t, 42*time.Second, tr.ResponseHeaderTimeout)
	require.NotNil(t, tr.DialContext)
	require.True(t, tr.ForceAttemptHTTP2)
	require.NotNil(t, tr.Proxy)
	got, err := tr.Proxy(httptest.NewRequest(http.MethodGet, "https://nbu-primary:1556/netbackup/ping", nil))
	require.NoError(t, err)
	require.Equal(t, proxyURL, got)
}

func TestNbuClient_TLSInTransport(t *testing.T) {
	base, err := url.Parse("https://nbu-primary:1556/netbackup")
	require.NoError(t, err)
	build := func(tlsCfg *tls.Config) *tls.Config {
		c := newNbcClient(t, Config{BaseURL: base, APIKey: staticSecret(nbcTestKey), TLS: tlsCfg})
		require.NotNil(t, c.transport.TLSClientConfig)
		return c.transport.TLSClientConfig
	}

	secure := build(nil)
	require.Equal(t, uint16(tls.VersionTLS12), secure.MinVersion)
	require.False(t, secure.InsecureSkipVerify)

	insecureIn := &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10} //nolint:gosec // the test checks it is raised
	insecure := build(insecureIn)
	require.Equal(t, uint16(tls.VersionTLS12), insecure.MinVersion, "insecure mode keeps TLS 1.2 minimum")
	require.True(t, insecure.InsecureSkipVerify, "insecure only when the configuration says so")
	require.Equal(t, uint16(tls.VersionTLS10), insecureIn.MinVersion, "the caller's config is not modified")

	roots := x509.NewCertPool()
	withCA := build(&tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS13, ServerName: "nbu"})
	require.Equal(t, uint16(tls.VersionTLS13), withCA.MinVersion, "a higher minimum is kept")
	require.Same(t, roots, withCA.RootCAs, "the CA survives (no SetTLSClientConfig afterwards)")
	require.Equal(t, "nbu", withCA.ServerName)
	require.False(t, withCA.InsecureSkipVerify)
}

func TestNbuClient_RetriesTransientStatusThenSucceeds(t *testing.T) {
	var n atomic.Int64
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			nbcWriteJSON(w, http.StatusServiceUnavailable, nbcEnvelope(8000, "The server is busy."))
			return
		}
		nbcWriteJSON(w, http.StatusOK, `{"data":[]}`)
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	ctx, stats := nbcStats()
	var out map[string]any
	require.NoError(t, c.Get(ctx, "/admin/jobs", nil, &out))
	require.Equal(t, int64(3), srv.requests.Load())
	s := stats.Snapshot()
	require.Equal(t, int64(3), s.Requests, "requests = attempts")
	require.Equal(t, int64(2), s.Retries)
	require.Equal(t, int64(0), s.Errors)
	require.Positive(t, s.ResponseTime)
}

func TestNbuClient_StatusesNeverRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 406, 501} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
				nbcWriteJSON(w, status, nbcEnvelope(8961, "An invalid API request is encountered."))
			})
			c := newNbcClient(t, nbcConfig(t, srv.Server))
			ctx, stats := nbcStats()
			err := c.Get(ctx, "/admin/jobs", nil, nil)
			require.Error(t, err)
			require.Equal(t, int64(1), srv.requests.Load(), "never retried")
			require.True(t, IsStatus(err, status))
			var ae *Error
			require.ErrorAs(t, err, &ae)
			require.Equal(t, http.MethodGet, ae.Method)
			require.Equal(t, "/admin/jobs", ae.Path)
			require.Equal(t, int64(8961), ae.Code)
			require.Equal(t, 1, ae.Attempts)
			require.Equal(t, []string{"detail of 8961"}, ae.Details)
			require.Contains(t, err.Error(), "errorCode 8961: An invalid API request is encountered.")
			require.Equal(t, int64(1), stats.Snapshot().Errors)
			if status == http.StatusUnauthorized {
				require.Contains(t, err.Error(), "check api_key")
				require.Contains(t, err.Error(), "RBAC role")
			}
			require.NotContains(t, err.Error(), nbcTestKey)
		})
	}
}

func TestNbuClient_RetryAfterSecondsIsHonoured(t *testing.T) {
	var mu sync.Mutex
	var seen []time.Time
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, time.Now())
		first := len(seen) == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			nbcWriteJSON(w, http.StatusTooManyRequests, nbcEnvelope(429, "Too many requests"))
			return
		}
		nbcWriteJSON(w, http.StatusOK, `{}`)
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.RetryWaitTime = time.Millisecond // the backoff alone would wait about 1 ms
	cfg.RetryMaxWaitTime = 2 * time.Second
	c := newNbcClient(t, cfg)
	require.NoError(t, c.Get(context.Background(), "/admin/jobs", nil, nil))
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 2)
	// A lower bound only: the header asked for one second.
	require.GreaterOrEqual(t, seen[1].Sub(seen[0]), 900*time.Millisecond)
}

func TestNbuClient_RetriesResetConnection(t *testing.T) {
	var n atomic.Int64
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			nbcReset(t, w)
			return
		}
		nbcWriteJSON(w, http.StatusOK, `{"data":{"id":"1"}}`)
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	ctx, stats := nbcStats()
	var out struct {
		Data struct{ ID string } `json:"data"`
	}
	require.NoError(t, c.Get(ctx, "/admin/jobs/1", nil, &out))
	require.Equal(t, "1", out.Data.ID)
	require.Equal(t, int64(2), srv.requests.Load())
	require.Equal(t, int64(2), stats.Snapshot().Requests)
	require.Equal(t, int64(1), stats.Snapshot().Retries)
}

func TestNbuClient_ExhaustedRetriesOnStatus(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		nbcWriteJSON(w, http.StatusInternalServerError, `{"errorCode":130,"errorMessage":"system error occurred","details":["db down"]}`)
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	ctx, stats := nbcStats()
	err := c.Get(ctx, "/admin/jobs", nil, nil)
	require.Error(t, err)
	require.Equal(t, int64(4), srv.requests.Load(), "retry_count 3 means 4 attempts")
	var ae *Error
	require.ErrorAs(t, err, &ae)
	require.Equal(t, 500, ae.Status)
	require.Equal(t, 4, ae.Attempts)
	require.Equal(t, int64(130), ae.Code)
	require.Equal(t, []string{"db down"}, ae.Details, "legacy details are read")
	require.Contains(t, err.Error(), "GET /admin/jobs: 500 Internal Server Error (errorCode 130: system error occurred; details: db down) after 4 attempts")
	s := stats.Snapshot()
	require.Equal(t, int64(4), s.Requests)
	require.Equal(t, int64(3), s.Retries)
	require.Equal(t, int64(1), s.Errors)
}

func TestNbuClient_ExhaustedRetriesOnTransportError(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) { nbcReset(t, w) })
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	ctx, stats := nbcStats()
	err := c.Get(ctx, "/admin/jobs", nil, nil)
	require.Error(t, err)
	require.Equal(t, int64(4), srv.requests.Load())
	require.Contains(t, err.Error(), "GET /admin/jobs failed after 4 attempt(s)")
	var urlErr *url.Error
	require.ErrorAs(t, err, &urlErr, "the cause is wrapped")
	require.Equal(t, int64(4), stats.Snapshot().Requests)
	require.Equal(t, int64(1), stats.Snapshot().Errors)
}

func TestNbuClient_RefusesTLS11Server(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("no request may reach a TLS 1.1 server")
	}))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11} //nolint:gosec // the server under test is old on purpose
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = nbcQuietLog()
	srv.StartTLS()
	defer srv.Close()

	c := newNbcClient(t, nbcConfig(t, srv))
	err := c.Get(context.Background(), "/admin/jobs", nil, nil)
	require.Error(t, err)
	require.Contains(t, err.Error(), "TLS connection refused (not retried")
	require.Contains(t, err.Error(), "TLS 1.2")
	require.Equal(t, int64(1), conns.Load(), "no retry of a TLS version failure")
}

func TestNbuClient_UntrustedCertificateNotRetried(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("no request may pass an untrusted certificate")
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = nbcQuietLog()
	srv.StartTLS()
	defer srv.Close()

	cfg := nbcConfig(t, srv)
	cfg.TLS = nil // system roots: the test CA is unknown
	c := newNbcClient(t, cfg)
	err := c.Get(context.Background(), "/admin/jobs", nil, nil)
	require.Error(t, err)
	require.Contains(t, err.Error(), "certificate")
	require.Equal(t, int64(1), conns.Load())
}

func TestNbuClient_HeadersAndPost(t *testing.T) {
	type seen struct{ accept, contentType, auth, agent, body, method string }
	got := make(chan seen, 2)
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- seen{r.Header.Get("Accept"), r.Header.Get("Content-Type"), r.Header.Get("Authorization"),
			r.Header.Get("User-Agent"), string(body), r.Method}
		nbcWriteJSON(w, http.StatusOK, `{"data":{"id":"x"}}`)
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))

	require.NoError(t, c.Get(context.Background(), "/admin/jobs", nil, nil))
	g := <-got
	require.Equal(t, "application/vnd.netbackup+json;version=13.0", g.accept)
	require.Equal(t, nbcTestKey, g.auth, "the key raw, without Bearer")
	require.Equal(t, "telegraf-netbackup-test", g.agent)

	var out map[string]any
	require.NoError(t, c.Post(context.Background(), "/admin/jobs/jobs-count-requests", map[string]string{"a": "b"}, &out))
	g = <-got
	require.Equal(t, http.MethodPost, g.method)
	require.Equal(t, "application/vnd.netbackup+json;version=13.0", g.contentType, "Content-Type equals Accept")
	require.Equal(t, g.accept, g.contentType)
	require.JSONEq(t, `{"a":"b"}`, g.body)
	require.Equal(t, map[string]any{"data": map[string]any{"id": "x"}}, out)
}

func TestNbuClient_QueryEncoding(t *testing.T) {
	rawQuery := make(chan string, 1)
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		rawQuery <- r.URL.RawQuery
		nbcWriteJSON(w, http.StatusOK, `{}`)
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	query := url.Values{
		"page[limit]": {"1"},
		"filter":      {"policyName eq " + ODataString("it's a+b") + " and endTime ge " + ODataTime(time.Unix(1718000000, 0))},
	}
	require.NoError(t, c.Get(context.Background(), "/admin/jobs", query, nil))
	got := <-rawQuery
	require.Equal(t, "filter=policyName%20eq%20%27it%27%27s%20a%2Bb%27%20and%20endTime%20ge%202024-06-10T06%3A13%3A20.000Z&page%5Blimit%5D=1", got)
	require.NotContains(t, got, "+")
}

func TestODataHelpers(t *testing.T) {
	require.Equal(t, "'it''s'", ODataString("it's"))
	require.Equal(t, "''", ODataString(""))
	require.Equal(t, "2024-06-10T06:13:20.000Z", ODataTime(time.Unix(1718000000, 0).In(time.FixedZone("X", 3600))))
}

func TestNbuClient_RedirectToOtherHostDropsAuthorization(t *testing.T) {
	auth := make(chan string, 1)
	other := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		auth <- r.Header.Get("Authorization")
		nbcWriteJSON(w, http.StatusOK, `{}`)
	})
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/netbackup/elsewhere", http.StatusFound)
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.TLS.RootCAs.AddCert(other.Certificate())
	c := newNbcClient(t, cfg)
	require.NoError(t, c.Get(context.Background(), "/admin/jobs", nil, nil))
	require.Empty(t, <-auth, "the credential stays with the configured server")
}

func TestNbuClient_RedirectToPlainHTTPRefused(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("the plain http server must not be contacted")
	}))
	defer plain.Close()
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/netbackup/admin/jobs", http.StatusMovedPermanently)
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	err := c.Get(context.Background(), "/admin/jobs", nil, nil)
	require.ErrorIs(t, err, errRedirectRefused)
	require.Contains(t, err.Error(), "plain http")
	require.Equal(t, int64(1), srv.requests.Load(), "not retried")
}

func TestNbuClient_MaxResponseBytes(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		nbcWriteJSON(w, http.StatusOK, `{"data":"`+strings.Repeat("x", 4096)+`"}`)
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.MaxResponseBytes = 1024
	c := newNbcClient(t, cfg)
	_, err := c.getRaw(context.Background(), "/admin/jobs", nil)
	require.Error(t, err)
	require.Contains(t, err.Error(), "max_response_bytes (1024 bytes)")
	require.Equal(t, int64(1), srv.requests.Load(), "a body over the limit is not retried")

	// Decoded in the transport, from the buffer of the request's slot.
	var page struct{ Data string }
	err = c.Get(context.Background(), "/admin/jobs", nil, &page)
	require.ErrorContains(t, err, "max_response_bytes (1024 bytes)")
	require.Equal(t, int64(2), srv.requests.Load(), "a body over the limit is not retried")

	cfg.MaxResponseBytes = 8192
	body, err := newNbcClient(t, cfg).getRaw(context.Background(), "/admin/jobs", nil)
	require.NoError(t, err)
	require.Len(t, body, 4096+len(`{"data":""}`))
	require.NoError(t, newNbcClient(t, cfg).Get(context.Background(), "/admin/jobs", nil, &page))
	require.Len(t, page.Data, 4096)
}

// A declared Content-Length is not trusted beyond max_response_bytes: a
// server (or proxy) claiming 300 MiB must not make the client allocate it.
func TestNbuClient_ContentLengthOverTheLimitFailsBeforeAllocating(t *testing.T) {
	const claimed = 300 << 20
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(claimed))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"data":[]}`))
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.MaxResponseBytes = 1 << 20
	c := newNbcClient(t, cfg)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := c.Get(context.Background(), "/admin/jobs", nil, &Page[struct{}]{})
	runtime.ReadMemStats(&after)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "allocated for the declared length")
	require.ErrorContains(t, err, "max_response_bytes (1048576 bytes)")
	require.Equal(t, int64(1), srv.requests.Load(), "a body over the limit is not retried")

	_, err = c.getRaw(context.Background(), "/admin/jobs", nil)
	require.ErrorContains(t, err, "max_response_bytes (1048576 bytes)", "read by resty: the same limit")
}

func TestNbuClient_InvalidJSONNamesThePath(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html>\n<body>Login portal</body></html>")
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	ctx, stats := nbcStats()
	var out map[string]any
	err := c.Get(ctx, "/admin/jobs", nil, &out)
	require.ErrorContains(t, err, "invalid JSON from GET /admin/jobs: ")
	require.ErrorContains(t, err, `"<html> <body>Login portal</body></html>"`)
	require.Equal(t, int64(1), srv.requests.Load(), "a decode error is not retried")
	require.Equal(t, int64(1), stats.Snapshot().Errors)
}

// An empty 200 where a value is expected is an error, not an empty page
// (collectors would report "nothing"); a 204 is the server saying so.
func TestNbuClient_EmptyBodyWhereAValueIsExpected(t *testing.T) {
	var status atomic.Int64
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(status.Load()))
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	status.Store(http.StatusOK)
	err := c.Get(context.Background(), "/admin/jobs", nil, &Page[struct{}]{})
	require.ErrorContains(t, err, "GET /admin/jobs: the server (or a proxy) answered 200 with an empty body")
	require.Equal(t, int64(1), srv.requests.Load(), "not retried")
	require.NoError(t, c.Get(context.Background(), "/admin/jobs", nil, nil), "no value expected")

	status.Store(http.StatusNoContent)
	page := Page[struct{}]{}
	require.NoError(t, c.Get(context.Background(), "/admin/jobs", nil, &page))
	require.Empty(t, page.Data)
}

func TestNbuClient_HTMLErrorPage(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head>\r\n<body>"+strings.Repeat("nginx ", 50)+"</body></html>")
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	err := c.Get(context.Background(), "/admin/jobs", nil, nil)
	var ae *Error
	require.ErrorAs(t, err, &ae)
	require.Equal(t, 502, ae.Status)
	require.Equal(t, 4, ae.Attempts)
	require.Contains(t, ae.Message, "not a NetBackup error envelope")
	require.Contains(t, ae.Message, "<title>502 Bad Gateway</title></head> <body>nginx")
	require.NotContains(t, ae.Message, "\r")
	require.Less(t, len(ae.Message), 200, "only the start of the page is quoted")
}

func TestNbuClient_ContextEndsTheWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		cancel() // a Telegraf shutdown while the server is busy
		nbcWriteJSON(w, http.StatusServiceUnavailable, nbcEnvelope(8000, "busy"))
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.RetryWaitTime = 10 * time.Second
	cfg.RetryMaxWaitTime = 10 * time.Second
	c := newNbcClient(t, cfg)
	err := c.Get(ctx, "/admin/jobs", nil, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorContains(t, err, "GET /admin/jobs interrupted after 1 attempt(s)")
	require.Equal(t, int64(1), srv.requests.Load(), "no attempt after the shutdown")
}

// A gather that ends during a backoff wait says what the server last
// answered, not only that it was interrupted.
func TestNbuClient_ContextEndsDuringTheBackoffNamesTheLastStatus(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		nbcWriteJSON(w, http.StatusServiceUnavailable, nbcEnvelope(8000, "busy"))
	})
	log := &testutil.CaptureLogger{}
	cfg := nbcConfig(t, srv.Server)
	cfg.Log = log
	cfg.RetryWaitTime = 10 * time.Second
	cfg.RetryMaxWaitTime = 10 * time.Second
	c := newNbcClient(t, cfg)
	go func() {
		// The retry line is written as the backoff wait begins.
		for len(log.Messages()) == 0 || !strings.Contains(log.Messages()[len(log.Messages())-1].Text, "retrying in") {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	err := c.Get(ctx, "/admin/jobs", nil, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorContains(t, err, "GET /admin/jobs interrupted after 1 attempt(s) (last status 503 Service Unavailable)")
	require.Equal(t, int64(1), srv.requests.Load())
}

func TestNbuClient_PingReadsVersionHeader(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/netbackup/ping" || r.Header.Get("Authorization") != "" {
			t.Errorf("unexpected %s %s (Authorization %q)", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		}
		if !strings.Contains(r.Header.Get("Accept"), "version=3.0") {
			t.Errorf("Accept %q lacks a version", r.Header.Get("Accept"))
		}
		w.Header().Set("X-NetBackup-API-Version", "11.0")
		w.Header().Set("Content-Type", "text/vnd.netbackup+plain;version=3.0")
		_, _ = io.WriteString(w, "1718000000123")
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.APIVersion = "auto"
	c := newNbcClient(t, cfg)
	res, err := c.Ping(context.Background())
	require.NoError(t, err)
	require.Equal(t, Version{11, 0}, res.Version)
	require.Equal(t, time.UnixMilli(1718000000123).UTC(), res.ServerTime)
	require.NotEmpty(t, res.PeerCertificates)
	require.True(t, res.PeerCertificates[0].Equal(srv.Certificate()))
	require.Equal(t, Version{11, 0}, c.knownVersion(), "the version is remembered")
}

func TestNbuClient_PingFixedVersionWins(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept"), "version=12.0") {
			t.Errorf("Accept %q: want the configured version", r.Header.Get("Accept"))
		}
		w.Header().Set("X-NetBackup-API-Version", "14.0")
		_, _ = io.WriteString(w, "1718000000123")
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.APIVersion = "12.0"
	res, err := newNbcClient(t, cfg).Ping(context.Background())
	require.NoError(t, err)
	require.Equal(t, Version{12, 0}, res.Version)
	require.Equal(t, int64(1), srv.requests.Load())
}

func TestNbuClient_PingProbesVersionsNewestFirst(t *testing.T) {
	var mu sync.Mutex
	var probed []string
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/netbackup/ping" {
			_, _ = io.WriteString(w, "1718000000123") // no version header
			return
		}
		accept := r.Header.Get("Accept")
		version := accept[strings.Index(accept, "version=")+len("version="):]
		mu.Lock()
		probed = append(probed, version)
		mu.Unlock()
		assert.Equal(t, "page%5Blimit%5D=1", r.URL.RawQuery)
		if version > "10.0" && len(version) == 4 { // 11.0 .. 14.0
			nbcWriteJSON(w, http.StatusNotAcceptable, nbcEnvelope(8961, "Invalid Accept type."))
			return
		}
		nbcWriteJSON(w, http.StatusOK, `{"data":[]}`)
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.APIVersion = "auto"
	c := newNbcClient(t, cfg)
	res, err := c.Ping(context.Background())
	require.NoError(t, err)
	require.Equal(t, Version{10, 0}, res.Version)
	require.Equal(t, []string{"14.0", "13.0", "12.0", "11.0", "10.0"}, probed)

	res, err = c.Ping(context.Background())
	require.NoError(t, err)
	require.Equal(t, Version{10, 0}, res.Version)
	require.Len(t, probed, 5, "the result is cached per client")
}

// A role without the right to read jobs gets 403 (or 404) on the probe: the
// server took the version and refused the role, so the version is settled
// and the collectors the role may run still work.
func TestNbuClient_ProbeDeniedByTheRoleSettlesTheVersion(t *testing.T) {
	for _, status := range []int{http.StatusForbidden, http.StatusNotFound} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			var mu sync.Mutex
			var probed []string
			srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
				accept := r.Header.Get("Accept")
				version := accept[strings.Index(accept, "version=")+len("version="):]
				switch r.URL.Path {
				case "/netbackup/ping":
					_, _ = io.WriteString(w, "1718000000123") // no version header
				case "/netbackup/admin/jobs":
					mu.Lock()
					probed = append(probed, version)
					mu.Unlock()
					if version > "12.0" && len(version) == 4 {
						nbcWriteJSON(w, http.StatusNotAcceptable, nbcEnvelope(8961, "Invalid Accept type."))
						return
					}
					nbcWriteJSON(w, status, nbcEnvelope(9000, "no permission"))
				default:
					assert.Equal(t, "12.0", version)
					nbcWriteJSON(w, http.StatusOK, `{"data":[]}`)
				}
			})
			cfg := nbcConfig(t, srv.Server)
			cfg.APIVersion = "auto"
			c := newNbcClient(t, cfg)
			res, err := c.Ping(context.Background())
			require.NoError(t, err)
			require.Equal(t, Version{12, 0}, res.Version)
			require.Equal(t, []string{"14.0", "13.0", "12.0"}, probed)
			require.NoError(t, c.Get(context.Background(), "/storage/storage-units", nil, &Page[struct{}]{}))
		})
	}
}

func TestNbuClient_ProbeStopsOn401(t *testing.T) {
	var probes atomic.Int64
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/netbackup/ping" {
			_, _ = io.WriteString(w, "1718000000123")
			return
		}
		probes.Add(1)
		nbcWriteJSON(w, http.StatusUnauthorized, nbcEnvelope(8000, "The user name, password or API Key is wrong."))
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.APIVersion = "auto"
	_, err := newNbcClient(t, cfg).Ping(context.Background())
	require.Error(t, err)
	require.True(t, IsStatus(err, http.StatusUnauthorized))
	require.Contains(t, err.Error(), "negotiating the API version")
	require.Equal(t, int64(1), probes.Load())
}

// nbcLoginServer is a NetBackup stand-in with POST /login: tokens jwt-1,
// jwt-2, ...; /admin/jobs accepts only the newest token unless revoked.
type nbcLoginServer struct {
	*nbcServer
	mu       sync.Mutex
	logins   int
	current  string
	revoked  bool
	validity int
	denyAll  bool // every login fails with 401
	refuse   bool // every token is refused, even a new one
}

func newNbcLoginServer(t *testing.T) *nbcLoginServer {
	ls := &nbcLoginServer{validity: 100}
	ls.nbcServer = newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		ls.mu.Lock()
		defer ls.mu.Unlock()
		switch r.URL.Path {
		case "/netbackup/login":
			var body map[string]string
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				t.Errorf("login body: %v", err)
			}
			want := map[string]string{"domainType": "vx", "domainName": "nbu", "userName": "alice", "password": "pa55-word-secret"}
			if ls.denyAll || fmt.Sprint(body) != fmt.Sprint(want) {
				nbcWriteJSON(w, http.StatusUnauthorized, nbcEnvelope(8000, "The user name, password or API Key is wrong."))
				return
			}
			ls.logins++
			ls.current = fmt.Sprintf("jwt-%d", ls.logins)
			ls.revoked = false
			nbcWriteJSON(w, http.StatusCreated, fmt.Sprintf(`{"token":%q,"tokenType":"BEARER","validity":%d}`, ls.current, ls.validity))
		default:
			if ls.revoked || ls.refuse || r.Header.Get("Authorization") != ls.current {
				nbcWriteJSON(w, http.StatusUnauthorized, nbcEnvelope(8000, "token invalid"))
				return
			}
			nbcWriteJSON(w, http.StatusOK, `{"data":[]}`)
		}
	})
	return ls
}

func nbcLoginConfig(t *testing.T, srv *httptest.Server) Config {
	cfg := nbcConfig(t, srv)
	cfg.APIKey = nil
	cfg.Username, cfg.Password = staticSecret("alice"), staticSecret("pa55-word-secret")
	cfg.DomainType, cfg.DomainName = "vx", "nbu"
	return cfg
}

func TestNbuClient_JWTLoginRenewalAndRelogin(t *testing.T) {
	ls := newNbcLoginServer(t)
	c := newNbcClient(t, nbcLoginConfig(t, ls.Server))
	now := time.Date(2024, 6, 10, 6, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	ctx := context.Background()

	require.NoError(t, c.Get(ctx, "/admin/jobs", nil, nil))
	require.NoError(t, c.Get(ctx, "/admin/jobs", nil, nil))
	require.Equal(t, 1, ls.logins, "the token is kept in memory")

	now = now.Add(95 * time.Second) // validity 100 s: renewed ahead of expiry
	require.NoError(t, c.Get(ctx, "/admin/jobs", nil, nil))
	require.Equal(t, 2, ls.logins)

	ls.mu.Lock()
	ls.revoked = true // the server forgot the session
	ls.mu.Unlock()
	before := ls.requests.Load()
	require.NoError(t, c.Get(ctx, "/admin/jobs", nil, nil))
	require.Equal(t, 3, ls.logins, "one new login after a 401")
	require.Equal(t, int64(3), ls.requests.Load()-before, "401, login, repeated request")

	// A token refused again right after a new login: one re-login only.
	ls.mu.Lock()
	ls.refuse = true
	ls.mu.Unlock()
	before = ls.requests.Load()
	err := c.Get(ctx, "/admin/jobs", nil, nil)
	require.True(t, IsStatus(err, http.StatusUnauthorized))
	require.Equal(t, int64(3), ls.requests.Load()-before, "401, login, 401: no loop")
	require.Equal(t, 4, ls.logins)
	require.Contains(t, err.Error(), "RBAC role")
	require.NotContains(t, err.Error(), "pa55-word-secret")
	require.NotContains(t, err.Error(), "jwt-4")
}

func TestNbuClient_LoginFailureIsClear(t *testing.T) {
	ls := newNbcLoginServer(t)
	ls.denyAll = true
	c := newNbcClient(t, nbcLoginConfig(t, ls.Server))
	err := c.Get(context.Background(), "/admin/jobs", nil, nil)
	require.Error(t, err)
	require.Contains(t, err.Error(), `login failed for user "alice": POST /login: 401 Unauthorized (errorCode 8000: The user name, password or API Key is wrong.`)
	require.NotContains(t, err.Error(), "pa55-word-secret")
	require.Equal(t, int64(1), ls.requests.Load(), "a refused login is not retried")
}

// A refused login is not tried again for a while, however many collectors
// ask for a credential: a burst of failed logins can lock the account.
func TestNbuClient_RefusedLoginPausesFurtherLogins(t *testing.T) {
	ls := newNbcLoginServer(t)
	ls.denyAll = true
	c := newNbcClient(t, nbcLoginConfig(t, ls.Server))
	for range 5 {
		err := c.Get(context.Background(), "/admin/jobs", nil, nil)
		require.ErrorContains(t, err, "login failed")
	}
	require.Equal(t, int64(1), ls.requests.Load(), "one POST /login for five requests")

	// After the pause, the next request tries again.
	clock := time.Now().Add(loginRefusalPause + time.Second)
	c.now = func() time.Time { return clock }
	err := c.Get(context.Background(), "/admin/jobs", nil, nil)
	require.ErrorContains(t, err, "login failed")
	require.Equal(t, int64(2), ls.requests.Load())
}

// TestNbuClient_SecretsNeverInErrors runs every failure path with a server
// that echoes the credential back and checks no error text contains it.
func TestNbuClient_SecretsNeverInErrors(t *testing.T) {
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			nbcWriteJSON(w, status, fmt.Sprintf(`{"errorCode":1,"errorMessage":"bad token %s","errorDetails":["got %s"]}`, auth, auth))
		}
	}
	handlers := map[string]http.HandlerFunc{
		"401 echo": echo(http.StatusUnauthorized),
		"500 echo": echo(http.StatusInternalServerError),
		"404 echo": echo(http.StatusNotFound),
		"reset":    func(w http.ResponseWriter, r *http.Request) { nbcReset(t, w) },
		"html echo 502": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(502)
			_, _ = io.WriteString(w, "<p>"+r.Header.Get("Authorization"))
		},
		"bad json echo": func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "<"+r.Header.Get("Authorization"))
		},
	}
	for name, handler := range handlers {
		t.Run(name, func(t *testing.T) {
			srv := newNbcServer(t, handler)
			c := newNbcClient(t, nbcConfig(t, srv.Server))
			var out map[string]any
			err := c.Get(context.Background(), "/admin/jobs", nil, &out)
			require.Error(t, err)
			require.NotContains(t, err.Error(), nbcTestKey)
			for e := err; e != nil; e = errors.Unwrap(e) {
				require.NotContains(t, e.Error(), nbcTestKey)
			}
		})
	}
}

// A credential read from a secret file with its trailing newline is
// refused before anything is sent: Go would refuse the header at every
// attempt (retried for a minute), and the server the password (a refused
// login, paused for a minute). The error names the option, not the value.
// (A line break inside a password is sent: the login body can carry it.)
func TestNbuClient_CredentialWithALineBreakFailsAtOnce(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) { nbcWriteJSON(w, http.StatusOK, `{}`) })
	withKey := nbcConfig(t, srv.Server)
	withKey.APIKey = staticSecret(nbcTestKey + "\n")
	withPassword := nbcLoginConfig(t, srv.Server)
	withPassword.Password = staticSecret("pa55-word\r\n")
	for option, cfg := range map[string]Config{"api_key": withKey, "password": withPassword} {
		t.Run(option, func(t *testing.T) {
			c := newNbcClient(t, cfg)
			ctx, stats := nbcStats()
			start := time.Now()
			err := c.Get(ctx, "/admin/jobs", nil, &struct{}{})
			require.ErrorContains(t, err, "option "+option+" ")
			require.ErrorContains(t, err, " a line break or control character (a trailing newline in a secret file?): remove it")
			require.NotContains(t, err.Error(), nbcTestKey)
			require.NotContains(t, err.Error(), "pa55-word")
			require.Zero(t, srv.requests.Load())
			require.Zero(t, stats.Snapshot().Requests, "nothing was sent")
			require.Less(t, time.Since(start), time.Second, "not retried")
		})
	}
}

func TestNbuClient_RequiresACredential(t *testing.T) {
	base, err := url.Parse("https://nbu:1556/netbackup")
	require.NoError(t, err)
	_, err = New(Config{BaseURL: base})
	require.ErrorContains(t, err, "api_key")
	_, err = New(Config{BaseURL: base, APIKey: staticSecret(nbcTestKey), APIVersion: "thirteen"})
	require.ErrorContains(t, err, "api_version")
}

func TestParseAPIVersion(t *testing.T) {
	v, err := ParseVersion(" 13.0 ")
	require.NoError(t, err)
	require.Equal(t, Version{13, 0}, v)
	require.Equal(t, "13.0", v.String())
	require.True(t, v.AtLeast(9, 0))
	require.True(t, v.AtLeast(13, 0))
	require.False(t, v.AtLeast(13, 1))
	require.False(t, v.IsZero())
	require.True(t, Version{}.IsZero())
	v, err = ParseVersion("9")
	require.NoError(t, err)
	require.Equal(t, Version{9, 0}, v)
	for _, bad := range []string{"", "auto", "x.1", "1.x", "-1.0", "0.5"} {
		_, err := ParseVersion(bad)
		require.Error(t, err, bad)
	}
}

// nbcQuietLog silences the TLS handshake errors the refusing servers log.
func nbcQuietLog() *log.Logger { return log.New(io.Discard, "", 0) }

func TestNbuClient_JWTWithVersionProbe(t *testing.T) {
	ls := newNbcLoginServer(t)
	cfg := nbcLoginConfig(t, ls.Server)
	cfg.APIVersion = "auto"
	c := newNbcClient(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// No ping first: the collector's request negotiates (the probe needs a
	// login, the login needs no negotiated version).
	require.NoError(t, c.Get(ctx, "/admin/jobs", nil, nil))
	require.Equal(t, Version{14, 0}, c.knownVersion())
	require.Equal(t, 1, ls.logins)
}

// TestNbuClient_AgainstSimulator runs the client against the simulator:
// ping, JWT login, and cursor and offset paging over real payloads.
func TestNbuClient_AgainstSimulator(t *testing.T) {
	for _, release := range []string{"10.3", "11.2"} {
		t.Run(release, func(t *testing.T) {
			sim, err := nbusim.New(nbusim.Config{Release: release, Username: "alice", Password: "pa55-word-secret", Jobs: 57, StorageUnits: 13})
			require.NoError(t, err)
			srv := newNbcServer(t, sim.ServeHTTP)
			cfg := nbcLoginConfig(t, srv.Server)
			cfg.APIVersion = "auto"
			c := newNbcClient(t, cfg)
			ctx := context.Background()

			ping, err := c.Ping(ctx)
			require.NoError(t, err)
			require.Equal(t, sim.APIVersion(), ping.Version.String())
			require.Equal(t, sim.Now(), ping.ServerTime)

			jobs := 0
			for _, err := range cursorItems[map[string]any](ctx, c, "/admin/jobs", nil, 10) {
				require.NoError(t, err)
				jobs++
			}
			require.Equal(t, 57, jobs)

			units := 0
			for _, err := range offsetItems[map[string]any](ctx, c, "/storage/storage-units", nil, 5) {
				require.NoError(t, err)
				units++
			}
			require.Equal(t, 13, units)
		})
	}
}

func TestNbuClient_PerAttemptTimeoutIsRetried(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var n atomic.Int64
	var hangAll atomic.Bool
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 || hangAll.Load() {
			select { // never answers in time
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		nbcWriteJSON(w, http.StatusOK, `{}`)
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.Timeout = 200 * time.Millisecond
	c := newNbcClient(t, cfg)
	require.NoError(t, c.Get(context.Background(), "/admin/jobs", nil, nil))
	require.Equal(t, int64(2), srv.requests.Load())

	cfg.RetryCount = 1
	hangAll.Store(true)
	_, err := newNbcClient(t, cfg).getRaw(context.Background(), "/admin/jobs", nil)
	require.ErrorContains(t, err, "GET /admin/jobs failed after 2 attempt(s) (timeout 200ms per attempt)")
}

// staticSecret is a Secret that always returns value.
func staticSecret(value string) Secret {
	return func() (string, error) { return value, nil }
}

// getRaw is Get without decoding: the body bytes as resty read them,
// bounded by max_response_bytes.
func (c *Client) getRaw(ctx context.Context, path string, query url.Values) ([]byte, error) {
	req := request{method: http.MethodGet, path: path, query: query}
	var err error
	if req.version, err = c.versionFor(ctx); err != nil {
		return nil, err
	}
	resp, err := c.exchange(ctx, req)
	if err != nil {
		return nil, err
	}
	return resp.Body(), nil
}

// A page asked for without a credential reports its malformed items like
// any page: GetPublic and Get end an answer the same way.
func TestNbuClient_PublicPageReportsItsMalformedItems(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		require.Empty(t, r.Header.Get("Authorization"), "a public request carries no credential")
		nbcWriteJSON(w, http.StatusOK, `{"data":[{"type":"ca","id":"1","attributes":{"name":"root"}},`+
			`{"type":"ca","id":"2","attributes":{"name":{"bad":1}}}]}`)
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	var skipped []*ItemError
	ctx := WithSkippedItems(context.Background(), func(e *ItemError) { skipped = append(skipped, e) })
	var page Page[struct{ Name string }]
	require.NoError(t, c.GetPublic(ctx, "/security/cacert", nil, &page))
	require.Len(t, page.Data, 1)
	require.Len(t, skipped, 1, "the malformed item was dropped without a word")
	require.Equal(t, "2", skipped[0].ID)
}
