package nbusim_test

// Contract test: every request a client sends to the simulator, and every answer the simulator
// gives, is checked against the vendor's published OpenAPI documents of the release played
// (testdata/openapi, one folder per release, each file gzip-compressed). Requests go through
// ServeHTTP with a recorder: no sockets needed.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// openAPIDir holds the vendor documents, one folder per release, each file as <name>.gz; its
// README lists the known defects of the published bundle.
const openAPIDir = "testdata/openapi"

// simBase is the URL the requests are addressed to; the documents' servers are rewritten to it.
const simBase = "https://nbu-primary/netbackup"

// contractReleases are the releases the simulator plays that have published documents.
// 8.3 (API 4.0) is not checked here: testdata/openapi holds no documents for it.
var contractReleases = []struct{ release, apiVersion string }{
	{"10.3", "10.0"}, {"10.5", "12.0"}, {"11.0", "13.0"}, {"11.2", "14.0"},
}

// enumDeviations are attributes whose values the simulator deliberately takes outside the
// documented enum because real servers do (testdata/openapi/README.md, the simulator README's
// deviations). Only enum violations on these attribute names are filtered out; any other
// violation on them still fails.
var enumDeviations = map[string]string{
	"policyType":   `real servers send display names such as "MS-Windows"`,
	"scheduleType": `real servers and every vendor example send "FULL"`,
}

func init() {
	// The NetBackup media types carry JSON and plain text; kin-openapi must know how to read them.
	openapi3filter.RegisterBodyDecoder("application/vnd.netbackup+json", openapi3filter.JSONBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/vnd.netbackup+plain", openapi3filter.PlainBodyDecoder)
}

// ---- the vendor documents ----

// documentSource names the published document that describes file for release. The bundle
// lacks some files, so a neighbour release's copy stands in (its media-type versions are
// rewritten to the played release's API version when it is loaded).
func documentSource(release, file string) (srcRelease, srcFile string) {
	switch {
	case release == "11.2" && file == "storage.yaml": // 11.2 ships no storage.yaml
		return "11.0", file
	case release == "11.0" && file == "config.yaml": // 11.0's config.yaml is a stub
		return "11.2", file
	case release == "10.3" && file == "config_hosts.yaml": // stub in 10.3: /config/hosts lives in config.yaml
		return release, "config.yaml"
	}
	return release, file
}

var apiVersionOfRelease = map[string]string{"10.3": "10.0", "10.5": "12.0", "11.0": "13.0", "11.2": "14.0"}

// headerRefAsParameter matches the published config.yaml defect "parameters: - $ref: to a header
// object", which kin-openapi rejects; an equivalent inline header parameter replaces it.
var headerRefAsParameter = regexp.MustCompile(`- \$ref: '?\./common\.yaml#/components/headers/(\w+)'?`)

// documentFixes are byte replacements for other defects of the published files (see
// testdata/openapi/README.md): a reference to a never-published Swagger-2 file.
var documentFixes = [][2]string{
	{"$ref: PolicyType_Generic.json#/definitions/policyGenericGet", "type: object"},
}

type vendorDoc struct {
	doc    *openapi3.T
	router routers.Router
	source string // what was loaded, for messages
}

type docEntry struct {
	once sync.Once
	doc  *vendorDoc
	err  error
}

// docCache loads each (release, file) once for the whole test binary.
type docCache struct {
	mu      sync.Mutex
	entries map[[2]string]*docEntry
}

var vendorDocs docCache

func (c *docCache) get(release, file string) (*vendorDoc, error) {
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[[2]string]*docEntry{}
	}
	e := c.entries[[2]string{release, file}]
	if e == nil {
		e = &docEntry{}
		c.entries[[2]string{release, file}] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.doc, e.err = loadVendorDoc(release, file) })
	return e.doc, e.err
}

func loadVendorDoc(release, file string) (*vendorDoc, error) {
	srcRelease, srcFile := documentSource(release, file)
	srcDir, err := filepath.Abs(filepath.Join(openAPIDir, srcRelease))
	if err != nil {
		return nil, err
	}
	fromVersion, toVersion := "version="+apiVersionOfRelease[srcRelease], "version="+apiVersionOfRelease[release]
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	// Cached: the big documents reference common.yaml thousands of times.
	loader.ReadFromURIFunc = openapi3.URIMapCache(func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		// Local files of the release folder only: the documents never need anything else.
		p := filepath.Clean(filepath.FromSlash(u.Path))
		if (u.Scheme != "" && u.Scheme != "file") || filepath.Dir(p) != srcDir {
			return nil, fmt.Errorf("reference outside %s refused: %s", srcDir, u)
		}
		b, err := readCompressedDocument(srcRelease, filepath.Base(p))
		if err != nil {
			return nil, err
		}
		b = headerRefAsParameter.ReplaceAll(b, []byte("- {name: X-Header-$1, in: header, schema: {type: string}}"))
		for _, fix := range documentFixes {
			b = bytes.ReplaceAll(b, []byte(fix[0]), []byte(fix[1]))
		}
		if fromVersion != toVersion {
			b = bytes.ReplaceAll(b, []byte(fromVersion), []byte(toVersion))
		}
		return b, nil
	})
	source := srcRelease + "/" + srcFile
	if source != release+"/"+file {
		source += " (for " + release + "/" + file + ")"
	}
	doc, err := loader.LoadFromFile(filepath.Join(srcDir, srcFile))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", source, err)
	}
	// Not gated on doc.Validate(): the published bundle has known defects (testdata/openapi/README.md).
	doc.Servers = openapi3.Servers{{URL: simBase}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("router for %s: %w", source, err)
	}
	return &vendorDoc{doc: doc, router: router, source: source}, nil
}

// readCompressedDocument returns the published file name of release from its committed copy,
// name.gz: the published name is kept so that the references between files resolve unchanged.
func readCompressedDocument(release, name string) ([]byte, error) {
	path := filepath.Join(openAPIDir, release, name+".gz")
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("vendor document %s is missing: the contract test needs it in the repository "+
			"(restore it with git checkout, or add it as %s/README.md explains)", path, openAPIDir)
	}
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("vendor document %s is not gzip-compressed: %w", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("decompress vendor document %s: %w", path, err)
	}
	return b, nil
}

// preloadDocs loads, in parallel (the big ones take seconds), every document the steps need in
// every release they apply to, and returns why any of them failed to load.
func preloadDocs(steps []contractStep) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	loading := map[[2]string]bool{}
	for _, r := range contractReleases {
		for _, s := range steps {
			key := [2]string{r.release, s.file}
			if loading[key] || !releaseAtLeast(r.release, s.minRelease) {
				continue
			}
			loading[key] = true
			wg.Go(func() {
				if _, err := vendorDocs.get(key[0], key[1]); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ---- what a client sends ----

// flowState carries values discovered by earlier calls (cursor, ids) to later ones.
type flowState struct {
	release, apiVersion string
	nextCursor          string
	jobID               string
	hostUUID            string
}

// call is one HTTP request of the flow.
type call struct {
	method, path string
	query        url.Values
	body         string
	noAuth       bool
	accept       string // "" = application/vnd.netbackup+json of the played version
	contentType  string // "" = the Accept media type (the server wants both equal)
}

type contractStep struct {
	name       string
	file       string // vendor document describing the endpoint
	status     int    // status the simulator must answer
	minRelease string // first release documenting and serving the endpoint
	build      func(st *flowState) call
	after      func(t *testing.T, st *flowState, body []byte) // reads values for later steps
	// statusUndocumented explains why the operation's document does not list the expected status
	// (a gap of the document, not of the simulator); the status is then not checked against it.
	statusUndocumented string
}

func get(path string, query url.Values) func(*flowState) call {
	return func(*flowState) call { return call{method: http.MethodGet, path: path, query: query} }
}

func offsetPage() url.Values { return url.Values{"page[offset]": {"0"}, "page[limit]": {"10"}} }

func contractSteps() []contractStep {
	return []contractStep{
		{name: "ping", file: "gateway.yaml", status: http.StatusOK, build: func(st *flowState) call {
			return call{method: http.MethodGet, path: "/ping", noAuth: true, accept: "text/vnd.netbackup+plain;version=" + st.apiVersion}
		}},
		{name: "login-password", file: "gateway.yaml", status: http.StatusCreated, build: func(*flowState) call {
			return call{method: http.MethodPost, path: "/login", noAuth: true,
				body: `{"domainType":"unixpwd","domainName":"nbu-primary","userName":"monitor","password":"secret"}`}
		}},
		{name: "login-apikey", file: "gateway.yaml", status: http.StatusCreated, build: func(*flowState) call {
			return call{method: http.MethodPost, path: "/login", noAuth: true,
				body: `{"domainType":"vx","domainName":"vrts.apikey","userName":"monitor","password":"k"}`}
		}},
		{name: "login-wrong-password", file: "gateway.yaml", status: http.StatusUnauthorized, build: func(*flowState) call {
			return call{method: http.MethodPost, path: "/login", noAuth: true,
				body: `{"domainType":"unixpwd","domainName":"nbu-primary","userName":"monitor","password":"nope"}`}
		}},
		{name: "jobs-unauthorized", file: "admin.yaml", status: http.StatusUnauthorized, build: func(*flowState) call {
			return call{method: http.MethodGet, path: "/admin/jobs", noAuth: true, query: url.Values{"page[limit]": {"1"}}}
		}, statusUndocumented: "GET /admin/jobs lists no 401 although admin.yaml lists one for every other operation, in every release"},
		{name: "jobs-first-page", file: "admin.yaml", status: http.StatusOK,
			build: get("/admin/jobs", url.Values{"page[limit]": {"5"}}),
			after: func(t *testing.T, st *flowState, body []byte) {
				var p struct {
					Data []struct {
						ID string `json:"id"`
					} `json:"data"`
					Meta struct {
						Pagination struct {
							Next string `json:"next"`
						} `json:"pagination"`
					} `json:"meta"`
				}
				require.NoError(t, json.Unmarshal(body, &p))
				require.Len(t, p.Data, 5)
				require.NotEmpty(t, p.Meta.Pagination.Next, "meta.pagination.next")
				st.jobID, st.nextCursor = p.Data[0].ID, p.Meta.Pagination.Next
			}},
		{name: "jobs-next-page", file: "admin.yaml", status: http.StatusOK, build: func(st *flowState) call {
			return call{method: http.MethodGet, path: "/admin/jobs", query: url.Values{"page[limit]": {"5"}, "page[after]": {st.nextCursor}}}
		}},
		{name: "jobs-filtered", file: "admin.yaml", status: http.StatusOK, build: get("/admin/jobs", url.Values{
			"page[limit]": {"100"},
			"sort":        {"jobId"},
			"filter":      {"(endTime ge 2022-11-11T00:00:00Z or endTime eq 1970-01-01T00:00:00.000Z) and jobType eq 'BACKUP' and jobId gt 1"},
		})},
		{name: "jobs-bad-filter", file: "admin.yaml", status: http.StatusBadRequest,
			build: get("/admin/jobs", url.Values{"filter": {"jobId xx 5"}})},
		{name: "jobs-too-new-version", file: "admin.yaml", status: http.StatusNotAcceptable, build: func(*flowState) call {
			return call{method: http.MethodGet, path: "/admin/jobs", accept: "application/vnd.netbackup+json;version=99.0"}
		}},
		{name: "job-by-id", file: "admin.yaml", status: http.StatusOK, build: func(st *flowState) call {
			return call{method: http.MethodGet, path: "/admin/jobs/" + st.jobID}
		}},
		{name: "jobs-count", file: "admin.yaml", status: http.StatusOK, build: func(*flowState) call {
			return call{method: http.MethodPost, path: "/admin/jobs-count-requests",
				body: `{"data":{"type":"jobCount","attributes":{"filter":"state eq 'ACTIVE'"}}}`}
		}},
		{name: "config-hosts", file: "config_hosts.yaml", status: http.StatusOK,
			build: get("/config/hosts", url.Values{"filter": {"nbuHostType eq 'MEDIA_SERVER'"}}),
			after: func(t *testing.T, st *flowState, body []byte) {
				var p struct {
					Hosts []struct {
						UUID string `json:"uuid"`
					} `json:"hosts"`
				}
				require.NoError(t, json.Unmarshal(body, &p))
				require.NotEmpty(t, p.Hosts)
				st.hostUUID = p.Hosts[0].UUID
			}},
		{name: "host-services", file: "admin.yaml", status: http.StatusOK, build: func(st *flowState) call {
			return call{method: http.MethodGet, path: "/admin/hosts/" + st.hostUUID + "/services"}
		}},
		{name: "storage-units", file: "storage.yaml", status: http.StatusOK, build: get("/storage/storage-units", offsetPage())},
		{name: "disk-pools", file: "storage.yaml", status: http.StatusOK, build: get("/storage/disk-pools", offsetPage())},
		{name: "storage-servers", file: "storage.yaml", status: http.StatusOK, build: get("/storage/storage-servers", offsetPage())},
		{name: "drives", file: "storage.yaml", status: http.StatusOK, build: get("/storage/drives", offsetPage())},
		{name: "tape-media", file: "storage.yaml", status: http.StatusOK, minRelease: "10.5", build: get("/storage/tape-media", offsetPage())},
		{name: "media-servers", file: "config.yaml", status: http.StatusOK, build: get("/config/media-servers", offsetPage())},
		{name: "slps", file: "config.yaml", status: http.StatusOK, build: get("/config/slps", nil)},
		{name: "slp-images", file: "catalog.yaml", status: http.StatusOK,
			build: get("/catalog/slp-images", url.Values{"filter": {"slpImageState eq 'IN_PROCESS'"}, "page[limit]": {"100"}})},
		{name: "catalog-images", file: "catalog.yaml", status: http.StatusOK, build: get("/catalog/images", url.Values{
			"filter": {"backupTime ge 2020-01-01T00:00:00.000Z"}, "page[offset]": {"0"}, "page[limit]": {"10"},
		})},
		{name: "alerts", file: "manage.yaml", status: http.StatusOK, build: get("/manage/alerts", url.Values{
			"filter": {"createdDateTime ge 2020-01-01T00:00:00.000Z"}, "page[offset]": {"0"}, "page[limit]": {"10"},
		})},
		{name: "licensing-capacity", file: "licensing.yaml", status: http.StatusOK, build: get("/licensing/capacity", nil)},
		{name: "security-status", file: "security.yaml", status: http.StatusOK, minRelease: "10.5", build: get("/security/status", nil)},
		{name: "anomalies", file: "security.yaml", status: http.StatusOK, build: get("/security/anomalies", url.Values{
			"filter": {"createdDateTime ge 2020-01-01T00:00:00.000Z"}, "sort": {"createdDateTime"},
			"page[offset]": {"0"}, "page[limit]": {"100"},
		})},
		{name: "anomalies-bad-sort", file: "security.yaml", status: http.StatusBadRequest,
			build: get("/security/anomalies", url.Values{"sort": {"backupId"}})},
		{name: "malware-latest-scans", file: "malware.yaml", status: http.StatusOK, build: get("/malware/latest-scan-results", url.Values{
			"sort": {"dateOfScan"}, "page[offset]": {"0"}, "page[limit]": {"100"},
		})},
		{name: "logout", file: "gateway.yaml", status: http.StatusOK, build: func(*flowState) call {
			return call{method: http.MethodPost, path: "/logout"}
		}},
	}
}

func (c call) request(st *flowState) *http.Request {
	u := simBase + c.path
	if len(c.query) > 0 {
		// %20 rather than +: what the plugin sends, and what the vendor documents ask for.
		u += "?" + strings.ReplaceAll(c.query.Encode(), "+", "%20")
	}
	var body io.Reader = http.NoBody
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req := httptest.NewRequestWithContext(context.Background(), c.method, u, body)
	accept := c.accept
	if accept == "" {
		accept = "application/vnd.netbackup+json;version=" + st.apiVersion
	}
	req.Header.Set("Accept", accept)
	if c.body != "" {
		contentType := c.contentType
		if contentType == "" {
			contentType = accept
		}
		req.Header.Set("Content-Type", contentType)
	}
	if !c.noAuth {
		req.Header.Set("Authorization", "k")
	}
	return req
}

// ---- validation ----

var validationOptions = &openapi3filter.Options{
	AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	IncludeResponseStatus: true, // a status the document does not list is a violation too
	MultiError:            true, // report every violation, not just the first
}

// lenientStatusOptions is validationOptions for a status the document forgot (statusUndocumented).
var lenientStatusOptions = func() *openapi3filter.Options {
	o := *validationOptions
	o.IncludeResponseStatus = false
	return &o
}()

// violations flattens kin-openapi's nested errors into one line each, dropping the documented
// enum deviations.
func violations(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		var multi openapi3.MultiError
		var respErr *openapi3filter.ResponseError
		var reqErr *openapi3filter.RequestError
		var schemaErr *openapi3.SchemaError
		switch {
		case err == nil:
		case errors.As(err, &multi):
			for _, e := range multi {
				walk(e)
			}
		case errors.As(err, &respErr) && respErr.Err != nil:
			if !isMultiOrSchema(respErr.Err) {
				out = append(out, respErr.Error())
				return
			}
			walk(respErr.Err)
		case errors.As(err, &reqErr) && reqErr.Err != nil && isMultiOrSchema(reqErr.Err):
			walk(reqErr.Err)
		case errors.As(err, &schemaErr):
			ptr := schemaErr.JSONPointer()
			if schemaErr.SchemaField == "enum" && len(ptr) > 0 {
				if _, deliberate := enumDeviations[ptr[len(ptr)-1]]; deliberate {
					return
				}
			}
			if schemaErr.SchemaField == "oneOf" && strings.Contains(schemaErr.Reason, "matches more than one schema") {
				// Document defect: the vendor documents use oneOf over alternatives that do not exclude
				// each other (no required properties, no additionalProperties: false), so every payload,
				// a real server's included, matches several. Each alternative did validate.
				return
			}
			reason := schemaErr.Reason
			if schemaErr.SchemaField == "enum" {
				reason = "value " + shortJSON(schemaErr.Value) + " is not in the documented enum"
			}
			out = append(out, fmt.Sprintf("/%s: %s (schema keyword %q)",
				strings.Join(ptr, "/"), shorten(reason, 200), schemaErr.SchemaField))
		default:
			out = append(out, err.Error())
		}
	}
	walk(err)
	return collapseItems(out)
}

var arrayIndex = regexp.MustCompile(`/\d+(/|:)`)

// collapseItems reports a violation repeated on every item of an array once, as /data/*/...,
// with the number of items concerned.
func collapseItems(lines []string) []string {
	counts := map[string]int{}
	var order []string
	for _, l := range lines {
		path, rest, _ := strings.Cut(l, " ")
		key := arrayIndex.ReplaceAllString(path, "/*$1") + " " + rest
		if counts[key] == 0 {
			order = append(order, key)
		}
		counts[key]++
	}
	for i, k := range order {
		if n := counts[k]; n > 1 {
			order[i] = fmt.Sprintf("%s [x%d]", k, n)
		}
	}
	return order
}

func isMultiOrSchema(err error) bool {
	var multi openapi3.MultiError
	var schemaErr *openapi3.SchemaError
	return errors.As(err, &multi) || errors.As(err, &schemaErr)
}

func shorten(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func shortJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}

// checkResponse validates a response of route; it returns the violations.
func checkResponse(route *routers.Route, params map[string]string, req *http.Request, status int, header http.Header, body []byte) []string {
	return checkResponseWith(validationOptions, route, params, req, status, header, body)
}

func checkResponseWith(opts *openapi3filter.Options, route *routers.Route, params map[string]string, req *http.Request, status int, header http.Header, body []byte) []string {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route, Options: opts,
		},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: opts,
	}
	return violations(openapi3filter.ValidateResponse(context.Background(), in))
}

func releaseAtLeast(release, minRelease string) bool {
	return minRelease == "" || !versionLess(release, minRelease)
}

// versionLess compares dotted release numbers ("10.5" < "11.0").
func versionLess(a, b string) bool {
	var aMaj, aMin, bMaj, bMin int
	_, _ = fmt.Sscanf(a, "%d.%d", &aMaj, &aMin)
	_, _ = fmt.Sscanf(b, "%d.%d", &bMaj, &bMin)
	return aMaj < bMaj || (aMaj == bMaj && aMin < bMin)
}

// ---- the test ----

func TestContractOpenAPI(t *testing.T) {
	steps := contractSteps()
	require.NoError(t, preloadDocs(steps), "vendor OpenAPI documents")

	for _, rel := range contractReleases {
		sim, err := nbusim.New(nbusim.Config{Release: rel.release, APIKey: "k", Username: "monitor", Password: "secret"})
		require.NoError(t, err)
		st := &flowState{release: rel.release, apiVersion: rel.apiVersion}
		for _, step := range steps {
			t.Run(rel.release+"/"+step.name, func(t *testing.T) {
				runContractStep(t, sim, st, step)
			})
		}
	}
}

func runContractStep(t *testing.T, sim *nbusim.Simulator, st *flowState, step contractStep) {
	c := step.build(st)
	if !releaseAtLeast(st.release, step.minRelease) {
		// Not in this release's documents: the simulator must not serve it either.
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, c.request(st))
		require.Equal(t, http.StatusNotFound, rec.Code, "%s %s before %s", c.method, c.path, step.minRelease)
		return
	}
	vd, err := vendorDocs.get(st.release, step.file)
	require.NoError(t, err)

	req := c.request(st)
	route, params, err := vd.router.FindRoute(req)
	require.NoError(t, err, "%s %s is not in %s", c.method, c.path, vd.source)
	if declared := declaredRequestMediaType(route.Operation, req.Header.Get("Content-Type")); declared != "" {
		// The document accepts this body only under an older version: send what it declares.
		t.Logf("NOTE %s documents %s %s only as %q: sent with that media type", vd.source, c.method, c.path, declared)
		c.accept, c.contentType = declared, declared
		req = c.request(st)
	}
	reqViolations := violations(openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route, Options: validationOptions,
	}))
	require.Empty(t, reqViolations, "request %s %s does not match %s", c.method, req.URL, vd.source)

	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, c.request(st))
	body := rec.Body.Bytes()
	require.Equal(t, step.status, rec.Code, "%s %s answered %s", c.method, req.URL, shortJSON(string(body)))

	opts := validationOptions
	if step.statusUndocumented != "" {
		require.Nil(t, route.Operation.Responses.Status(step.status), "status %d is documented now: drop statusUndocumented", step.status)
		opts = lenientStatusOptions
	}
	if rec.Code >= 400 {
		// common.yaml (the error envelope) was never published: check the envelope here.
		requireErrorEnvelope(t, body)
	}
	if v := checkResponseWith(opts, route, params, c.request(st), rec.Code, rec.Header(), body); len(v) > 0 {
		t.Errorf("response of %s %s (status %d) violates %s:\n  %s", c.method, c.path, rec.Code, vd.source, strings.Join(v, "\n  "))
	}
	if step.after != nil {
		step.after(t, st, body)
	}
}

// declaredRequestMediaType returns the NetBackup media type the operation's request body is
// documented with when contentType is not among them ("" when it is, or without a body).
func declaredRequestMediaType(op *openapi3.Operation, contentType string) string {
	if op.RequestBody == nil || op.RequestBody.Value == nil || contentType == "" {
		return ""
	}
	content := op.RequestBody.Value.Content
	if _, ok := content[contentType]; ok {
		return ""
	}
	for _, k := range slices.Sorted(maps.Keys(content)) {
		if strings.HasPrefix(k, "application/vnd.netbackup+json") {
			return k
		}
	}
	return ""
}

// requireErrorEnvelope checks the NetBackup error body: {"errorCode": int, "errorMessage": string, ...}.
func requireErrorEnvelope(t *testing.T, body []byte) {
	t.Helper()
	var env map[string]any
	require.NoError(t, json.Unmarshal(body, &env), "error body is not JSON: %s", shortJSON(string(body)))
	code, ok := env["errorCode"].(float64)
	require.True(t, ok, "errorCode missing or not a number in %s", shortJSON(string(body)))
	require.Equal(t, code, float64(int64(code)), "errorCode is not an integer")
	_, ok = env["errorMessage"].(string)
	require.True(t, ok, "errorMessage missing or not a string in %s", shortJSON(string(body)))
}

// TestContractValidatorRejectsBrokenResponses proves the validator used above can fail: broken
// bodies for a documented operation must produce violations (and a deliberate enum deviation
// must not hide another attribute's violation).
func TestContractValidatorRejectsBrokenResponses(t *testing.T) {
	vd, err := vendorDocs.get("11.0", "admin.yaml")
	require.NoError(t, err)
	st := &flowState{release: "11.0", apiVersion: "13.0"}
	req := call{method: http.MethodGet, path: "/admin/jobs"}.request(st)
	route, params, err := vd.router.FindRoute(req)
	require.NoError(t, err)
	header := http.Header{"Content-Type": {"application/vnd.netbackup+json;version=13.0"}}
	job := func(attrs string) []byte {
		return []byte(`{"data":[{"type":"job","id":"7","links":{"self":{"href":"/admin/jobs/7"}},"attributes":{` + attrs + `}}]}`)
	}

	ok := checkResponse(route, params, req, http.StatusOK, header, job(`"jobId":7,"state":"DONE","policyType":"MS-Windows","scheduleType":"FULL"`))
	require.Empty(t, ok, "the deliberate enum deviations are filtered out")

	bad := checkResponse(route, params, req, http.StatusOK, header, job(`"jobId":"abc","state":"DONE"`))
	require.NotEmpty(t, bad)
	require.Contains(t, strings.Join(bad, "\n"), "/data/*/attributes/jobId")

	badEnum := checkResponse(route, params, req, http.StatusOK, header, job(`"jobId":7,"state":"FINISHED","policyType":"MS-Windows"`))
	require.Len(t, badEnum, 1, "%v", badEnum)
	require.Contains(t, badEnum[0], "/data/*/attributes/state")

	wrongType := checkResponse(route, params, req, http.StatusOK, http.Header{"Content-Type": {"text/html"}}, []byte("<html/>"))
	require.NotEmpty(t, wrongType)

	undocumentedStatus := checkResponse(route, params, req, http.StatusTeapot, header, []byte(`{}`))
	require.NotEmpty(t, undocumentedStatus)
}
