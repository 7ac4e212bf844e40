package nbusim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
)

const (
	jobsDefaultLimit = 10
	jobsMaxLimit     = 100
	jobsMaxLimit40   = 1000 // API 4.0 states no maximum; keep responses bounded
)

var pagePool = sync.Pool{New: func() any { b := make([]byte, 0, 256<<10); return &b }}

// jobQuery is a parsed GET /admin/jobs request.
type jobQuery struct {
	q      url.Values
	filter *Filter
	sort   jobSort
	limit  int
	now    int64
	lo, hi int64    // candidate id range
	cur    *jobView // the job being matched (read by get)
	get    func(string) (any, bool)

	// Cheap pre-checks from the filter's time bounds (0 = none): a job whose
	// end is before minEndMs cannot have lastUpdateTime/endTime >= it.
	minEndMs, minSubmitMs int64
}

// setTimeBounds derives the pre-checks from the filter.
func (jq *jobQuery) setTimeBounds() {
	if jq.filter == nil {
		return
	}
	for _, attr := range [...]string{"lastUpdateTime", "endTime"} {
		if lo, _, ok := jq.filter.TimeBounds(attr); ok && !lo.IsZero() && lo.UnixMilli() > 0 {
			jq.minEndMs = max(jq.minEndMs, lo.UnixMilli())
		}
	}
	if lo, _, ok := jq.filter.TimeBounds("startTime"); ok && !lo.IsZero() {
		jq.minSubmitMs = lo.UnixMilli()
	}
}

// skip tells, from the job's times only, that it cannot match.
func (jq *jobQuery) skip(m *jobModel, id int64) bool {
	if jq.minEndMs == 0 && jq.minSubmitMs == 0 {
		return false
	}
	p := m.planTimes(id)
	return p.endMs < jq.minEndMs || p.submitMs < jq.minSubmitMs
}

func (jq *jobQuery) matches(v *jobView) bool {
	if jq.filter == nil {
		return true
	}
	jq.cur = v
	return jq.filter.Match(jq.get)
}

func (s *Simulator) handleJobs(w http.ResponseWriter, r *request, rest string) {
	if rest != "" {
		s.handleJob(w, r, rest)
		return
	}
	jq := &jobQuery{q: r.URL.Query(), now: s.nowMs()}
	jq.get = func(a string) (any, bool) { return jq.cur.attr(a) }
	var err error
	if raw := jq.q.Get("filter"); raw != "" {
		if jq.filter, err = parseFilter(raw); err != nil {
			s.badRequest(w, r.version, "invalid filter: "+err.Error())
			return
		}
	}
	if jq.sort, err = parseJobSort(jq.q.Get("sort")); err != nil {
		s.badRequest(w, r.version, err.Error())
		return
	}
	maxLimit := jobsMaxLimit
	if !r.version.cursorPagedJobs() {
		maxLimit = jobsMaxLimit40
	}
	if jq.limit, err = parseLimit(jq.q, jobsDefaultLimit, maxLimit); err != nil {
		s.badRequest(w, r.version, err.Error())
		return
	}
	jq.lo, jq.hi = s.jobIDRange(jq.filter, jq.now)
	jq.setTimeBounds()
	if s.cfg.NoRights {
		jq.lo, jq.hi = 1, 0
	}
	if r.version.cursorPagedJobs() {
		s.jobsCursorPage(w, r, jq)
	} else {
		s.jobsOffsetPage(w, r, jq)
	}
}

// jobsCursorPage answers API >= 9.0: page[after]/page[before] cursors.
func (s *Simulator) jobsCursorPage(w http.ResponseWriter, r *request, jq *jobQuery) {
	after, before := jq.q.Get("page[after]"), jq.q.Get("page[before]")
	var items []jobView
	var more, hasPrev bool
	var err error
	if jq.sort.byID() {
		items, more, hasPrev, err = s.idOrderedPage(jq, after, before)
	} else {
		items, more, hasPrev, err = s.keyOrderedPage(jq, after, before)
	}
	if err != nil {
		s.badRequest(w, r.version, err.Error())
		return
	}
	bp := pagePool.Get().(*[]byte)
	b := (*bp)[:0]
	b = append(b, `{"data":[`...)
	cursors := make([]string, len(items))
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		cursors[i] = jobCursor(jq.sort, &items[i])
		b = s.appendJob(b, &items[i], r.version, cursors[i])
	}
	b = append(b, `],"links":{`...)
	b = s.appendLink(b, "self", "/admin/jobs", jq.q, nil)
	b = s.appendLink(b, "first", "/admin/jobs", jq.q, url.Values{})
	var next, prev string
	if more && len(items) > 0 {
		next = cursors[len(cursors)-1]
		b = s.appendLink(b, "next", "/admin/jobs", jq.q, url.Values{"page[after]": {next}})
	}
	if hasPrev && len(items) > 0 {
		prev = cursors[0]
		b = s.appendLink(b, "prev", "/admin/jobs", jq.q, url.Values{"page[before]": {prev}})
	}
	b = append(b, `},"meta":{"pagination":{`...)
	b = kvInt(b, "limit", int64(jq.limit))
	if next != "" {
		b = kvStr(b, "next", next)
	}
	if prev != "" {
		b = kvStr(b, "prev", prev)
	}
	b = append(b, `,"rangeTruncated":false}}}`...)
	writeBody(w, mediaType(r.version), http.StatusOK, b)
	*bp = b
	pagePool.Put(bp)
}

// idOrderedPage walks ids from the cursor in the requested direction: a page
// costs O(limit) (plus the non-matching ids skipped by a filter).
func (s *Simulator) idOrderedPage(jq *jobQuery, after, before string) (items []jobView, more, hasPrev bool, err error) {
	desc := jq.sort.desc
	start, step := jq.hi, int64(-1)
	if !desc {
		start, step = jq.lo, 1
	}
	backward := false
	switch {
	case after != "":
		_, c, err := parseJobCursor(jq.sort, after)
		if err != nil {
			return nil, false, false, err
		}
		start, hasPrev = s.jobs.ids.next(c, step), true
	case before != "":
		_, c, err := parseJobCursor(jq.sort, before)
		if err != nil {
			return nil, false, false, err
		}
		start, step, backward, more = s.jobs.ids.next(c, -step), -step, true, true
	}
	items = make([]jobView, 0, jq.limit+1)
	for id := start; id >= jq.lo && id <= jq.hi && len(items) <= jq.limit; id += step {
		if jq.skip(s.jobs, id) {
			continue
		}
		v := s.jobs.at(id, jq.now)
		if jq.matches(&v) {
			items = append(items, v)
		}
	}
	if len(items) > jq.limit {
		items = items[:jq.limit]
		if backward {
			hasPrev = true
		} else {
			more = true
		}
	}
	if backward {
		slices.Reverse(items)
	}
	return items, more, hasPrev, nil
}

type keyedID struct{ key, id int64 }

func (a keyedID) less(b keyedID) bool { return a.key < b.key || (a.key == b.key && a.id < b.id) }

// orderedMatches lists every matching id of the candidate range in sort
// order: O(range), used for time sorts and offset paging.
func (s *Simulator) orderedMatches(jq *jobQuery) []keyedID {
	var out []keyedID
	if jq.hi >= jq.lo {
		out = make([]keyedID, 0, min(jq.hi-jq.lo+1, 1<<16))
	}
	for id := jq.lo; id <= jq.hi; id++ {
		if jq.filter == nil && jq.sort.byID() {
			out = append(out, keyedID{id, id})
			continue
		}
		if jq.skip(s.jobs, id) {
			continue
		}
		v := s.jobs.at(id, jq.now)
		if jq.matches(&v) {
			k := id
			if !jq.sort.byID() {
				k = sortKey(jq.sort, &v)
			}
			out = append(out, keyedID{k, id})
		}
	}
	if !jq.sort.byID() {
		slices.SortFunc(out, func(a, b keyedID) int {
			if a.less(b) {
				return -1
			}
			if b.less(a) {
				return 1
			}
			return 0
		})
	}
	if jq.sort.desc {
		slices.Reverse(out)
	}
	return out
}

func (s *Simulator) keyOrderedPage(jq *jobQuery, after, before string) (items []jobView, more, hasPrev bool, err error) {
	all := s.orderedMatches(jq)
	from, to := 0, len(all)
	isAfter := func(a, c keyedID) bool { // a comes after c in the order
		if jq.sort.desc {
			return a.less(c)
		}
		return c.less(a)
	}
	switch {
	case after != "":
		k, id, err := parseJobCursor(jq.sort, after)
		if err != nil {
			return nil, false, false, err
		}
		c := keyedID{k, s.jobs.ids.indexAtLeast(id)}
		from, _ = slices.BinarySearchFunc(all, c, func(a, c keyedID) int {
			if isAfter(a, c) {
				return 1
			}
			return -1
		})
		hasPrev = true
	case before != "":
		k, id, err := parseJobCursor(jq.sort, before)
		if err != nil {
			return nil, false, false, err
		}
		c := keyedID{k, s.jobs.ids.indexAtLeast(id)}
		to, _ = slices.BinarySearchFunc(all, c, func(a, c keyedID) int {
			if isAfter(a, c) || a == c {
				return 1
			}
			return -1
		})
		from = max(0, to-jq.limit)
		hasPrev, more = from > 0, true
	}
	end := min(from+jq.limit, to)
	if before == "" && end < len(all) {
		more = true
	}
	for _, k := range all[from:end] {
		items = append(items, s.jobs.at(k.id, jq.now))
	}
	return items, more, hasPrev, nil
}

// jobsOffsetPage answers API < 9.0: page[offset] paging with counts.
func (s *Simulator) jobsOffsetPage(w http.ResponseWriter, r *request, jq *jobQuery) {
	offset, err := parseOffset(jq.q)
	if err != nil {
		s.badRequest(w, r.version, err.Error())
		return
	}
	all := s.orderedMatches(jq)
	count := len(all)
	end := min(offset+jq.limit, count)
	b := []byte(`{"data":[`)
	for i := offset; i < end; i++ {
		if i > offset {
			b = append(b, ',')
		}
		v := s.jobs.at(all[i].id, jq.now)
		b = s.appendJob(b, &v, r.version, "")
	}
	b = append(b, "],"...)
	b = s.appendOffsetMeta(b, "/admin/jobs", jq.q, offsetPage{count: count, offset: offset, limit: jq.limit})
	b = append(b, '}')
	writeBody(w, mediaType(r.version), http.StatusOK, b)
}

// handleJob answers GET /admin/jobs/{id}.
func (s *Simulator) handleJob(w http.ResponseWriter, r *request, rest string) {
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		s.notFound(w, r.version, "no job "+rest)
		return
	}
	now := s.nowMs()
	if s.cfg.NoRights {
		s.writeError(w, r.version, http.StatusUnauthorized, codeUnauthorized,
			"Authorization header is missing, the token is invalid, or you do not have permission for this action.")
		return
	}
	id, ok := s.jobs.ids.index(id)
	if !ok || !s.jobs.jobExists(id, now) {
		s.notFound(w, r.version, "job "+rest+" does not exist")
		return
	}
	v := s.jobs.at(id, now)
	b := append([]byte(`{"data":`), s.appendJob(nil, &v, r.version, "")...)
	writeBody(w, mediaType(r.version), http.StatusOK, append(b, '}'))
}

type jobCountRequest struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			Filter string `json:"filter"`
		} `json:"attributes"`
	} `json:"data"`
}

// handleJobsCount answers POST /admin/jobs-count-requests.
func (s *Simulator) handleJobsCount(w http.ResponseWriter, r *request, _ string) {
	var req jobCountRequest
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil && len(raw) > 0 {
		err = json.Unmarshal(raw, &req)
	}
	if err != nil {
		s.badRequest(w, r.version, "the request body is not valid JSON")
		return
	}
	jq := &jobQuery{now: s.nowMs(), sort: jobSort{key: "jobId"}}
	jq.get = func(a string) (any, bool) { return jq.cur.attr(a) }
	if f := req.Data.Attributes.Filter; f != "" {
		if jq.filter, err = parseFilter(f); err != nil {
			s.badRequest(w, r.version, "invalid filter: "+err.Error())
			return
		}
	}
	jq.lo, jq.hi = s.jobIDRange(jq.filter, jq.now)
	jq.setTimeBounds()
	var count int64
	switch {
	case s.cfg.NoRights:
	case jq.filter == nil:
		count = max(jq.hi-jq.lo+1, 0)
	default:
		from := jq.lo
		if onlyDoneInIDRange(jq.filter) {
			// The ids too old to be unfinished are all DONE: counted, not
			// built one by one (a million-job history costs a second).
			from = max(jq.lo, min(s.jobs.firstUnfinishableID(jq.now), jq.hi+1))
			count = from - jq.lo
		}
		count += s.countMatches(jq, from)
	}
	s.writeJSON(w, r.version, http.StatusOK, map[string]any{"data": map[string]any{
		"type": "jobCount",
		"id":   strconv.FormatInt(s.requests.nextID(), 10),
		"attributes": map[string]any{
			"count":  count,
			"filter": req.Data.Attributes.Filter,
		},
	}})
}

// countMatches counts the jobs of ids from..jq.hi that match jq's filter.
func (s *Simulator) countMatches(jq *jobQuery, from int64) int64 {
	var count int64
	for id := from; id <= jq.hi; id++ {
		if jq.skip(s.jobs, id) {
			continue
		}
		v := s.jobs.at(id, jq.now)
		if jq.matches(&v) {
			count++
		}
	}
	return count
}
