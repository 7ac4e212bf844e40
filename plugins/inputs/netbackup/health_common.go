package netbackup

import (
	"net/http"

	"github.com/influxdata/telegraf"
)

// Helpers shared by the health collectors (slp, catalog_backup, alerts,
// services, licensing, certificates).

// missingEndpoint remembers whether a collector already said that its
// server lacks an endpoint, so that a server on an older release logs the
// fact once per collector instance instead of at every gather.
type missingEndpoint struct {
	logged bool
}

// skip reports whether err means "this API version has no such endpoint"
// (404); the first time, it logs one line saying what is skipped and why.
func (m *missingEndpoint) skip(log telegraf.Logger, err error, collector string, srv *server, path string) bool {
	if !isStatus(err, http.StatusNotFound) {
		return false
	}
	if !m.logged && log != nil {
		m.logged = true
		log.Infof("server %s (API %s): %s answers 404 Not Found (this release lacks it), the %s collector skips it; "+
			"this is logged once",
			srv.source, srv.ping.Version, path, collector)
	}
	return true
}
