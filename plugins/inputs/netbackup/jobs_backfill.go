package netbackup

import (
	"cmp"
	"context"
	"errors"
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
// number (AfterJobID) and exactly-once holds as with one chain.
//
// Memory stays flat whatever the backlog and however many servers walk at
// once: a range is read ahead only within a window of max_concurrency
// ranges, and each page read ahead (before the walk has reached its range)
// holds one of the plugin's read-ahead tokens, as many as
// max_concurrent_requests, until the walk has handed its jobs over. The
// range the walk has reached needs no token: its reader hands the rest of
// its chain to the walk, which reads it page by page as a short walk does.
// So a waiting reader never holds up the walk it reads for.
//
// The ranges follow the data, not the id space: job ids may be sparse (a
// second id range, a restored catalog, a job that ran for days), so the
// walk asks the server how many jobs a range holds (jobs-count-requests
// takes the walk's own filter) and splits only where there are jobs. A
// range about as dense as the ids it spans is cut into equal parts without
// asking further; a sparse one is halved and counted again. Each range
// holds about backfillRangeJobs jobs; ranges the count finds empty are
// merged into their neighbour, so the ranges still cover every id (a job
// that finishes during the walk is never skipped).
const (
	// backfillRangeJobs is what a range should hold: that many pages.
	backfillRangeJobs = 10 * walkPageLimit
	// backfillMinJobs: with fewer jobs than that left after the first
	// pages, the walk stays one chain.
	backfillMinJobs = 2 * backfillRangeJobs
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
			if len(items) > 0 {
				last = jobItemID(&items[len(items)-1])
			}
		}
		top, left, err := w.extent(ctx, query, last)
		if err != nil || left < backfillMinJobs || top <= last {
			// Short (or the server cannot say): the rest of the one chain.
			drain(ctx, chain, yield)
			return
		}
		w.ranges(ctx, query, last, top, left, yield)
	}
}

// extent is how far the walk goes beyond after: the highest job id its
// filter matches now, and how many jobs it matches above after. The two
// requests go out together.
func (w *finishedWalker) extent(ctx context.Context, query url.Values, after int64) (top, left int64, err error) {
	var wg sync.WaitGroup
	var countErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		left, countErr = countJobs(ctx, w.srv, rangeFilter(query, after, 0))
	}()
	top, err = w.highestJobID(ctx, query)
	wg.Wait()
	if err == nil {
		err = countErr
	}
	return top, left, err
}

// drain yields the items of the pages p has not read yet; false when the
// walk stopped early or a page failed.
func drain[A any](ctx context.Context, p *nbuapi.Pager[A], yield func(nbuapi.Resource[A], error) bool) bool {
	for !p.Done() {
		items, err := p.Next(ctx)
		if err != nil {
			yield(nbuapi.Resource[A]{}, err)
			return false
		}
		for _, item := range items {
			if !yield(item, nil) {
				return false
			}
		}
	}
	return true
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

// idBounds is the lowest and the highest job id the walk's filter matches
// in (after, upTo] (0, 0 when none): two one-item requests, sent together.
func (w *finishedWalker) idBounds(ctx context.Context, query url.Values, after, upTo int64) (first, last int64, err error) {
	q := withParam(query, "filter", rangeFilter(query, after, upTo))
	var wg sync.WaitGroup
	var lastErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		last, lastErr = w.highestJobID(ctx, q)
	}()
	items, err := nbuapi.NewPager[jobAttributes](w.srv.client, nbuapi.List{Path: jobsPath, Query: withParam(q, "sort", "jobId"), Limit: 1}).Next(ctx)
	wg.Wait()
	if err == nil {
		err = lastErr
	}
	if err != nil || len(items) == 0 || last == 0 {
		return 0, 0, err
	}
	return jobItemID(&items[0]), last, nil
}

// jobPages is one page a range's chain read ahead, or why it stopped.
type jobPages struct {
	items []nbuapi.Resource[jobAttributes]
	err   error
	done  func() // gives the page's read-ahead token back (never nil)
}

// idRange is the jobs with after < jobId <= upTo; upTo 0 is no upper bound.
type idRange struct{ after, upTo int64 }

// rangeRead is one range being read.
type rangeRead struct {
	r     idRange
	pages chan jobPages // read ahead, in order; closed when the reader stops
	// reached is closed when the walk has reached the range: its reader
	// stops reading ahead and leaves the rest of its chain in rest.
	reached chan struct{}
	rest    *nbuapi.Pager[jobAttributes] // written before pages is closed
	// read is set, before pages is closed, when the reader sent every page
	// of the range: a reader that stopped for the context did not.
	read bool
}

// ranges reads the ids above after, holding about left jobs up to top, in
// ranges planned from the counts, the last one open-ended (it also finds
// the jobs newer than top), and yields them in order. At most
// w.concurrency ranges are read or held at a time.
func (w *finishedWalker) ranges(ctx context.Context, query url.Values, after, top, left int64,
	yield func(nbuapi.Resource[jobAttributes], error) bool) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	window := make(chan struct{}, w.concurrency) // a token per range read or held
	order := make(chan *rangeRead, w.concurrency)
	var current *rangeRead
	defer func() {
		// No goroutine outlives the walk, and no page it did not hand
		// over keeps its token.
		cancel()
		wg.Wait()
		if current != nil {
			discardPages(current)
		}
		for rr := range order {
			discardPages(rr)
		}
	}()
	planned := false // every range was handed to order (written before order is closed)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(order)
		start := func(r idRange) bool {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return false
			}
			rr := &rangeRead{r: r, pages: make(chan jobPages, backfillRangeJobs/walkPageLimit+1), reached: make(chan struct{})}
			order <- rr // never blocks: at most w.concurrency ranges are open
			wg.Add(1)
			go func() {
				defer wg.Done()
				w.readRange(ctx, query, rr)
			}()
			return true
		}
		planner := rangePlanner{
			count: func(lo, hi int64) (int64, error) {
				return countJobs(ctx, w.srv, rangeFilter(query, lo, hi))
			},
			bounds: func(lo, hi int64) (int64, int64, error) {
				return w.idBounds(ctx, query, lo, hi)
			},
		}
		planner.plan(after, top, left, start)
		planned = !planner.stopped
	}()

	for rr := range order {
		current = rr
		close(rr.reached)
		for p := range rr.pages {
			if p.err != nil {
				yield(nbuapi.Resource[jobAttributes]{}, p.err)
				return
			}
			for _, item := range p.items {
				if !yield(item, nil) {
					p.done()
					return
				}
			}
			p.done()
		}
		switch {
		case rr.rest != nil:
			if !drain(ctx, rr.rest, yield) {
				return
			}
		case !rr.read:
			// The reader stopped before the end of its range: the walk must
			// not go on to the next range, nor end as if complete.
			yield(nbuapi.Resource[jobAttributes]{}, cmp.Or(ctx.Err(), errRangeStopped))
			return
		}
		current = nil
		<-window
	}
	if !planned {
		yield(nbuapi.Resource[jobAttributes]{}, cmp.Or(ctx.Err(), errRangeStopped))
	}
}

var errRangeStopped = errors.New("a job range was not read to its end")

// discardPages gives back the tokens of the pages of rr the walk will not
// hand over; its reader has stopped.
func discardPages(rr *rangeRead) {
	for p := range rr.pages {
		p.done()
	}
}

// rangePlanner cuts (after, top] into ranges of about backfillRangeJobs
// jobs each, from the counts of the jobs they hold.
type rangePlanner struct {
	count  func(after, upTo int64) (int64, error)
	bounds func(after, upTo int64) (first, last int64, err error) // 0, 0 when empty
	// pending is where the next range starts: ranges found empty are not
	// read on their own but merged into the next one.
	pending int64
	top     int64 // the range ending at top is left open-ended
	emit    func(idRange) bool
	stopped bool
}

// plan emits the ranges in id order; the last one is open-ended (it also
// reads the jobs newer than top). It stops early when emit returns false.
func (p *rangePlanner) plan(after, top, jobs int64, emit func(idRange) bool) {
	p.pending, p.top, p.emit = after, top, emit
	p.split(after, top, jobs)
	if !p.stopped {
		p.emit(idRange{after: p.pending})
	}
}

// split plans (lo, hi], which holds about jobs jobs.
func (p *rangePlanner) split(lo, hi, jobs int64) {
	switch {
	case p.stopped || jobs <= 0:
		return
	case jobs <= backfillRangeJobs:
		p.cut(hi)
	case 2*jobs >= hi-lo:
		// Dense: equal parts, each holding at most its width (about two
		// ranges' worth at the worst).
		parts := (jobs + backfillRangeJobs - 1) / backfillRangeJobs
		width := (hi - lo + parts - 1) / parts
		for at := lo + width; at < hi && !p.stopped; at += width {
			p.cut(at)
		}
		p.cut(hi)
	default:
		// Sparse: first close in on the lowest and the highest id the range
		// holds (a cluster far from both ends is found in one step), then,
		// if that is still sparse, halve and count the lower half.
		first, last, err := p.bounds(lo, hi)
		if err != nil {
			p.cut(hi) // the server cannot say: one chain reads (lo, hi]
			return
		}
		if first == 0 {
			return // nothing there now: merged into the next range
		}
		lo, hi = max(lo, first-1), min(hi, last)
		if jobs <= backfillRangeJobs || 2*jobs >= hi-lo {
			p.split(lo, hi, jobs)
			return
		}
		mid := lo + (hi-lo)/2
		lower, err := p.count(lo, mid)
		if err != nil {
			p.cut(hi)
			return
		}
		p.split(lo, mid, lower)
		p.split(mid, hi, max(jobs-lower, 0))
	}
}

// cut ends the pending range at upTo: the range before it is emitted, the
// one from upTo on becomes pending.
func (p *rangePlanner) cut(upTo int64) {
	if p.stopped || upTo <= p.pending || upTo >= p.top {
		return
	}
	if !p.emit(idRange{after: p.pending, upTo: upTo}) {
		p.stopped = true
		return
	}
	p.pending = upTo
}

// rangeFilter is the walk's filter restricted to after < jobId <= upTo (no
// upper bound when upTo is 0).
func rangeFilter(query url.Values, after, upTo int64) string {
	filter := query.Get("filter") + " and jobId gt " + strconv.FormatInt(after, 10)
	if upTo > 0 {
		filter += " and jobId le " + strconv.FormatInt(upTo, 10)
	}
	return filter
}

// readRange reads the pages of rr ahead of the walk, each under a
// read-ahead token, until the walk reaches rr: then it leaves the rest of
// its chain to the walk. It closes rr.pages when it stops.
func (w *finishedWalker) readRange(ctx context.Context, query url.Values, rr *rangeRead) {
	defer close(rr.pages)
	q := withParam(query, "filter", rangeFilter(query, rr.r.after, rr.r.upTo))
	pager := nbuapi.NewPager[jobAttributes](w.srv.client, jobsList(w.srv, q))
	for !pager.Done() {
		done, reached, err := w.readAheadToken(ctx, rr.reached)
		if err != nil {
			return
		}
		if reached {
			rr.rest = pager
			return
		}
		items, err := pager.Next(ctx)
		page := jobPages{items: items, done: done}
		if err != nil {
			done()
			page = jobPages{err: err, done: func() {}}
		}
		select {
		case rr.pages <- page:
		case <-ctx.Done():
			page.done()
			return
		}
		if err != nil {
			return
		}
	}
	rr.read = true
}

// readAheadToken waits for a read-ahead token (done gives it back), or for
// the walk to reach the range (reached).
func (w *finishedWalker) readAheadToken(ctx context.Context, walkReached <-chan struct{}) (done func(), reached bool, err error) {
	select {
	case <-walkReached:
		return nil, true, nil
	default:
	}
	select {
	case w.readAhead <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-w.readAhead }) }, false, nil
	case <-walkReached:
		return nil, true, nil
	case <-ctx.Done():
		return nil, false, ctx.Err()
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
