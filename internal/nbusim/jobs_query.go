package nbusim

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// jobStateDone is the state of a finished job.
const jobStateDone = "DONE"

// jobSort is the order requested with sort=: a key and a direction.
type jobSort struct {
	key  string // "jobId" (also used for startTime: submit is monotonic in id), "endTime", "lastUpdateTime"
	desc bool
	raw  string
}

func (o jobSort) byID() bool { return o.key == "jobId" }

// parseJobSort reads sort= (only the first key decides: the others could only
// break ties, and ids are unique).
func parseJobSort(raw string) (jobSort, error) {
	if raw == "" {
		return jobSort{key: "jobId", desc: true, raw: "-startTime"}, nil // documented default: -startTime
	}
	first, _, _ := strings.Cut(raw, ",")
	first = strings.TrimSpace(first)
	o := jobSort{raw: raw}
	if strings.HasPrefix(first, "-") {
		o.desc, first = true, first[1:]
	}
	switch first {
	case "jobId", "startTime":
		o.key = "jobId"
	case "endTime", "lastUpdateTime":
		o.key = first
	default:
		return o, fmt.Errorf("sorting on %q is not supported (supported: jobId, startTime, endTime, lastUpdateTime)", first)
	}
	return o, nil
}

// parseLimit reads page[limit]: default def, 0..max.
func parseLimit(q url.Values, def, maxLimit int) (int, error) {
	raw := q.Get("page[limit]")
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("page[limit] must be a non-negative integer, got %q", raw)
	}
	if n > maxLimit {
		return 0, fmt.Errorf("page[limit] %d exceeds the maximum of %d", n, maxLimit)
	}
	return n, nil
}

func parseOffset(q url.Values) (int, error) {
	raw := q.Get("page[offset]")
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("page[offset] must be a non-negative integer, got %q", raw)
	}
	return n, nil
}

// jobIDRange narrows the ids worth scanning for filter f at time now: jobId
// bounds directly, and time bounds through the submit-time monotonicity
// (every time of a job lies in [submit, submit+maxLife]).
func (s *Simulator) jobIDRange(f *Filter, now int64) (lo, hi int64) {
	m := s.jobs
	lo, hi = 1, m.maxIDAt(now)
	if f == nil {
		return lo, hi
	}
	if a, b, ok := f.Int64Bounds("jobId"); ok {
		lo, hi = max(lo, m.ids.indexAtLeast(a)), min(hi, m.ids.indexAtMost(b))
	}
	for _, attr := range [...]string{"startTime", "activeTryStartTime", "lastUpdateTime", "endTime"} {
		tlo, thi, ok := f.TimeBounds(attr)
		if !ok {
			continue
		}
		if !tlo.IsZero() {
			lo = max(lo, m.firstIDFrom(tlo.UnixMilli()-m.maxLifeMs))
		}
		// endTime of unfinished jobs is the epoch: an upper bound says nothing.
		if !thi.IsZero() && attr != "endTime" {
			hi = min(hi, m.maxIDAt(thi.UnixMilli()))
		}
	}
	if onlyUnfinished(f.root) {
		// Every job below this id is DONE by now: a walk of the running
		// jobs must not scan (and build) the whole history to skip them.
		lo = max(lo, m.firstUnfinishableID(now))
	}
	return lo, hi
}

// firstUnfinishableID is the lowest id that may still be unfinished at now:
// every job ends within maxLife of its submission, so the ids submitted
// before now-maxLife are all DONE.
func (m *jobModel) firstUnfinishableID(now int64) int64 {
	return max(m.firstIDFrom(now-m.maxLifeMs), 1)
}

// onlyUnfinished tells that n can match only jobs whose state is not DONE:
// "state ne 'DONE'", "state eq '<another state>'", "not (state eq
// 'DONE')", an and with such a side, or an or of such sides. Anything else
// (tolower(state), a comparison with a non-string) is conservatively false.
func onlyUnfinished(n *filterNode) bool {
	if n == nil {
		return false
	}
	switch n.kind {
	case nodeAnd:
		return onlyUnfinished(n.left) || onlyUnfinished(n.right)
	case nodeOr:
		return onlyUnfinished(n.left) && onlyUnfinished(n.right)
	case nodeNot:
		return isStateCompare(n.left, opEq) && n.left.lit.text == jobStateDone
	case nodeCompare:
		return (isStateCompare(n, opNe) && n.lit.text == jobStateDone) ||
			(isStateCompare(n, opEq) && n.lit.text != jobStateDone)
	}
	return false
}

// onlyDoneInIDRange tells that, within the id range the filter implies,
// the filter matches exactly the DONE jobs: it is "state eq 'DONE'" ANDed
// with nothing but jobId comparisons (which jobIDRange applied exactly).
func onlyDoneInIDRange(f *Filter) bool {
	if f == nil {
		return false
	}
	done, other := false, false
	f.root.conjuncts(func(n *filterNode) {
		switch {
		case isStateCompare(n, opEq) && n.lit.text == jobStateDone:
			done = true
		case n.kind == nodeCompare && n.attr == "jobId" && n.fold == caseNone && n.op != opNe &&
			(n.lit.kind == litInt || n.lit.kind == litFloat):
		default:
			other = true
		}
	})
	return done && !other
}

// isStateCompare: n is "state <op> '<string>'", compared case-sensitively.
func isStateCompare(n *filterNode, op cmpOp) bool {
	return n != nil && n.kind == nodeCompare && n.attr == "state" && n.fold == caseNone &&
		n.op == op && n.lit.kind == litString
}

// jobCursor is the position of a job in a sort order: the id for id orders,
// "<ms>:<id>" for time orders.
func jobCursor(o jobSort, v *jobView) string {
	if o.byID() {
		return strconv.FormatInt(v.pub, 10)
	}
	return strconv.FormatInt(sortKey(o, v), 10) + ":" + strconv.FormatInt(v.pub, 10)
}

func sortKey(o jobSort, v *jobView) int64 {
	if o.key == "endTime" {
		return v.viewEndMs
	}
	return v.lastUpdateMs
}

// parseJobCursor decodes a cursor made by jobCursor.
func parseJobCursor(o jobSort, raw string) (key, id int64, err error) {
	if o.byID() {
		id, err = strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("invalid cursor %q", raw)
		}
		return 0, id, nil
	}
	k, i, ok := strings.Cut(raw, ":")
	if !ok {
		return 0, 0, fmt.Errorf("invalid cursor %q for sort %s", raw, o.raw)
	}
	if key, err = strconv.ParseInt(k, 10, 64); err == nil {
		id, err = strconv.ParseInt(i, 10, 64)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("invalid cursor %q", raw)
	}
	return key, id, nil
}
