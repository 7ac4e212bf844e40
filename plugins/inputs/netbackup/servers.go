package netbackup

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// defaultPort is NetBackup's API port (PBX): a servers entry without a
// port means it, not HTTPS's 443.
const defaultPort = 1556

// A servers entry is normalised before anything else looks at it: https,
// the host in lower case, the port written out (1556 when the entry has
// none), no trailing slash, /netbackup appended when missing. Two entries
// that normalise alike are one server listed twice: refused, or every job
// would be emitted twice. The normalised URL is the server's key in the
// state file.
//
// The source tag is the host in lower case, followed by :port when the port
// is not 1556: two servers on one host with different ports keep apart.

// normalizeServerURL checks a servers entry and returns its normalised URL.
// Its errors never quote the entry whole: it may carry a password.
func normalizeServerURL(raw string) (*url.URL, error) {
	shown := redactUserInfo(raw)
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("invalid servers entry %q: not a URL; use https://host:1556", shown)
	}
	if u.User != nil {
		return nil, fmt.Errorf("invalid servers entry %q: do not put credentials in the URL, use api_key", u.Redacted())
	}
	if u.Scheme != "https" {
		// The credential travels in every request: plain http would expose it.
		return nil, fmt.Errorf("invalid servers entry %q: NetBackup's API is HTTPS only, use https://host:1556", shown)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("invalid servers entry %q: no host; use https://host:1556", shown)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return nil, fmt.Errorf("invalid servers entry %q: no query or fragment allowed", u.Redacted())
	}
	port := defaultPort
	if p := u.Port(); p != "" {
		port, err = strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("invalid servers entry %q: the port must be a number from 1 to 65535", u.Redacted())
		}
	}
	u.Host = net.JoinHostPort(strings.ToLower(u.Hostname()), strconv.Itoa(port))
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	if !strings.HasSuffix(u.Path, "/netbackup") {
		u.Path += "/netbackup"
	}
	return u, nil
}

// sourceTag is the value of the source tag of a normalised server URL.
func sourceTag(u *url.URL) string {
	if u.Port() == strconv.Itoa(defaultPort) {
		return u.Hostname()
	}
	return u.Host
}

// legacyStateKey is the state file key of a servers entry before entries
// were normalised (the entry as written, /netbackup appended): progress
// saved under it is still found.
func legacyStateKey(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(u.Path, "/netbackup") {
		u.Path += "/netbackup"
	}
	return u.String()
}

// checkDistinctServers refuses one server listed twice, and two entries
// that would share a source tag.
func checkDistinctServers(raw []string, normalised []*url.URL) error {
	byURL := make(map[string]int, len(raw))
	bySource := make(map[string]int, len(raw))
	for i, u := range normalised {
		if j, ok := byURL[u.String()]; ok {
			return fmt.Errorf("servers entries %q and %q are the same server (%s): list it once, or every job is reported twice",
				redactUserInfo(raw[j]), redactUserInfo(raw[i]), u)
		}
		byURL[u.String()] = i
		source := sourceTag(u)
		if j, ok := bySource[source]; ok {
			return fmt.Errorf("servers entries %q and %q would both be tagged source=%s: "+
				"two API paths on one host and port are the same server", redactUserInfo(raw[j]), redactUserInfo(raw[i]), source)
		}
		bySource[source] = i
	}
	return nil
}

// redactUserInfo replaces whatever stands before an '@' in the authority of a
// URL-like string, for error messages about entries url.Parse may refuse.
func redactUserInfo(raw string) string {
	scheme, rest, found := strings.Cut(raw, "://")
	if !found {
		scheme, rest = "", raw
	}
	authority := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		authority = rest[:end]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return raw
	}
	redacted := "xxxxx@" + rest[at+1:]
	if found {
		return scheme + "://" + redacted
	}
	return redacted
}
