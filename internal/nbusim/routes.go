package nbusim

import "net/http"

// route maps a path (exact, or a prefix followed by more segments) to a handler.
type route struct {
	method     string
	prefix     string
	exact      bool   // only the prefix itself; otherwise only prefix + "/..."
	minRelease string // "" = every release; else 404 before this release
	handle     func(w http.ResponseWriter, r *request, rest string)
}

func (s *Simulator) buildRoutes() []route {
	list := func(prefix string, h func(http.ResponseWriter, *request, string)) route {
		return route{method: http.MethodGet, prefix: prefix, exact: true, handle: h}
	}
	one := func(prefix string, h func(http.ResponseWriter, *request, string)) route {
		return route{method: http.MethodGet, prefix: prefix, handle: h}
	}
	tape := func(rt route) route { rt.minRelease = "10.4"; return rt }
	// The oldest documents (10.3) list anomalies and malware scans; 8.3 had neither.
	since103 := func(rt route) route { rt.minRelease = "10.3"; return rt }
	since105 := func(rt route) route { rt.minRelease = "10.5"; return rt }
	l := func(path string) *resourceList { return s.data.lists[path] }
	return []route{
		{method: http.MethodPost, prefix: "/logout", exact: true, handle: s.handleLogout},
		list("/admin/jobs", s.handleJobs),
		one("/admin/jobs", s.handleJobs),
		{method: http.MethodPost, prefix: "/admin/jobs-count-requests", exact: true, handle: s.handleJobsCount},
		one("/admin/hosts", s.handleHostServices),
		list("/storage/storage-units", s.listHandler(l("/storage/storage-units"))),
		one("/storage/storage-units", s.itemHandler(l("/storage/storage-units"))),
		list("/storage/disk-pools", s.listHandler(l("/storage/disk-pools"))),
		one("/storage/disk-pools", s.itemHandler(l("/storage/disk-pools"))),
		list("/storage/storage-servers", s.listHandler(l("/storage/storage-servers"))),
		list("/storage/drives", s.listHandler(l("/storage/drives"))),
		tape(list("/storage/tape-media", s.listHandler(l("/storage/tape-media")))),
		list("/config/media-servers", s.listHandler(l("/config/media-servers"))),
		list("/config/slps", s.listHandler(l("/config/slps"))),
		list("/config/policies", s.listHandler(l("/config/policies"))), // the documents spell it with a trailing slash
		list("/config/hosts", s.handleHosts),
		list("/catalog/slp-images", s.listHandler(l("/catalog/slp-images"))),
		list("/catalog/images", s.handleCatalogImages),
		list("/manage/alerts", s.listHandler(l("/manage/alerts"))),
		list("/licensing/capacity", s.listHandler(l("/licensing/capacity"))),
		since105(list("/security/status", s.handleSecurityStatus)),
		since103(list("/security/anomalies", s.handleAnomalies)),
		since103(list("/malware/latest-scan-results", s.handleLatestScanResults)),
	}
}
