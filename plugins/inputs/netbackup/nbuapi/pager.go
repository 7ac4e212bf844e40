package nbuapi

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"
)

// Paging is how a collection is paged: per endpoint, not per server.
type Paging int

const (
	// CursorPaging follows meta.pagination.next with page[after].
	CursorPaging Paging = iota
	// OffsetPaging steps page[offset] as meta.pagination.next says.
	OffsetPaging
)

// List names a collection: the endpoint, the filter and sort of the
// caller, the page size and how the endpoint pages.
type List struct {
	Path   string     // relative to /netbackup, e.g. "/admin/jobs"
	Query  url.Values // filter, sort, ...; page[...] parameters are the pager's
	Limit  int        // page[limit]
	Paging Paging
}

// Pager reads a collection one page at a time, when the caller asks for
// the next one, so that no caller ever holds more than the page it works
// on. It is the only place that knows how NetBackup pages.
type Pager[A any] struct {
	client *Client
	list   List
	query  url.Values
	offset int64
	seen   map[string]bool // cursors followed, so that a repeated one ends the walk
	stuck  error           // why the walk cannot go on after the page handed over last
	done   bool
}

// NewPager returns a pager positioned before the first page.
func NewPager[A any](c *Client, l List) *Pager[A] {
	q := cloneQuery(l.Query)
	q.Set("page[limit]", strconv.Itoa(l.Limit))
	return &Pager[A]{client: c, list: l, query: q}
}

// Done reports that the collection has been read to its end (or that a
// page failed, or that the walk could not go on and Next said why): Next
// would return nothing more.
func (p *Pager[A]) Done() bool { return p.done }

// Next requests the next page. After an error the pager is done: a page
// cursor may have expired, so a caller that wants to go on starts a new
// pager from what it has handled.
func (p *Pager[A]) Next(ctx context.Context) ([]Resource[A], error) {
	if p.done {
		return nil, nil
	}
	if p.stuck != nil {
		p.done = true
		return nil, p.stuck
	}
	if p.list.Paging == OffsetPaging {
		p.query.Set("page[offset]", strconv.FormatInt(p.offset, 10))
	}
	var pg Page[A]
	if err := p.client.Get(ctx, p.list.Path, p.query, &pg); err != nil {
		p.done = true
		return nil, err
	}
	// A page that cannot be followed is still handed over; the next call
	// says why the walk stops, so that the list does not look complete.
	p.stuck = p.advance(&pg)
	return pg.Data, nil
}

// advance moves past pg, or ends the walk when pg was the last page. The
// error is a next page the walk cannot follow without looping.
func (p *Pager[A]) advance(pg *Page[A]) error {
	next := pg.nextText()
	if next == "" || len(pg.Data)+len(pg.Skipped) == 0 {
		p.done = true
		return nil
	}
	switch p.list.Paging {
	case CursorPaging:
		if p.seen == nil {
			p.seen = make(map[string]bool)
		}
		if p.seen[next] {
			return fmt.Errorf("GET %s: the server sent the next-page cursor %q a second time; the walk stops rather than loop, "+
				"and the list is incomplete", p.list.Path, sanitizeSnippet(next))
		}
		p.seen[next] = true
		p.query.Set("page[after]", next)
	case OffsetPaging:
		if last := pg.last; last != nil && p.offset >= *last {
			p.done = true // this was the last page
			return nil
		}
		// Follow the server's next offset, not offset+limit: it may cap
		// page[limit], so a short page is not always the last one.
		n, err := strconv.ParseInt(next, 10, 64)
		if err != nil || n <= p.offset {
			return fmt.Errorf("GET %s: the next page's offset %s does not move past the current one (%d); the walk stops rather than loop, "+
				"and the list is incomplete", p.list.Path, sanitizeSnippet(next), p.offset)
		}
		p.offset = n
	}
	return nil
}

// Items walks a whole collection item by item, one page in memory at a
// time. A failed page yields (zero, err) once and ends the walk.
func Items[A any](ctx context.Context, c *Client, l List) iter.Seq2[Resource[A], error] {
	return func(yield func(Resource[A], error) bool) {
		p := NewPager[A](c, l)
		for !p.Done() {
			items, err := p.Next(ctx)
			if err != nil {
				yield(Resource[A]{}, err)
				return
			}
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}
