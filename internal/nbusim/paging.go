package nbusim

import (
	"net/url"
	"strconv"
)

// appendLink writes "name":{"href":"<absolute url>"}. With set == nil the
// request's own query is used (self); otherwise the paging parameters are
// replaced by set.
func (s *Simulator) appendLink(b []byte, name, path string, q url.Values, set url.Values) []byte {
	query := q
	if set != nil {
		query = make(url.Values, len(q)+len(set))
		for k, v := range q {
			switch k {
			case "page[after]", "page[before]", "page[offset]":
				continue
			}
			query[k] = v
		}
		for k, v := range set {
			query[k] = v
		}
	}
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, `":{"href":`...)
	href := s.absBase + path
	if enc := query.Encode(); enc != "" {
		href += "?" + enc
	}
	b = appendString(b, href)
	return append(b, '}')
}

// offsetPage is the state of one offset-paged answer.
type offsetPage struct{ count, offset, limit int }

// appendOffsetMeta writes "links":{...},"meta":{"pagination":{...}} of the
// offset paging style (count, pages, page, offset, limit, first, last, next,
// prev: first/last/next/prev are offsets; next is omitted on the last page).
func (s *Simulator) appendOffsetMeta(b []byte, path string, q url.Values, p offsetPage) []byte {
	pages, last := 0, 0
	if p.limit > 0 && p.count > 0 {
		pages = (p.count + p.limit - 1) / p.limit
		last = (pages - 1) * p.limit
	}
	hasNext := p.limit > 0 && p.offset+p.limit < p.count
	prev := max(p.offset-p.limit, 0)
	off := func(n int) url.Values {
		return url.Values{"page[offset]": {strconv.Itoa(n)}, "page[limit]": {strconv.Itoa(p.limit)}}
	}
	b = append(b, `"links":{`...)
	b = s.appendLink(b, "self", path, q, nil)
	b = s.appendLink(b, "first", path, q, off(0))
	b = s.appendLink(b, "last", path, q, off(last))
	if hasNext {
		b = s.appendLink(b, "next", path, q, off(p.offset+p.limit))
	}
	if p.offset > 0 {
		b = s.appendLink(b, "prev", path, q, off(prev))
	}
	b = append(b, `},"meta":{"pagination":{`...)
	page := 0
	if p.limit > 0 && p.count > 0 {
		page = p.offset/p.limit + 1
	}
	b = kvInt(b, "count", int64(p.count))
	b = kvInt(b, "pages", int64(pages))
	b = kvInt(b, "page", int64(page))
	b = kvInt(b, "offset", int64(p.offset))
	b = kvInt(b, "limit", int64(p.limit))
	b = kvInt(b, "first", 0)
	b = kvInt(b, "last", int64(last))
	if hasNext {
		b = kvInt(b, "next", int64(p.offset+p.limit))
	}
	b = kvInt(b, "prev", int64(prev))
	return append(b, "}}"...)
}
