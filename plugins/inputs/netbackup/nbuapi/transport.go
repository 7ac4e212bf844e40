package nbuapi

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
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

// countingTransport counts every HTTP attempt in the stats of the
// request's context: the attempt's duration runs from sending the request
// to closing the body (resty reads the whole body before closing), so
// response_time_ms includes the transfer.
type countingTransport struct {
	base http.RoundTripper
}

// attemptCounter numbers the attempts of one client call, so that the
// transport can tell a retry from a first attempt.
type attemptCounter struct{ n atomic.Int64 }

type attemptCounterKey struct{}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	retry := false
	// A redirect (req.Response set) is part of the same attempt.
	if counter, ok := ctx.Value(attemptCounterKey{}).(*attemptCounter); ok && req.Response == nil {
		retry = counter.n.Add(1) > 1
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		countAttempt(ctx, time.Since(start), retry)
		return resp, err
	}
	resp.Body = &countedBody{ReadCloser: resp.Body, done: func() {
		countAttempt(ctx, time.Since(start), retry)
	}}
	return resp, nil
}

type countedBody struct {
	io.ReadCloser
	closed atomic.Bool
	done   func()
}

func (b *countedBody) Close() error {
	if b.closed.CompareAndSwap(false, true) {
		b.done()
	}
	return b.ReadCloser.Close()
}

// errRedirectRefused marks a redirect the client will not follow.
var errRedirectRefused = errors.New("redirect refused")

// maxRedirects bounds a redirect chain.
const maxRedirects = 10

// checkRedirect keeps the credential on the server it was meant for: a
// redirect to another host (or port) is followed without the Authorization
// header and cookie, a redirect from https to plain http is refused.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("%w: more than %d redirects", errRedirectRefused, maxRedirects)
	}
	first := via[0]
	if first.URL.Scheme == "https" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w: the server redirected to plain %s://%s; only https is followed", errRedirectRefused, req.URL.Scheme, req.URL.Host)
	}
	if req.URL.Host != first.URL.Host {
		req.Header.Del("Authorization")
		req.Header.Del("Cookie")
	}
	return nil
}
