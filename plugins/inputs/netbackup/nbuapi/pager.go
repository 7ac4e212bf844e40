package netbackup

import (
	"context"
	"encoding/json"
	"iter"
	"maps"
	"net/url"
	"strconv"
	"strings"
)

// resource is one JSON:API item.
type resource[A any] struct {
	Type          string                  `json:"type"`
	ID            string                  `json:"id"`
	Attributes    A                       `json:"attributes"`
	Relationships map[string]relationship `json:"relationships"`
	Meta          struct {
		Page struct {
			Cursor string `json:"cursor"`
		} `json:"page"`
	} `json:"meta"`
}

// relationship is a JSON:API relationship; its data is one {type,id}, a
// list of them, or null.
type relationship struct {
	Data json.RawMessage `json:"data"`
}

type resourceIdentifier struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// ids lists the ids the relationship points to.
func (r relationship) ids() []string {
	data := strings.TrimSpace(string(r.Data))
	if data == "" || data == "null" {
		return nil
	}
	if strings.HasPrefix(data, "[") {
		var list []resourceIdentifier
		if err := json.Unmarshal(r.Data, &list); err != nil {
			return nil
		}
		ids := make([]string, 0, len(list))
		for _, item := range list {
			ids = append(ids, item.ID)
		}
		return ids
	}
	var one resourceIdentifier
	if err := json.Unmarshal(r.Data, &one); err != nil || one.ID == "" {
		return nil
	}
	return []string{one.ID}
}

// page is one collection page; next is a cursor (string) or an offset
// (number), absent on the last page.
type page[A any] struct {
	Data []resource[A] `json:"data"`
	Meta struct {
		Pagination struct {
			Next   json.RawMessage `json:"next"`
			Last   *int64          `json:"last"`
			Offset *int64          `json:"offset"`
		} `json:"pagination"`
	} `json:"meta"`
}

// nextText is meta.pagination.next as text, "" when absent or null.
func (p *page[A]) nextText() string {
	raw := strings.TrimSpace(string(p.Meta.Pagination.Next))
	if raw == "" || raw == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(p.Meta.Pagination.Next, &s); err == nil {
		return s
	}
	return raw // a number
}

// cursorItems walks a cursor-paged collection: page[limit], then
// page[after]=meta.pagination.next until next is empty. Items are yielded
// as each page arrives. A failed page yields (zero, err) once and stops.
func cursorItems[A any](ctx context.Context, c *client, path string, query url.Values, limit int) iter.Seq2[resource[A], error] {
	return func(yield func(resource[A], error) bool) {
		q := cloneQuery(query)
		q.Set("page[limit]", strconv.Itoa(limit))
		seen := make(map[string]bool)
		for {
			var p page[A]
			if err := c.get(ctx, path, q, &p); err != nil {
				var zero resource[A]
				yield(zero, err)
				return
			}
			for _, item := range p.Data {
				if !yield(item, nil) {
					return
				}
			}
			next := p.nextText()
			// A server repeating a cursor would loop forever.
			if next == "" || len(p.Data) == 0 || seen[next] {
				return
			}
			seen[next] = true
			q.Set("page[after]", next)
		}
	}
}

// offsetItems walks an offset-paged collection: page[offset]=0, limit, ...
// following meta.pagination.next; it stops when next is absent, at the
// last offset, or on an empty page.
func offsetItems[A any](ctx context.Context, c *client, path string, query url.Values, limit int) iter.Seq2[resource[A], error] {
	return func(yield func(resource[A], error) bool) {
		q := cloneQuery(query)
		q.Set("page[limit]", strconv.Itoa(limit))
		offset := int64(0)
		for {
			q.Set("page[offset]", strconv.FormatInt(offset, 10))
			var p page[A]
			if err := c.get(ctx, path, q, &p); err != nil {
				var zero resource[A]
				yield(zero, err)
				return
			}
			for _, item := range p.Data {
				if !yield(item, nil) {
					return
				}
			}
			if len(p.Data) == 0 {
				return
			}
			if last := p.Meta.Pagination.Last; last != nil && offset >= *last {
				return // this was the last page
			}
			text := p.nextText()
			if text == "" {
				return // no next page announced
			}
			// Follow the server's next offset, not offset+limit: it may cap
			// page[limit], so a short page is not always the last one.
			next, err := strconv.ParseInt(text, 10, 64)
			if err != nil || next <= offset {
				return // no progress: stop rather than loop
			}
			offset = next
		}
	}
}

func cloneQuery(q url.Values) url.Values {
	out := make(url.Values, len(q)+2)
	for k, v := range maps.All(q) {
		out[k] = append([]string(nil), v...)
	}
	return out
}
