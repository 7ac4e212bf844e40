package netbackup

import (
	"context"
	"iter"
	"net/url"
	"strconv"
	"sync"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// A long walk (a first start, a catch-up after an outage) is split into
// consecutive job-id ranges, each read by its own cursor chain, up to
// max_concurrency chains at once: the wall time approaches (pages /
// concurrency) round trips instead of pages round trips. The jobs are still
// handed over strictly in jobId order, so the walk's progress stays one
// number (AfterJobID) and exactly-once holds as with one chain. A range is
// read ahead only within a window of max_concurrency ranges, each at most
// backfillRangePages pages: memory stays flat whatever the backlog.
const (
	// backfillRangePages is the size of a range: that many pages of
	// consecutive ids (job ids are dense; a sparser range costs fewer pages).
	backfillRangePages = 10
	// backfillMinPages: with fewer ids than that many pages left after the
	// first page, the walk stays one chain (one extra request to learn it).
	backfillMinPages = 2 * backfillRangePages
	// backfillChainPages are read as one chain before the walk asks how far
	// it goes: a gather with up to that many pages of changed jobs pays no
	// extra request.
	backfillChainPages = 2
)

// walkItems is the walk's jobs from where it stands, in jobId order: one
// chain for short walks and offset-paged (API < 9.0) servers, id ranges
// read concurrently for long ones.
func (w *finishedWalker) walkItems(ctx context.Context, query url.Values) iter.Seq2[nbuapi.Resource[jobAttributes], error] {
	list := jobsList(w.srv, query)
	if w.concurrency <= 1 || list.Paging != nbuapi.CursorPaging {
		return nbuapi.Items[jobAttributes](ctx, w.srv.client, list)
	}
	return func(yield func(nbuapi.Resource[jobAttributes], error) bool) {
		// The first pages as one chain: a steady-state walk ends there.
		chain := nbuapi.NewPager[jobAttributes](w.srv.client, list)
		var last int64
		for range backfillChainPages {
			items, err := chain.Next(ctx)
			if err != nil {
				yield(nbuapi.Resource[jobAttributes]{}, err)
				return
			}
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			if chain.Done() {
				return
			}
			last = jobItemID(&items[len(items)-1])
		}
		top, err := w.highestJobID(ctx, query)
		if err != nil || top-last < backfillMinPages*walkPageLimit {
			// Short (or the server cannot say): the rest of the one chain.
			drain(ctx, chain, yield)
			return
		}
		w.ranges(ctx, query, last, top, backfillRangePages*walkPageLimit, yield)
	}
}

// drain yields the items of the pages p has not read yet.
func drain[A any](ctx context.Context, p *nbuapi.Pager[A], yield func(nbuapi.Resource[A], error) bool) {
	for !p.Done() {
		items, err := p.Next(ctx)
		if err != nil {
			yield(nbuapi.Resource[A]{}, err)
			return
		}
		for _, item := range items {
			if !yield(item, nil) {
				return
			}
		}
	}
}

// highestJobID is the highest job id the walk's filter matches now (0 when
// none): one item sorted by descending jobId.
func (w *finishedWalker) highestJobID(ctx context.Context, query url.Values) (int64, error) {
	q := withParam(query, "sort", "-jobId")
	items, err := nbuapi.NewPager[jobAttributes](w.srv.client, nbuapi.List{Path: jobsPath, Query: q, Limit: 1}).Next(ctx)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	return jobItemID(&items[0]), nil
}

// jobPages is what a range's chain produced, one page at a time.
type jobPages struct {
	items []nbuapi.Resource[jobAttributes]
	err   error
}

// ranges reads the ids above after in ranges of size ids, the last range
// open-ended (it also finds the jobs newer than top), and yields them in
// order. At most w.concurrency ranges are read or held at a time.
func (w *finishedWalker) ranges(ctx context.Context, query url.Values, after, top, size int64,
	yield func(nbuapi.Resource[jobAttributes], error) bool) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel (deferred below, runs first): no goroutine outlives the walk
	defer cancel()

	window := make(chan struct{}, w.concurrency) // a token per range read or held
	order := make(chan chan jobPages, w.concurrency)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(order)
		for from := after; ; from += size {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			out := make(chan jobPages, backfillRangePages+1)
			order <- out // never blocks: at most w.concurrency ranges are open
			last := from+size >= top
			upTo := int64(0)
			if !last {
				upTo = from + size
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				w.readRange(ctx, query, from, upTo, out)
			}()
			if last {
				return
			}
		}
	}()

	for out := range order {
		for p := range out {
			if p.err != nil {
				yield(nbuapi.Resource[jobAttributes]{}, p.err)
				return
			}
			for _, item := range p.items {
				if !yield(item, nil) {
					return
				}
			}
		}
		<-window
	}
}

// readRange reads the jobs with after < jobId <= upTo (no upper bound when
// upTo is 0) and sends them page by page; it closes out when done.
func (w *finishedWalker) readRange(ctx context.Context, query url.Values, after, upTo int64, out chan<- jobPages) {
	defer close(out)
	filter := query.Get("filter") + " and jobId gt " + strconv.FormatInt(after, 10)
	if upTo > 0 {
		filter += " and jobId le " + strconv.FormatInt(upTo, 10)
	}
	q := withParam(query, "filter", filter)
	send := func(p jobPages) bool {
		select {
		case out <- p:
			return true
		case <-ctx.Done():
			return false
		}
	}
	buf := make([]nbuapi.Resource[jobAttributes], 0, walkPageLimit)
	for item, err := range nbuapi.Items[jobAttributes](ctx, w.srv.client, jobsList(w.srv, q)) {
		if err != nil {
			send(jobPages{err: err})
			return
		}
		buf = append(buf, item)
		if len(buf) == walkPageLimit {
			if !send(jobPages{items: buf}) {
				return
			}
			buf = make([]nbuapi.Resource[jobAttributes], 0, walkPageLimit)
		}
	}
	if len(buf) > 0 {
		send(jobPages{items: buf})
	}
}

// jobItemID is the item's job id: the jobId attribute, else the resource id.
func jobItemID(item *nbuapi.Resource[jobAttributes]) int64 {
	if item.Attributes.JobID.Set {
		return item.Attributes.JobID.V
	}
	id, _ := strconv.ParseInt(item.ID, 10, 64)
	return id
}

// withParam is a copy of query with name set to value.
func withParam(query url.Values, name, value string) url.Values {
	q := make(url.Values, len(query)+1)
	for k, v := range query {
		q[k] = v
	}
	q.Set(name, value)
	return q
}
