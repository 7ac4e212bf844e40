package nbusim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testStart is a fixed simulated "now" so datasets are reproducible.
var testStart = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

func newTestSim(t testing.TB, cfg Config) *Simulator {
	t.Helper()
	if cfg.APIKey == "" && cfg.Username == "" {
		cfg.APIKey = "test-key"
	}
	if cfg.Start.IsZero() {
		cfg.Start = testStart
	}
	sim, err := New(cfg)
	require.NoError(t, err)
	return sim
}

// get performs a request against the handler directly and returns the
// response (status, headers, body).
func get(t testing.TB, sim *Simulator, path string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	return do(t, sim, http.MethodGet, path, "", hdr...)
}

func do(t testing.TB, sim *Simulator, method, path, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, "https://nbu.test/netbackup"+path, rd)
	req.Header.Set("Authorization", sim.cfg.APIKey)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, req)
	return rec
}

// page is a decoded collection answer.
type page struct {
	Data []struct {
		ID         string         `json:"id"`
		Type       string         `json:"type"`
		Attributes map[string]any `json:"attributes"`
		Meta       struct {
			Page struct {
				Cursor string `json:"cursor"`
			} `json:"page"`
		} `json:"meta"`
	} `json:"data"`
	Links map[string]struct {
		Href string `json:"href"`
	} `json:"links"`
	Meta struct {
		Pagination map[string]any `json:"pagination"`
	} `json:"meta"`
}

func decodePage(t testing.TB, rec *httptest.ResponseRecorder) page {
	t.Helper()
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var p page
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p), rec.Body.String())
	return p
}

// walkCursor follows meta.pagination.next from the first page and returns
// every item id in order.
func walkCursor(t testing.TB, sim *Simulator, path string, q url.Values) []string {
	t.Helper()
	var ids []string
	for guard := 0; guard < 100000; guard++ {
		p := decodePage(t, get(t, sim, path+"?"+q.Encode()))
		if q.Get("page[after]") != "" {
			require.NotEmpty(t, p.Data, "next pointed past the last page")
		}
		for _, d := range p.Data {
			ids = append(ids, d.ID)
			require.NotEmpty(t, d.Meta.Page.Cursor)
		}
		next, _ := p.Meta.Pagination["next"].(string)
		if next == "" {
			_, hasNextLink := p.Links["next"]
			require.False(t, hasNextLink, "next link without next cursor")
			return ids
		}
		q.Set("page[after]", next)
	}
	t.Fatal("cursor walk did not end")
	return nil
}

// walkOffset pages with page[offset] until next is absent.
func walkOffset(t testing.TB, sim *Simulator, path string, q url.Values, hdr ...string) (ids []string, count int) {
	t.Helper()
	offset := 0
	for guard := 0; guard < 100000; guard++ {
		q.Set("page[offset]", strconv.Itoa(offset))
		p := decodePage(t, get(t, sim, path+"?"+q.Encode(), hdr...))
		if offset > 0 {
			require.NotEmpty(t, p.Data, "next pointed past the last page")
		}
		for _, d := range p.Data {
			ids = append(ids, d.ID)
		}
		count = int(p.Meta.Pagination["count"].(float64))
		next, ok := p.Meta.Pagination["next"].(float64)
		if !ok {
			return ids, count
		}
		offset = int(next)
	}
	t.Fatal("offset walk did not end")
	return nil, 0
}

func errorEnvelopeOf(t testing.TB, rec *httptest.ResponseRecorder) errorEnvelope {
	t.Helper()
	var e errorEnvelope
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e), rec.Body.String())
	require.NotZero(t, e.ErrorCode)
	require.NotEmpty(t, e.ErrorMessage)
	require.NotNil(t, e.AttributeErrors)
	require.NotNil(t, e.FileUploadErrors)
	return e
}
