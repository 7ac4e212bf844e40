package nbusim

import (
	"encoding/json"
	"math/rand"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind names an injectable failure.
type FaultKind string

// Fault kinds.
const (
	FaultStatus        FaultKind = "status"         // answer Status (with Retry-After if set) and the error envelope
	FaultReset         FaultKind = "reset"          // close the connection without an answer
	FaultDelay         FaultKind = "delay"          // wait Delay, then answer normally
	FaultHang          FaultKind = "hang"           // never answer: wait until the client gives up (or Delay, then reset)
	FaultTruncate      FaultKind = "truncate"       // send headers and half of the body, then cut the connection
	FaultInvalidJSON   FaultKind = "invalid_json"   // answer 200 with a body that is not JSON
	FaultExpiredCursor FaultKind = "expired_cursor" // 400 envelope for requests carrying page[after]/page[before]
	FaultMalformed     FaultKind = "malformed_item" // answer normally, but item ItemID's Attribute holds Value (raw JSON)
)

// Fault describes one injected failure. The first registered fault that
// matches a request and fires wins.
type Fault struct {
	PathPrefix  string        // e.g. "/admin/jobs" (relative to /netbackup); "" = every path
	Kind        FaultKind     //
	Status      int           // for Kind "status": 429, 500, 502, 503, 504, 401, 403, 404 ...
	RetryAfter  string        // Retry-After header value to send as is ("2", an HTTP-date, an ISO date-time)
	Delay       time.Duration // for "delay"/"hang"
	Count       int           // fire on the next Count matching requests (0 = unlimited)
	Probability float64       // if >0, fire with this probability per matching request (seeded RNG)
	// For "malformed_item": the item (by its resource id) whose attribute
	// gets a value of the wrong JSON type, e.g. ItemID "25", Attribute
	// "clientName", Value "42". Answers without that item are unchanged.
	ItemID, Attribute, Value string
}

// defaultHang bounds a hang whose Delay is zero, so a server never leaks a
// handler forever when a client has no timeout.
const defaultHang = 5 * time.Minute

type activeFault struct {
	Fault
	remaining int // for Count > 0
}

type faultSet struct {
	mu     sync.Mutex
	rng    *rand.Rand
	faults []*activeFault
	fired  map[FaultKind]int
}

func (fs *faultSet) init(seed int64) {
	fs.rng = rand.New(rand.NewSource(seed))
	fs.fired = map[FaultKind]int{}
}

// AddFault registers a fault. Faults are checked in the order added.
func (s *Simulator) AddFault(f Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = append(s.faults.faults, &activeFault{Fault: f, remaining: f.Count})
}

// ClearFaults removes every fault (the fired counters stay).
func (s *Simulator) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = nil
}

// FaultsFired counts the faults that fired, per kind.
func (s *Simulator) FaultsFired() map[FaultKind]int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	out := make(map[FaultKind]int, len(s.faults.fired))
	for k, v := range s.faults.fired {
		out[k] = v
	}
	return out
}

// pick returns the fault to apply to this request, if any, and counts it.
func (fs *faultSet) pick(rel string, hasCursor bool) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.faults {
		if !strings.HasPrefix(rel, f.PathPrefix) {
			continue
		}
		if f.Kind == FaultExpiredCursor && !hasCursor {
			continue
		}
		if f.Probability > 0 && fs.rng.Float64() >= f.Probability {
			continue
		}
		if f.Count > 0 {
			f.remaining--
			if f.remaining <= 0 {
				fs.faults = append(fs.faults[:i:i], fs.faults[i+1:]...)
			}
		}
		fs.fired[f.Kind]++
		return f.Fault, true
	}
	return Fault{}, false
}

// applyFault injects a matching fault; true when the request is handled.
func (s *Simulator) applyFault(w *statusRecorder, r *http.Request, rel string) bool {
	q := r.URL.Query()
	hasCursor := q.Get("page[after]") != "" || q.Get("page[before]") != ""
	f, ok := s.faults.pick(rel, hasCursor)
	if !ok {
		return false
	}
	switch f.Kind {
	case FaultStatus:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		status := f.Status
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
		s.writeError(w, s.apiVersion, status, faultErrorCode(status), faultMessage(status))
		return true
	case FaultReset:
		abortConnection(w)
	case FaultDelay:
		return !sleepCtx(r, f.Delay) // after the delay, serve normally
	case FaultHang:
		d := f.Delay
		if d <= 0 {
			d = defaultHang
		}
		sleepCtx(r, d)
		abortConnection(w)
	case FaultTruncate:
		// Serve the real answer into a buffer, then send half of it.
		buf := &bufferedWriter{header: http.Header{}}
		s.serveUnfaulted(buf, r, rel)
		for k, v := range buf.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(buf.body.Len()))
		w.aborted = true // logged as cut (status 0), though a status goes out
		w.WriteHeader(buf.statusOrOK())
		_, _ = w.Write(buf.body.Bytes()[:buf.body.Len()/2])
		w.Flush()
		abortConnection(w)
	case FaultInvalidJSON:
		writeBody(w, mediaType(s.apiVersion), http.StatusOK,
			[]byte(`{"data":[{"type":"job","id":"1","attributes":{"jobId":1,<html><body>Proxy Error</body></html>`))
		return true
	case FaultExpiredCursor:
		s.badRequest(w, s.apiVersion, "The cursor specified in page[after] or page[before] has expired or is invalid.")
		return true
	case FaultMalformed:
		buf := &bufferedWriter{header: http.Header{}}
		s.serveUnfaulted(buf, r, rel)
		body := buf.body.Bytes()
		if buf.statusOrOK() == http.StatusOK {
			body = withAttribute(body, f.ItemID, f.Attribute, f.Value)
		}
		writeBody(w, buf.header.Get("Content-Type"), buf.statusOrOK(), body)
		return true
	default:
		s.writeError(w, s.apiVersion, http.StatusInternalServerError, codeSystemError,
			"system error occurred", "unknown fault kind "+string(f.Kind))
		return true
	}
	return true
}

// abortConnection makes net/http drop the connection without completing the
// response (HTTP/1: the client sees EOF/reset; HTTP/2: the stream is reset).
func abortConnection(w *statusRecorder) {
	w.aborted = true
	panic(http.ErrAbortHandler)
}

func faultErrorCode(status int) int64 {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return codeUnauthorized
	case http.StatusNotFound:
		return codeNotFound
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		return codeServerBusy
	case http.StatusBadRequest:
		return codeInvalidRequest
	}
	return codeSystemError
}

func faultMessage(status int) string {
	switch status {
	case http.StatusServiceUnavailable:
		return "The server is busy."
	case http.StatusTooManyRequests:
		return "Too many requests. Retry the request after some time."
	case http.StatusUnauthorized:
		return "Authorization header is missing, the token is invalid, or you do not have permission for this action."
	case http.StatusNotFound:
		return "no entity was found"
	}
	return "system error occurred"
}

// withAttribute sets attributes[attr] = value (raw JSON) in the item of a
// JSON:API answer (a page's data array, or a single data object) whose id
// is id. The body is returned unchanged when it holds no such item.
func withAttribute(body []byte, id, attr, value string) []byte {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil {
		return body
	}
	set := func(item map[string]json.RawMessage) bool {
		var itemID string
		if json.Unmarshal(item["id"], &itemID) != nil || itemID != id {
			return false
		}
		var attrs map[string]json.RawMessage
		if json.Unmarshal(item["attributes"], &attrs) != nil || attrs == nil {
			attrs = map[string]json.RawMessage{}
		}
		attrs[attr] = json.RawMessage(value)
		item["attributes"], _ = json.Marshal(attrs)
		return true
	}
	changed := false
	var items []map[string]json.RawMessage
	var one map[string]json.RawMessage
	switch {
	case json.Unmarshal(doc["data"], &items) == nil:
		for _, item := range items {
			changed = set(item) || changed
		}
		doc["data"], _ = json.Marshal(items)
	case json.Unmarshal(doc["data"], &one) == nil && one != nil:
		changed = set(one)
		doc["data"], _ = json.Marshal(one)
	}
	if !changed {
		return body
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return out
}
