package nbusim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pagingStyle of a resource collection.
type pagingStyle int

const (
	offsetPaging pagingStyle = iota
	cursorPaging
)

// resourceList is a JSON:API collection of the small resource families. Items
// are marshalled once, when the dataset is built.
type resourceList struct {
	path     string // e.g. "/storage/storage-units"
	paging   pagingStyle
	defLimit int
	maxLimit int
	// sortable names the attributes the document lets sort= order by
	// (nil: sort is ignored, the list keeps its own order). Offset-paged
	// lists only: a cursor is an item position, which needs the list order.
	sortable []string
	items    []resourceItem

	ordersMu sync.Mutex
	orders   map[string][]int // item positions per sort= value, computed once
}

type resourceItem struct {
	id   string
	json []byte         // the whole resource object
	flat map[string]any // top-level attributes typed for filters
}

// jsonResource is the JSON:API resource object.
type jsonResource struct {
	Links         map[string]map[string]string `json:"links,omitempty"`
	Type          string                       `json:"type"`
	ID            string                       `json:"id"`
	Attributes    any                          `json:"attributes"`
	Relationships any                          `json:"relationships,omitempty"`
}

func newResourceList(path, typ string, paging pagingStyle, defLimit, maxLimit int) *resourceList {
	return &resourceList{path: path, paging: paging, defLimit: defLimit, maxLimit: maxLimit}
}

// add marshals one resource; rel may be nil.
func (l *resourceList) add(typ, id string, attrs, rel any) {
	obj := jsonResource{
		Links:         map[string]map[string]string{"self": {"href": l.path + "/" + url.PathEscape(id)}},
		Type:          typ,
		ID:            id,
		Attributes:    attrs,
		Relationships: rel,
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		panic("nbusim: marshal " + typ + ": " + err.Error())
	}
	l.items = append(l.items, resourceItem{id: id, json: raw, flat: flatten(attrs)})
}

// flatten turns attributes into filterable values: integers as int64, other
// numbers as float64, RFC 3339 strings as time.Time.
func flatten(attrs any) map[string]any {
	raw, _ := json.Marshal(attrs)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil {
		return nil
	}
	for k, v := range m {
		switch x := v.(type) {
		case json.Number:
			if i, err := x.Int64(); err == nil {
				m[k] = i
			} else if f, err := x.Float64(); err == nil {
				m[k] = f
			}
		case string:
			if len(x) >= 20 && x[4] == '-' && x[10] == 'T' {
				if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
					m[k] = t
				}
			}
		}
	}
	return m
}

func (s *Simulator) listHandler(l *resourceList) func(http.ResponseWriter, *request, string) {
	return func(w http.ResponseWriter, r *request, _ string) { s.serveList(w, r, l, nil) }
}

// itemHandler serves GET <path>/{id}.
func (s *Simulator) itemHandler(l *resourceList) func(http.ResponseWriter, *request, string) {
	return func(w http.ResponseWriter, r *request, rest string) {
		if s.cfg.NoRights {
			s.writeError(w, r.version, http.StatusUnauthorized, codeUnauthorized,
				"Authorization header is missing, the token is invalid, or you do not have permission for this action.")
			return
		}
		for _, it := range l.items {
			if it.id == rest {
				b := append([]byte(`{"data":`), it.json...)
				writeBody(w, mediaType(r.version), http.StatusOK, append(b, '}'))
				return
			}
		}
		s.notFound(w, r.version, "no entity "+rest)
	}
}

// serveList answers a collection request: filter, then offset or cursor
// paging. keep (optional) pre-filters items (e.g. a default time window).
func (s *Simulator) serveList(w http.ResponseWriter, r *request, l *resourceList, keep func(*resourceItem) bool) {
	q := r.URL.Query()
	var f *Filter
	if raw := q.Get("filter"); raw != "" {
		var err error
		if f, err = parseFilter(raw); err != nil {
			s.badRequest(w, r.version, "invalid filter: "+err.Error())
			return
		}
	}
	limit, err := parseLimit(q, l.defLimit, l.maxLimit)
	if err != nil {
		s.badRequest(w, r.version, err.Error())
		return
	}
	order, err := l.order(q.Get("sort"))
	if err != nil {
		s.badRequest(w, r.version, err.Error())
		return
	}
	var idx []int // positions in l.items that pass, in the order asked for
	if !s.cfg.NoRights {
		for _, i := range order {
			it := &l.items[i]
			if keep != nil && !keep(it) {
				continue
			}
			if f != nil && !f.Match(func(a string) (any, bool) { v, ok := it.flat[a]; return v, ok }) {
				continue
			}
			idx = append(idx, i)
		}
	}
	if l.paging == cursorPaging {
		s.serveCursorList(w, r, l, q, idx, limit)
		return
	}
	offset, err := parseOffset(q)
	if err != nil {
		s.badRequest(w, r.version, err.Error())
		return
	}
	b := []byte(`{"data":[`)
	for i := offset; i < min(offset+limit, len(idx)); i++ {
		if i > offset {
			b = append(b, ',')
		}
		b = append(b, l.items[idx[i]].json...)
	}
	b = append(b, "],"...)
	b = s.appendOffsetMeta(b, l.path, q, offsetPage{count: len(idx), offset: offset, limit: limit})
	writeBody(w, mediaType(r.version), http.StatusOK, append(b, '}'))
}

// serveCursorList pages with opaque cursors (the item position, base 36).
func (s *Simulator) serveCursorList(w http.ResponseWriter, r *request, l *resourceList, q url.Values, idx []int, limit int) {
	start := 0
	hasPrev := false
	if after := q.Get("page[after]"); after != "" {
		pos, err := strconv.ParseInt(strings.TrimPrefix(after, "c"), 36, 64)
		if err != nil || !strings.HasPrefix(after, "c") {
			s.badRequest(w, r.version, "invalid cursor "+after)
			return
		}
		for start < len(idx) && int64(idx[start]) <= pos {
			start++
		}
		hasPrev = true
	}
	end := min(start+limit, len(idx))
	cursor := func(i int) string { return "c" + strconv.FormatInt(int64(idx[i]), 36) }
	b := []byte(`{"data":[`)
	for i := start; i < end; i++ {
		if i > start {
			b = append(b, ',')
		}
		item := l.items[idx[i]].json
		// add meta.page.cursor to the pre-marshalled object
		b = append(b, item[:len(item)-1]...)
		b = append(b, `,"meta":{"page":{"cursor":"`...)
		b = append(b, cursor(i)...)
		b = append(b, `"}}}`...)
	}
	b = append(b, `],"links":{`...)
	b = s.appendLink(b, "self", l.path, q, nil)
	b = s.appendLink(b, "first", l.path, q, url.Values{})
	var next, prev string
	if end < len(idx) && end > start {
		next = cursor(end - 1)
		b = s.appendLink(b, "next", l.path, q, url.Values{"page[after]": {next}})
	}
	if hasPrev && end > start {
		prev = cursor(start)
		b = s.appendLink(b, "prev", l.path, q, url.Values{"page[before]": {prev}})
	}
	b = append(b, `},"meta":{"pagination":{`...)
	b = kvInt(b, "limit", int64(limit))
	if next != "" {
		b = kvStr(b, "next", next)
	}
	if prev != "" {
		b = kvStr(b, "prev", prev)
	}
	b = append(b, `,"rangeTruncated":false}}}`...)
	writeBody(w, mediaType(r.version), http.StatusOK, b)
}
