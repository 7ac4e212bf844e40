package nbuapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi/jsonscan"
)

type pagTestAttrs struct {
	N int `json:"n"`
}

// pagTestItems renders items from..to-1 as JSON:API resources.
func pagTestItems(from, to int) string {
	items := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		items = append(items, fmt.Sprintf(`{"type":"thing","id":"%d","attributes":{"n":%d},"meta":{"page":{"cursor":"c%d"}},
			"relationships":{"owner":{"data":{"type":"user","id":"u%d"}}}}`, i, i, i, i))
	}
	return strings.Join(items, ",")
}

// pagTestCursorServer serves total items in cursor pages; the cursor is the
// next index. failAt makes every request for that index fail with 503.
func pagTestCursorServer(t *testing.T, total, failAt int) (*nbcServer, *[]string) {
	var mu sync.Mutex
	var queries []string
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		assert.NotContains(t, r.URL.RawQuery, "[", "names are percent-encoded")
		q := r.URL.Query()
		assert.Equal(t, "state eq 'DONE'", q.Get("filter"))
		limit, err := strconv.Atoi(q.Get("page[limit]"))
		assert.NoError(t, err)
		from := 0
		if after := q.Get("page[after]"); after != "" {
			from, err = strconv.Atoi(after)
			assert.NoError(t, err)
		}
		if from == failAt {
			nbcWriteJSON(w, http.StatusServiceUnavailable, nbcEnvelope(8000, "The server is busy."))
			return
		}
		to := min(from+limit, total)
		next := `"next":"` + strconv.Itoa(to) + `",`
		if to == total {
			next = ""
		}
		nbcWriteJSON(w, http.StatusOK, `{"data":[`+pagTestItems(from, to)+`],"meta":{"pagination":{`+next+`"limit":`+strconv.Itoa(limit)+`}}}`)
	})
	return srv, &queries
}

func pagTestCollect(seq func(func(Resource[pagTestAttrs], error) bool)) ([]int, []error) {
	var got []int
	var errs []error
	for item, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, item.Attributes.N)
	}
	return got, errs
}

func pagTestRange(from, to int) []int {
	out := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

func TestCursorItems_ToTheEnd(t *testing.T) {
	srv, queries := pagTestCursorServer(t, 23, -1)
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	query := url.Values{"filter": {"state eq 'DONE'"}}
	got, errs := pagTestCollect(cursorItems[pagTestAttrs](context.Background(), c, "/admin/jobs", query, 5))
	require.Empty(t, errs)
	require.Equal(t, pagTestRange(0, 23), got)
	require.Len(t, *queries, 5)
	require.Equal(t, "filter=state%20eq%20%27DONE%27&page%5Blimit%5D=5", (*queries)[0])
	require.Equal(t, "filter=state%20eq%20%27DONE%27&page%5Bafter%5D=5&page%5Blimit%5D=5", (*queries)[1])
	require.Equal(t, url.Values{"filter": {"state eq 'DONE'"}}, query, "the caller's query is not modified")
}

func TestCursorItems_FailedPageEndsWithTheError(t *testing.T) {
	srv, queries := pagTestCursorServer(t, 30, 10)
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	query := url.Values{"filter": {"state eq 'DONE'"}}
	got, errs := pagTestCollect(cursorItems[pagTestAttrs](context.Background(), c, "/admin/jobs", query, 5))
	require.Equal(t, pagTestRange(0, 10), got, "the items before the failure stay yielded")
	require.Len(t, errs, 1)
	var ae *Error
	require.ErrorAs(t, errs[0], &ae)
	require.Equal(t, http.StatusServiceUnavailable, ae.Status)
	require.Equal(t, 4, ae.Attempts)
	require.Len(t, *queries, 2+4, "two pages, then four attempts at the third")
}

func TestCursorItems_StopsWhenTheCallerStops(t *testing.T) {
	srv, queries := pagTestCursorServer(t, 100, -1)
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	n := 0
	for _, err := range cursorItems[pagTestAttrs](context.Background(), c, "/admin/jobs", url.Values{"filter": {"state eq 'DONE'"}}, 10) {
		require.NoError(t, err)
		n++
		if n == 12 {
			break
		}
	}
	require.Len(t, *queries, 2, "no page is fetched after the caller stopped")
}

// A server repeating a cursor would loop forever: the walk stops, and says
// that the list is incomplete rather than looking complete.
func TestCursorItems_RepeatedCursorStopsWithAnError(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		nbcWriteJSON(w, http.StatusOK, `{"data":[`+pagTestItems(0, 2)+`],"meta":{"pagination":{"next":"same"}}}`)
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	got, errs := pagTestCollect(cursorItems[pagTestAttrs](context.Background(), c, "/x", nil, 2))
	require.Len(t, got, 4, "the pages read are handed over")
	require.Len(t, errs, 1)
	require.ErrorContains(t, errs[0], `GET /x: the server sent the next-page cursor "same" a second time`)
	require.Equal(t, int64(2), srv.requests.Load())
}

// A next offset that does not move forward would loop forever too.
func TestOffsetItems_NextOffsetNotForwardStopsWithAnError(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		nbcWriteJSON(w, http.StatusOK, `{"data":[`+pagTestItems(0, 2)+`],"meta":{"pagination":{"next":0}}}`)
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	got, errs := pagTestCollect(offsetItems[pagTestAttrs](context.Background(), c, "/storage/disk-pools", nil, 2))
	require.Len(t, got, 2)
	require.Len(t, errs, 1)
	require.ErrorContains(t, errs[0], "GET /storage/disk-pools: the next page's offset 0 does not move past the current one (0)")
	require.Equal(t, int64(1), srv.requests.Load())
}

// pagTestOffsetServer serves total items in offset pages with NetBackup's
// meta.pagination (offsets), capping page[limit] at maxLimit like a server
// with a page size limit.
func pagTestOffsetServer(t *testing.T, total, maxLimit, failAt int) *nbcServer {
	return newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Contains(t, r.URL.RawQuery, "page%5Boffset%5D=")
		q := r.URL.Query()
		offset, err := strconv.Atoi(q.Get("page[offset]"))
		assert.NoError(t, err)
		limit, err := strconv.Atoi(q.Get("page[limit]"))
		assert.NoError(t, err)
		if offset == failAt {
			nbcWriteJSON(w, http.StatusBadGateway, "<html>bad gateway</html>")
			return
		}
		limit = min(limit, maxLimit)
		to := min(offset+limit, total)
		last := max(0, (total-1)/limit*limit)
		meta := map[string]any{"count": total, "offset": offset, "limit": limit, "first": 0, "last": last}
		if to < total {
			meta["next"] = to
		}
		page := map[string]any{"meta": map[string]any{"pagination": meta}}
		body, err := json.Marshal(page)
		assert.NoError(t, err)
		nbcWriteJSON(w, http.StatusOK, `{"data":[`+pagTestItems(offset, to)+`],`+string(body[1:]))
	})
}

func TestOffsetItems_ToTheEnd(t *testing.T) {
	srv := pagTestOffsetServer(t, 47, 100, -1)
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	got, errs := pagTestCollect(offsetItems[pagTestAttrs](context.Background(), c, "/storage/storage-units", nil, 10))
	require.Empty(t, errs)
	require.Equal(t, pagTestRange(0, 47), got)
	require.Equal(t, int64(5), srv.requests.Load())
}

func TestOffsetItems_ExactMultipleEndsWithoutAnEmptyPage(t *testing.T) {
	srv := pagTestOffsetServer(t, 30, 100, -1)
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	got, errs := pagTestCollect(offsetItems[pagTestAttrs](context.Background(), c, "/storage/disk-pools", nil, 10))
	require.Empty(t, errs)
	require.Equal(t, pagTestRange(0, 30), got)
	require.Equal(t, int64(3), srv.requests.Load())
}

func TestOffsetItems_ServerCapsTheLimit(t *testing.T) {
	srv := pagTestOffsetServer(t, 25, 4, -1)
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	got, errs := pagTestCollect(offsetItems[pagTestAttrs](context.Background(), c, "/storage/disk-pools", nil, 10))
	require.Empty(t, errs)
	require.Equal(t, pagTestRange(0, 25), got, "short pages with a next are followed")
}

func TestOffsetItems_FailedPageEndsWithTheError(t *testing.T) {
	srv := pagTestOffsetServer(t, 50, 100, 20)
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	got, errs := pagTestCollect(offsetItems[pagTestAttrs](context.Background(), c, "/storage/disk-pools", nil, 10))
	require.Equal(t, pagTestRange(0, 20), got)
	require.Len(t, errs, 1)
	require.True(t, IsStatus(errs[0], http.StatusBadGateway))
	require.Contains(t, errs[0].Error(), "after 4 attempts")
	require.Equal(t, int64(2+4), srv.requests.Load())
}

func TestOffsetItems_NoPaginationMetaIsOnePage(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		nbcWriteJSON(w, http.StatusOK, `{"data":[`+pagTestItems(0, 10)+`]}`)
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	got, errs := pagTestCollect(offsetItems[pagTestAttrs](context.Background(), c, "/licensing/capacity", nil, 10))
	require.Empty(t, errs)
	require.Len(t, got, 10)
	require.Equal(t, int64(1), srv.requests.Load())
}

func TestResourceDecoding(t *testing.T) {
	var r Resource[pagTestAttrs]
	require.NoError(t, json.Unmarshal([]byte(pagTestItems(7, 8)), &r))
	require.Equal(t, "thing", r.Type)
	require.Equal(t, "7", r.ID)
	require.Equal(t, 7, r.Attributes.N)
	require.Equal(t, "c7", r.Meta.Page.Cursor)
	require.Equal(t, []string{"u7"}, r.Relationships["owner"].IDs())
}

// A malformed meta.page.cursor costs its item, not its page: the item is
// left out and reported, the next one is decoded.
func TestResourceDecoding_MalformedCursorCostsItsItem(t *testing.T) {
	page := `{"data":[{"type":"job","id":"1","attributes":{},"meta":{"page":{"cursor":{"x":1},"other":2},"more":3}},` +
		`{"type":"job","id":"2","attributes":{}}],"meta":{"pagination":{"next":"c"}}}`
	items, skipped, err := DecodePage[struct{}]([]byte(page))
	require.NoError(t, err)
	require.Len(t, items, 1)
	require.Equal(t, "2", items[0].ID)
	require.Len(t, skipped, 1)
	require.Equal(t, "1", skipped[0].ID)
	require.Equal(t, "meta.page.cursor", skipped[0].Attribute)
}

// failingAttrs is a ScanDecoder that reads past its value and fails with
// an error of its own kind.
type failingAttrs struct{}

func (*failingAttrs) DecodeJSONScan(s *jsonscan.Scanner) error {
	s.Skip()
	return errors.New("unreadable attributes")
}

// Whatever error a ScanDecoder returns, its item is left out, not kept
// half-decoded.
func TestResourceDecoding_ScanDecoderErrorCostsItsItem(t *testing.T) {
	items, skipped, err := DecodePage[failingAttrs]([]byte(`{"data":[{"type":"job","id":"1","attributes":{}}]}`))
	require.NoError(t, err)
	require.Empty(t, items)
	require.Len(t, skipped, 1)
	require.ErrorContains(t, skipped[0], "job 1: unreadable attributes")
}

func TestRelationshipIDs(t *testing.T) {
	tests := map[string][]string{
		`{"type":"a","id":"1"}`:                         {"1"},
		`[{"type":"a","id":"1"},{"type":"a","id":"2"}]`: {"1", "2"},
		`[]`:   {},
		`null`: nil,
		``:     nil,
		`"x"`:  nil,
	}
	for data, want := range tests {
		got := Relationship{Data: jsontext.Value(data)}.IDs()
		if len(want) == 0 {
			require.Empty(t, got, data)
			continue
		}
		require.Equal(t, want, got, data)
	}
}

// cursorItems and offsetItems name the two paging styles of Items.
func cursorItems[A any](ctx context.Context, c *Client, path string, query url.Values, limit int) iter.Seq2[Resource[A], error] {
	return Items[A](ctx, c, List{Path: path, Query: query, Limit: limit, Paging: CursorPaging})
}

func offsetItems[A any](ctx context.Context, c *Client, path string, query url.Values, limit int) iter.Seq2[Resource[A], error] {
	return Items[A](ctx, c, List{Path: path, Query: query, Limit: limit, Paging: OffsetPaging})
}

// Attributes that are not an object name "attributes" as what could not be
// read, as the jobs' hand decoder does (found by FuzzJobsPage: the
// reflection path named nothing).
func TestResourceDecoding_AttributesNotAnObjectAreNamed(t *testing.T) {
	for _, value := range []string{`""`, `5`, `[]`, `true`} {
		items, skipped, err := DecodePage[pagTestAttrs]([]byte(`{"data":[{"type":"thing","id":"1","attributes":` + value + `}]}`))
		require.NoError(t, err, value)
		require.Empty(t, items, value)
		require.Len(t, skipped, 1, value)
		require.Equal(t, "attributes", skipped[0].Attribute, value)
		require.ErrorContains(t, skipped[0], "thing 1: attribute attributes: ", value)
	}
}
