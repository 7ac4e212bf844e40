package netbackup_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
)

// exchange is one recorded request and the simulator's answer, as kept in a
// case's responses.json. Requests are matched on method, path, query and
// body; request headers are not kept (they carry the credential), and only
// response headers that the client may read are.
type exchange struct {
	Method string            `json:"method"`
	Path   string            `json:"path"`
	Query  map[string]string `json:"query,omitempty"` // decoded; one value per name
	Body   json.RawMessage   `json:"body,omitempty"`

	Status int               `json:"status"`
	Header map[string]string `json:"header,omitempty"`
	// Response holds a JSON answer as it came; ResponseText any other one
	// (GET /ping answers the server time as text).
	Response     json.RawMessage `json:"response,omitempty"`
	ResponseText string          `json:"response_text,omitempty"`
}

// responsesFile is the name of the recorded exchanges in a case folder.
const responsesFile = "responses.json"

// unrecordedHeaders change between two identical answers (X-Request-Id
// counts the simulator's requests) or are recomputed when the answer is
// replayed.
var unrecordedHeaders = map[string]bool{"Date": true, "Content-Length": true, "X-Request-Id": true}

// requestKey canonicalises a request: parameter order and percent-encoding
// of the query (page%5Blimit%5D and page[limit] are one name), and key order
// and spacing of a JSON body, do not matter.
func requestKey(method, path string, query url.Values, body []byte) string {
	names := make([]string, 0, len(query))
	for name := range query {
		names = append(names, name)
	}
	sort.Strings(names)
	var pairs []string
	for _, name := range names {
		for _, v := range query[name] {
			pairs = append(pairs, name+"="+v)
		}
	}
	key := method + " " + path
	if len(pairs) > 0 {
		key += "?" + strings.Join(pairs, "&")
	}
	if len(body) > 0 {
		key += " " + string(body)
	}
	return key
}

// key is the exchange's request key; the body is canonicalised again
// because responses.json stores it indented.
func (e *exchange) key() string {
	body, err := canonicalJSON(e.Body)
	if err != nil {
		body = e.Body // the replay then matches no request, and says which
	}
	query := make(url.Values, len(e.Query))
	for name, value := range e.Query {
		query.Set(name, value)
	}
	return requestKey(e.Method, e.Path, query, body)
}

// incomingKey reads r's body (leaving it readable again) and returns the
// request's key and its canonical body.
func incomingKey(r *http.Request) (string, []byte, error) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return "", nil, fmt.Errorf("reading the request body: %w", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	body, err := canonicalJSON(raw)
	if err != nil {
		return "", nil, fmt.Errorf("%s %s: the request body is not JSON: %w", r.Method, r.URL.Path, err)
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", nil, fmt.Errorf("%s %s: bad query %q: %w", r.Method, r.URL.Path, r.URL.RawQuery, err)
	}
	return requestKey(r.Method, r.URL.Path, query, body), body, nil
}

// canonicalJSON re-encodes a JSON document with sorted keys and no spaces;
// an empty body stays empty.
func canonicalJSON(raw []byte) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func readExchanges(path string) ([]exchange, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var list []exchange
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return list, nil
}

// writeExchanges writes the exchanges sorted by request, so that a new
// recording diffs well against the old one: the request and status
// indented, the answer on one line as the simulator sent it (a third of
// the size of indented answers).
func writeExchanges(path string, list []exchange) error {
	sort.Slice(list, func(i, j int) bool { return list[i].key() < list[j].key() })
	const placeholder = "@@response@@"
	var out bytes.Buffer
	out.WriteString("[\n")
	for i, ex := range list {
		answer := ex.Response
		if len(answer) > 0 {
			var compact bytes.Buffer
			if err := json.Compact(&compact, answer); err != nil {
				return fmt.Errorf("%s: %w", ex.key(), err)
			}
			answer = compact.Bytes()
			ex.Response = json.RawMessage(`"` + placeholder + `"`)
		}
		data, err := json.MarshalIndent(ex, " ", " ")
		if err != nil {
			return err
		}
		data = bytes.Replace(data, []byte(`"`+placeholder+`"`), answer, 1)
		out.WriteString(" ")
		out.Write(data)
		if i < len(list)-1 {
			out.WriteByte(',')
		}
		out.WriteByte('\n')
	}
	out.WriteString("]\n")
	return os.WriteFile(path, out.Bytes(), 0o644)
}

// replayer answers the recorded requests and notes every other one; it
// also tells which recorded requests were never made.
type replayer struct {
	byKey map[string]*exchange

	mu         sync.Mutex
	used       map[string]bool
	unexpected []string
}

func newReplayer(list []exchange) (*replayer, error) {
	r := &replayer{byKey: make(map[string]*exchange, len(list)), used: make(map[string]bool)}
	for i := range list {
		key := list[i].key()
		if _, dup := r.byKey[key]; dup {
			return nil, fmt.Errorf("%s records %s twice", responsesFile, key)
		}
		r.byKey[key] = &list[i]
	}
	return r, nil
}

func (r *replayer) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	key, _, err := incomingKey(req)
	if err != nil {
		r.note(err.Error())
		http.Error(w, err.Error(), http.StatusNotImplemented)
		return
	}
	ex, ok := r.byKey[key]
	if !ok {
		r.note(key)
		http.Error(w, "not recorded: "+key, http.StatusNotImplemented)
		return
	}
	r.mu.Lock()
	r.used[key] = true
	r.mu.Unlock()
	for name, value := range ex.Header {
		w.Header().Set(name, value)
	}
	w.WriteHeader(ex.Status)
	if len(ex.Response) > 0 {
		_, _ = w.Write(ex.Response)
	} else {
		_, _ = io.WriteString(w, ex.ResponseText)
	}
}

func (r *replayer) note(problem string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.unexpected = append(r.unexpected, problem)
}

// unrecorded lists the requests that had no recorded answer.
func (r *replayer) unrecorded() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.unexpected...)
}

// unused lists the recorded requests the plugin did not make.
func (r *replayer) unused() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var keys []string
	for key := range r.byKey {
		if !r.used[key] {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	return keys
}
