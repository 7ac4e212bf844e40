package nbuapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Version is a NetBackup REST API version MAJOR.MINOR (not the product
// release: NetBackup 10.3 speaks API 10.0 and older).
type Version struct{ Major, Minor int }

// knownVersions are probed newest first when the server does not say
// which version it speaks (api_version = "auto" and no
// X-NetBackup-API-Version header on /ping).
var knownVersions = []Version{
	{14, 0}, {13, 0}, {12, 0}, {11, 0}, {10, 0}, {9, 0},
	{8, 0}, {7, 0}, {6, 0}, {5, 0}, {4, 0}, {3, 0},
}

// oldestProbeVersion is what /ping and /login are asked for before the
// version is known: every server since NetBackup 8.2 serves it.
var oldestProbeVersion = Version{3, 0}

// ParseVersion parses "13.0", "13" or " 13.0 " into {13,0}.
func ParseVersion(s string) (Version, error) {
	s = strings.TrimSpace(s)
	majorText, minorText, hasMinor := strings.Cut(s, ".")
	major, err := strconv.Atoi(majorText)
	if err != nil || major < 1 {
		return Version{}, fmt.Errorf("invalid API version %q: want MAJOR.MINOR such as \"13.0\"", s)
	}
	minor := 0
	if hasMinor {
		if minor, err = strconv.Atoi(minorText); err != nil || minor < 0 {
			return Version{}, fmt.Errorf("invalid API version %q: want MAJOR.MINOR such as \"13.0\"", s)
		}
	}
	return Version{Major: major, Minor: minor}, nil
}

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// IsZero reports an unknown version.
func (v Version) IsZero() bool { return v.Major == 0 && v.Minor == 0 }

// AtLeast reports whether v >= major.minor.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

// OlderThan reports whether v is known and below major.minor. An unknown
// version is taken to be recent: the request is tried and a 404 tells.
func (v Version) OlderThan(major, minor int) bool {
	return !v.IsZero() && !v.AtLeast(major, minor)
}

// mediaType is the NetBackup JSON media type of version v, for Accept and
// Content-Type.
func (v Version) mediaType() string {
	return "application/vnd.netbackup+json;version=" + v.String()
}

// versions is what the client knows of the server's API version.
type versions struct {
	fixed       Version // api_version when it is not "auto"
	negotiated  lockedValue[Version]
	negotiateMu sync.Mutex // one probe at a time
}

// knownVersion is the configured version, or the one negotiated earlier,
// or zero.
func (c *Client) knownVersion() Version {
	if !c.versions.fixed.IsZero() {
		return c.versions.fixed
	}
	return c.versions.negotiated.get()
}

// resolveVersion settles the version after a ping: the configured one, else
// the server's header, else the cached probe result, else a new probe.
func (c *Client) resolveVersion(ctx context.Context, header string) (Version, error) {
	if !c.versions.fixed.IsZero() {
		return c.versions.fixed, nil
	}
	if header != "" {
		if v, err := ParseVersion(header); err == nil {
			c.versions.negotiated.set(v)
			return v, nil
		}
		c.log.Debugf("ignoring unparsable X-NetBackup-API-Version %q", sanitizeSnippet([]byte(header)))
	}
	return c.negotiate(ctx)
}

// versionFor is the version a request is sent with; it negotiates when
// nothing is known yet (a request before any ping).
func (c *Client) versionFor(ctx context.Context) (Version, error) {
	if v := c.knownVersion(); !v.IsZero() {
		return v, nil
	}
	return c.negotiate(ctx)
}

// probePath is the endpoint negotiate probes.
const probePath = "/admin/jobs"

// negotiate probes the known versions newest first with an authenticated
// one-item jobs request: 406 means "too new, step down"; 401 stops at once
// (the credential is wrong whatever the version, and the server may check
// it before the version); another refusal of the request itself, such as
// 403 or 404 for a role without the right to read jobs, settles the version
// (see versionAccepted). The result is cached.
func (c *Client) negotiate(ctx context.Context) (Version, error) {
	c.versions.negotiateMu.Lock()
	defer c.versions.negotiateMu.Unlock()
	if cached := c.versions.negotiated.get(); !cached.IsZero() {
		return cached, nil
	}
	query := url.Values{"page[limit]": []string{"1"}}
	var lastErr error
	for _, v := range knownVersions {
		_, err := c.exchange(ctx, request{method: http.MethodGet, path: probePath, query: query, version: v})
		if err == nil || versionAccepted(err) {
			if err != nil {
				c.log.Debugf("the version probe was refused (%v), but in API version %s", err, v)
			}
			c.versions.negotiated.set(v)
			c.log.Debugf("negotiated NetBackup API version %s", v)
			return v, nil
		}
		if IsStatus(err, http.StatusNotAcceptable) {
			lastErr = err
			continue
		}
		return Version{}, fmt.Errorf("negotiating the API version: %w", err)
	}
	return Version{}, fmt.Errorf("negotiating the API version: the server refused every version from %s down to %s: %w",
		knownVersions[0], knownVersions[len(knownVersions)-1], errors.Join(lastErr))
}

// versionAccepted reports whether the probe's error still shows that the
// server took the version: a 4xx of the probe itself about the request or
// the role's rights (403, 404, 400, ...). Not 406 (the version itself),
// 401 (the credential, which may be checked first), 429 or a 5xx or
// transport failure (no answer about the version at all), nor a failed
// login.
func versionAccepted(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Path != probePath || e.Status < 400 || e.Status >= 500 {
		return false
	}
	switch e.Status {
	case http.StatusUnauthorized, http.StatusNotAcceptable, http.StatusUnsupportedMediaType, http.StatusTooManyRequests:
		return false
	}
	return true
}
