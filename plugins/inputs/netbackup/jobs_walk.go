package netbackup

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// finishedWalker reads the finished jobs (state DONE) changed since its
// cursor, exactly once each, and hands them to a callback in jobId order. It
// is shared by the jobs and backup_status collectors, each with its own
// state.
//
// The walk filters "state eq 'DONE' and lastUpdateTime gt <cursor -
// overlap>" (endTime before API 10.0, which cannot filter on
// lastUpdateTime), sorted by jobId. Its progress is the last jobId handled:
// a walk interrupted by max_jobs_per_gather, a failed page or the gather
// deadline continues with "jobId gt <last>" in the next gather. Only when a
// walk completes does the cursor move, to the server time at the START of
// the walk: a job updated during the walk with a lower id than the walk had
// reached is read by the next walk. The overlap re-reads jobs that became
// visible after their lastUpdateTime; the seen set skips those already
// handled.
type finishedWalker struct {
	srv         *server
	name        string // the collector, for messages
	extraFilter string // ANDed to the filter, e.g. "jobType eq 'BACKUP'"
	concurrency int    // max_concurrency: id-range chains of a long walk
	// readAhead holds a token per page read ahead of the walk, shared by
	// every walk of the plugin (see ranges).
	readAhead    chan struct{}
	lookback     time.Duration
	overlap      time.Duration
	maxPerGather int

	mu    sync.Mutex
	state *jobsState
}

// walkPageLimit is the page size: the jobs API maximum.
const walkPageLimit = 100

// walkRestarts is how many times one gather restarts a walk's page chain
// after a failed page (an expired cursor, a request that failed after its
// retries) before it gives up until the next gather.
const walkRestarts = 3

func newFinishedWalker(srv *server, extraFilter string, lookback, overlap time.Duration, maxPerGather int) *finishedWalker {
	return &finishedWalker{
		srv:          srv,
		extraFilter:  extraFilter,
		lookback:     lookback,
		overlap:      overlap,
		maxPerGather: maxPerGather,
		state:        newJobsState(),
	}
}

// run advances the walk by at most maxPerGather jobs. handle is called for
// every job not handled before; once it returns, the job counts as handled
// (its progress is in the state saveState returns). The error says why the
// walk stopped early; what was handled before it stays handled.
func (w *finishedWalker) run(ctx context.Context, handle func(*jobAttributes)) (handled int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()

	now := w.srv.now()
	byEndTime := w.srv.version().OlderThan(10, 0)

	st := w.state
	w.clampToServerClock(now)
	if st.Walk == nil {
		from := st.Cursor.Add(-w.overlap)
		if st.Cursor.IsZero() || st.Floor.IsZero() {
			// First start (or a state from before the floor existed):
			// the lookback window on the server's clock.
			st.Floor = now.Add(-w.lookback)
			from = st.Floor
		}
		st.Walk = &jobsWalk{From: from, Until: now, ByEndTime: byEndTime}
		st.pruneSeen(from)
	}
	walk := st.Walk
	if walk.ByEndTime != byEndTime {
		// The server changed API version mid-walk: go on on the attribute
		// it can filter, after the last job handled. Nothing below it is
		// new to the other filter: a job that ended after From was also
		// updated after it, and one updated after From that ended before
		// it was reported by an earlier walk.
		walk.ByEndTime = byEndTime
	}
	seenFrom := walk.Until.Add(-w.overlap - seenMargin)

	var lastErr error
	for attempt := 0; attempt <= walkRestarts; attempt++ {
		query := url.Values{}
		query.Set("filter", w.filter(walk, st.Floor))
		query.Set("sort", "jobId")
		complete := true
		lastErr = nil
		for item, err := range w.walkItems(ctx, query) {
			if err != nil {
				lastErr = err
				complete = false
				break
			}
			a := &item.Attributes
			id := a.JobID.V
			if !a.JobID.Set {
				id, _ = strconv.ParseInt(item.ID, 10, 64)
				a.JobID = nbuapi.Int{V: id, Set: true}
			}
			if id <= walk.AfterJobID {
				continue // a server ignoring "jobId gt": already handled
			}
			walk.AfterJobID = id
			if _, dup := st.Seen[id]; dup || a.State != jobStateDone {
				continue
			}
			if !a.EndTime.IsZero() && !a.EndTime.After(st.Floor) {
				continue
			}
			handle(a)
			handled++
			if at := filteredInstant(a, walk.ByEndTime); at.After(seenFrom) {
				st.Seen[id] = at
			}
			if handled >= w.maxPerGather {
				// The rest of the walk is for the next gathers.
				return handled, nil
			}
		}
		if complete && ctx.Err() != nil {
			// A walk interrupted by the gather's end may look complete to
			// a reader that stopped quietly: keep it, the next gather goes
			// on after the last job handled (nothing lost, nothing twice).
			complete, lastErr = false, ctx.Err()
		}
		if complete {
			st.Cursor = walk.Until
			st.Walk = nil
			return handled, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return handled, fmt.Errorf("reading finished jobs (continuing after job %d next gather): %w", walk.AfterJobID, lastErr)
}

// filter is the walk's OData filter from where it stands.
func (w *finishedWalker) filter(walk *jobsWalk, floor time.Time) string {
	parts := []string{"state eq 'DONE'"}
	if walk.ByEndTime {
		from := walk.From
		if floor.After(from) {
			from = floor
		}
		parts = append(parts, "endTime gt "+nbuapi.ODataTime(from))
	} else {
		parts = append(parts, "lastUpdateTime gt "+nbuapi.ODataTime(walk.From), "endTime gt "+nbuapi.ODataTime(floor))
	}
	if w.extraFilter != "" {
		parts = append(parts, w.extraFilter)
	}
	if walk.AfterJobID > 0 {
		parts = append(parts, "jobId gt "+strconv.FormatInt(walk.AfterJobID, 10))
	}
	return strings.Join(parts, " and ")
}

// jobsPath lists jobs.
const jobsPath = "/admin/jobs"

// jobItems is /admin/jobs the way the server's API version pages it.
func jobItems(ctx context.Context, srv *server, query url.Values) iter.Seq2[nbuapi.Resource[jobAttributes], error] {
	return nbuapi.Items[jobAttributes](ctx, srv.client, jobsList(srv, query))
}

// jobsList is /admin/jobs with cursor paging (API >= 9.0) or offset paging.
func jobsList(srv *server, query url.Values) nbuapi.List {
	paging := nbuapi.CursorPaging
	if srv.version().OlderThan(9, 0) {
		paging = nbuapi.OffsetPaging
	}
	return nbuapi.List{Path: jobsPath, Query: query, Limit: walkPageLimit, Paging: paging}
}

// filteredInstant is the value of the attribute the walk filters on.
func filteredInstant(a *jobAttributes, byEndTime bool) time.Time {
	if byEndTime || a.LastUpdateTime.IsZero() {
		return a.EndTime.Time
	}
	return a.LastUpdateTime.Time
}

func (w *finishedWalker) loadState(data []byte) error {
	st, err := decodeJobsState(data)
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.state = st
	w.mu.Unlock()
	return nil
}

func (w *finishedWalker) saveState() ([]byte, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.state == nil {
		return nil, errors.New("no jobs state")
	}
	return w.state.encode()
}
