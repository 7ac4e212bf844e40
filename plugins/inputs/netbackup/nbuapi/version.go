package netbackup

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// apiVersion is a NetBackup REST API version MAJOR.MINOR (not the product
// release: NetBackup 10.3 speaks API 10.0 and older).
type apiVersion struct{ Major, Minor int }

// knownAPIVersions are probed newest first when the server does not say
// which version it speaks (api_version = "auto" and no
// X-NetBackup-API-Version header on /ping).
var knownAPIVersions = []apiVersion{
	{14, 0}, {13, 0}, {12, 0}, {11, 0}, {10, 0}, {9, 0},
	{8, 0}, {7, 0}, {6, 0}, {5, 0}, {4, 0}, {3, 0},
}

// oldestProbeVersion is what /ping is asked for before the version is known:
// every server since NetBackup 8.2 serves it.
var oldestProbeVersion = apiVersion{3, 0}

// parseAPIVersion parses "13.0", "13" or " 13.0 " into {13,0}.
func parseAPIVersion(s string) (apiVersion, error) {
	s = strings.TrimSpace(s)
	majorText, minorText, hasMinor := strings.Cut(s, ".")
	major, err := strconv.Atoi(majorText)
	if err != nil || major < 1 {
		return apiVersion{}, fmt.Errorf("invalid API version %q: want MAJOR.MINOR such as \"13.0\"", s)
	}
	minor := 0
	if hasMinor {
		if minor, err = strconv.Atoi(minorText); err != nil || minor < 0 {
			return apiVersion{}, fmt.Errorf("invalid API version %q: want MAJOR.MINOR such as \"13.0\"", s)
		}
	}
	return apiVersion{Major: major, Minor: minor}, nil
}

func (v apiVersion) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

func (v apiVersion) IsZero() bool { return v.Major == 0 && v.Minor == 0 }

// atLeast reports whether v >= major.minor.
func (v apiVersion) atLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

// mediaType is the NetBackup JSON media type of version v, for Accept and
// Content-Type.
func (v apiVersion) mediaType() string {
	return "application/vnd.netbackup+json;version=" + v.String()
}

// pingResult is what one GET /netbackup/ping tells (no auth).
type pingResult struct {
	Version          apiVersion          // X-NetBackup-API-Version, negotiated by probing (cached), or the configured api_version
	ServerTime       time.Time           // the body: server time in ms
	PeerCertificates []*x509.Certificate // the server's TLS chain as seen in the handshake
}

// ping asks the server for its clock and API version. It needs no
// credential, so it tells "up" apart from "wrong key".
func (c *client) ping(ctx context.Context) (pingResult, error) {
	res, err := c.doPing(ctx)
	if err != nil {
		countError(ctx)
	}
	return res, err
}

func (c *client) doPing(ctx context.Context) (pingResult, error) {
	askFor := c.knownVersion()
	if askFor.IsZero() {
		askFor = oldestProbeVersion
	}
	req := request{
		method: http.MethodGet,
		path:   "/ping",
		// /ping produces text; offer both so that no server answers 406.
		accept: "text/vnd.netbackup+plain;version=" + askFor.String() + ", " + askFor.mediaType(),
	}
	resp, err := c.send(ctx, req, "")
	if err != nil {
		return pingResult{}, err
	}
	if err := c.statusError(req, resp); err != nil {
		return pingResult{}, err
	}
	var res pingResult
	body := strings.TrimSpace(string(resp.Body()))
	ms, err := strconv.ParseInt(body, 10, 64)
	if err != nil {
		return pingResult{}, fmt.Errorf("unexpected answer from GET /ping: want the server time in milliseconds, got %q", sanitizeSnippet(resp.Body()))
	}
	res.ServerTime = time.UnixMilli(ms).UTC()
	if raw := resp.RawResponse; raw != nil && raw.TLS != nil {
		res.PeerCertificates = raw.TLS.PeerCertificates
	}

	res.Version, err = c.resolveVersion(ctx, resp.Header().Get("X-NetBackup-API-Version"))
	if err != nil {
		return pingResult{}, err
	}
	return res, nil
}

// knownVersion is the configured version, or the one negotiated earlier,
// or zero.
func (c *client) knownVersion() apiVersion {
	if !c.fixedVersion.IsZero() {
		return c.fixedVersion
	}
	c.versionMu.Lock()
	defer c.versionMu.Unlock()
	return c.negotiated
}

// resolveVersion settles the version after a ping: the configured one, else
// the server's header, else the cached probe result, else a new probe.
func (c *client) resolveVersion(ctx context.Context, header string) (apiVersion, error) {
	if !c.fixedVersion.IsZero() {
		return c.fixedVersion, nil
	}
	if header != "" {
		if v, err := parseAPIVersion(header); err == nil {
			c.versionMu.Lock()
			c.negotiated = v
			c.versionMu.Unlock()
			return v, nil
		}
		c.log.Debugf("ignoring unparsable X-NetBackup-API-Version %q", sanitizeSnippet([]byte(header)))
	}
	return c.negotiate(ctx)
}

// versionFor is the version a request is sent with; it negotiates when
// nothing is known yet (a collector running before any ping).
func (c *client) versionFor(ctx context.Context) (apiVersion, error) {
	if v := c.knownVersion(); !v.IsZero() {
		return v, nil
	}
	return c.negotiate(ctx)
}

// negotiate probes the known versions newest first with an authenticated
// one-item jobs request: 406 means "too new, step down"; 401 stops at once
// (the credential is wrong whatever the version). The result is cached.
func (c *client) negotiate(ctx context.Context) (apiVersion, error) {
	c.negotiateMu.Lock()
	defer c.negotiateMu.Unlock()
	c.versionMu.Lock()
	cached := c.negotiated
	c.versionMu.Unlock()
	if !cached.IsZero() {
		return cached, nil
	}
	query := url.Values{"page[limit]": []string{"1"}}
	var lastErr error
	for _, v := range knownAPIVersions {
		_, err := c.exchange(ctx, request{method: http.MethodGet, path: "/admin/jobs", query: query, version: v})
		if err == nil {
			c.versionMu.Lock()
			c.negotiated = v
			c.versionMu.Unlock()
			c.log.Debugf("negotiated NetBackup API version %s", v)
			return v, nil
		}
		if isStatus(err, http.StatusNotAcceptable) {
			lastErr = err
			continue
		}
		return apiVersion{}, fmt.Errorf("negotiating the API version: %w", err)
	}
	return apiVersion{}, fmt.Errorf("negotiating the API version: the server refused every version from %s down to %s: %w",
		knownAPIVersions[0], knownAPIVersions[len(knownAPIVersions)-1], errors.Join(lastErr))
}
