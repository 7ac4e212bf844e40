package nbusim

import (
	"fmt"
	"strconv"
	"strings"
)

// apiVersion is a NetBackup API version MAJOR.MINOR.
type apiVersion struct{ major, minor int }

func (v apiVersion) String() string { return fmt.Sprintf("%d.%d", v.major, v.minor) }

func (v apiVersion) less(o apiVersion) bool {
	return v.major < o.major || (v.major == o.major && v.minor < o.minor)
}

// cursorPagedJobs: /admin/jobs switched from offset to cursor paging at 9.0.
func (v apiVersion) cursorPagedJobs() bool { return v.major >= 9 }

func parseVersion(s string) (apiVersion, bool) {
	s = strings.TrimSpace(s)
	majorStr, minorStr, hasMinor := strings.Cut(s, ".")
	major, err := strconv.Atoi(majorStr)
	if err != nil || major < 1 {
		return apiVersion{}, false
	}
	minor := 0
	if hasMinor {
		if minor, err = strconv.Atoi(minorStr); err != nil || minor < 0 {
			return apiVersion{}, false
		}
	}
	return apiVersion{major, minor}, true
}

func mustParseVersion(s string) apiVersion {
	v, ok := parseVersion(s)
	if !ok {
		panic("nbusim: bad version " + s)
	}
	return v
}

// versionFromMediaTypes extracts the version=N parameter of the first
// NetBackup media type in a header value such as
// "application/vnd.netbackup+json; version=13.0; charset=UTF-8" (several media
// ranges may be comma separated). found is false when no NetBackup media type
// with a version is present; valid is false when the version is unparsable.
func versionFromMediaTypes(header string) (v apiVersion, found, valid bool) {
	for _, mediaRange := range strings.Split(header, ",") {
		parts := strings.Split(mediaRange, ";")
		mt := strings.ToLower(strings.TrimSpace(parts[0]))
		if !strings.HasPrefix(mt, "application/vnd.netbackup+") && !strings.HasPrefix(mt, "text/vnd.netbackup+") {
			continue
		}
		for _, p := range parts[1:] {
			name, val, ok := strings.Cut(p, "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(name), "version") {
				continue
			}
			v, ok := parseVersion(strings.Trim(strings.TrimSpace(val), `"`))
			return v, true, ok
		}
	}
	return apiVersion{}, false, true
}
