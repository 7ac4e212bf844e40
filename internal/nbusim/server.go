package nbusim

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const basePath = "/netbackup"

// request is what handlers get: the negotiated version and the path relative
// to /netbackup.
type request struct {
	*http.Request
	version apiVersion
	rel     string
}

// ServeHTTP routes everything under /netbackup.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	// The request is logged when its status is written, before any byte
	// reaches the client: a client that has read the answer finds it in the
	// log. A request that never got a status (cut, hung) is logged at the end.
	rec.onCommit = func(status int) {
		s.requests.add(RequestRecord{
			Method:        r.Method,
			Path:          r.URL.Path,
			RawQuery:      r.URL.RawQuery,
			Status:        status,
			Authorization: r.Header.Get("Authorization") != "" || hasAuthCookie(r),
		})
	}
	defer rec.commit()
	s.serve(rec, r)
}

func (s *Simulator) serve(w *statusRecorder, r *http.Request) {
	if id := r.Header.Get("X-Request-ID"); id != "" {
		w.Header().Set("X-Request-ID", id)
	} else {
		w.Header().Set("X-Request-ID", strconv.FormatInt(s.requests.nextID(), 10))
	}
	if s.cfg.Latency > 0 && !sleepCtx(r, s.cfg.Latency) {
		return
	}
	rel, ok := strings.CutPrefix(r.URL.Path, basePath)
	if !ok || (rel != "" && rel[0] != '/') {
		s.notFound(w, s.apiVersion, "unknown path "+r.URL.Path)
		return
	}
	rel = strings.TrimSuffix(rel, "/")
	if s.applyFault(w, r, rel) {
		return
	}
	s.serveUnfaulted(w, r, rel)
}

// serveUnfaulted answers a request as a healthy server would.
func (s *Simulator) serveUnfaulted(w http.ResponseWriter, r *http.Request, rel string) {
	v, ok := s.negotiate(w, r)
	if !ok {
		return
	}
	req := &request{Request: r, version: v, rel: rel}
	s.resMu.RLock()
	defer s.resMu.RUnlock()
	if s.servePublic(w, req) {
		return
	}
	if !s.authorized(r) {
		s.writeError(w, v, http.StatusUnauthorized, codeUnauthorized,
			"Authorization header is missing, the token is invalid, or you do not have permission for this action.")
		return
	}
	s.route(w, req)
}

// negotiate picks the API version from Accept (and a request body's
// Content-Type): absent means the played version; above it means 406.
func (s *Simulator) negotiate(w http.ResponseWriter, r *http.Request) (apiVersion, bool) {
	v := s.apiVersion
	accV, accFound, accValid := versionFromMediaTypes(r.Header.Get("Accept"))
	ctV, ctFound, ctValid := versionFromMediaTypes(r.Header.Get("Content-Type"))
	if !accValid || (accFound && s.apiVersion.less(accV)) {
		s.writeError(w, s.apiVersion, http.StatusNotAcceptable, codeInvalidRequest,
			"Invalid Accept type. Make sure your Accept header matches what this API produces.",
			"supported versions: up to "+s.apiVersion.String())
		return v, false
	}
	if accFound {
		v = accV
	}
	if r.ContentLength != 0 && r.Method != http.MethodGet {
		if !ctValid || (ctFound && (s.apiVersion.less(ctV) || (accFound && ctV != accV))) {
			s.writeError(w, v, http.StatusUnsupportedMediaType, codeInvalidRequest,
				"Unsupported Content-Type. Make sure the Content-Type header matches what this API consumes.")
			return v, false
		}
		if ctFound && !accFound {
			v = ctV
		}
	}
	return v, true
}

// servePublic answers the endpoints that need no authentication.
func (s *Simulator) servePublic(w http.ResponseWriter, r *request) bool {
	switch r.rel {
	case "/ping", "/security/ping":
		if !s.requireMethod(w, r, http.MethodGet) {
			return true
		}
		w.Header().Set("X-NetBackup-API-Version", s.apiVersion.String())
		writeBody(w, "text/vnd.netbackup+plain;version="+r.version.String(), http.StatusOK,
			[]byte(strconv.FormatInt(s.nowMs(), 10)))
	case "/security/serverinfo":
		if s.requireMethod(w, r, http.MethodGet) {
			s.writeJSON(w, r.version, http.StatusOK, s.serverInfo())
		}
	case "/security/servertime":
		if s.requireMethod(w, r, http.MethodGet) {
			s.writeJSON(w, r.version, http.StatusOK, map[string]any{
				"serverTime": s.nowMs(), "timeZoneName": "Coordinated Universal Time", "timeZoneId": "UTC",
			})
		}
	case "/security/cacert":
		if s.requireMethod(w, r, http.MethodGet) {
			s.writeJSON(w, r.version, http.StatusOK, s.caCert())
		}
	case "/login":
		if s.requireMethod(w, r, http.MethodPost) {
			s.handleLogin(w, r)
		}
	default:
		return false
	}
	return true
}

func (s *Simulator) route(w http.ResponseWriter, r *request) {
	for _, rt := range s.routeTable {
		rest, ok := matchRoute(r.rel, rt.prefix, rt.exact)
		if !ok {
			continue
		}
		if rt.minRelease != "" && !s.releaseAtLeast(rt.minRelease) {
			break
		}
		if !s.requireMethod(w, r, rt.method) {
			return
		}
		rt.handle(w, r, rest)
		return
	}
	s.notFound(w, r.version, "no endpoint "+r.Method+" "+r.rel)
}

// matchRoute matches rel against prefix: exact, or prefix + "/" + one or
// more segments (returned in rest).
func matchRoute(rel, prefix string, exact bool) (rest string, ok bool) {
	if rel == prefix {
		return "", exact
	}
	if exact {
		return "", false
	}
	after, ok := strings.CutPrefix(rel, prefix+"/")
	return after, ok && after != ""
}

func (s *Simulator) requireMethod(w http.ResponseWriter, r *request, method string) bool {
	if r.Method == method || (method == http.MethodGet && r.Method == http.MethodHead) {
		return true
	}
	w.Header().Set("Allow", method)
	s.writeError(w, r.version, http.StatusMethodNotAllowed, codeInvalidRequest,
		"Method not allowed. The specified HTTP operation is invalid.")
	return false
}

// releaseAtLeast compares the played release with min (e.g. "10.4").
func (s *Simulator) releaseAtLeast(min string) bool {
	return !mustParseVersion(s.cfg.Release).less(mustParseVersion(min))
}

// sleepCtx waits d or until the client goes away; false when it went away.
func sleepCtx(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// statusRecorder remembers the status written, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status    int
	aborted   bool // connection cut on purpose (fault): logged with status 0
	onCommit  func(status int)
	committed bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.commit()
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.commit()
	return w.ResponseWriter.Write(b)
}

// commit hands the status to onCommit, once.
func (w *statusRecorder) commit() {
	if w.committed || w.onCommit == nil {
		return
	}
	w.committed = true
	w.onCommit(w.statusOrOK())
}

func (w *statusRecorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusRecorder) statusOrOK() int {
	if w.aborted {
		return 0
	}
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// bufferedWriter collects a response in memory (for the truncate fault).
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferedWriter) statusOrOK() int {
	if b.status == 0 {
		return http.StatusOK
	}
	return b.status
}
