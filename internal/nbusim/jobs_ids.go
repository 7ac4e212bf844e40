package nbusim

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// JobIDRange is a block of consecutive job ids: Count jobs numbered from
// First. Real job ids are not always dense: a restored catalog, a second
// id range, a job that ran for days among recent ones.
type JobIDRange struct {
	First, Count int64
}

// idLayout numbers the model's jobs. The model works with dense indexes
// 1, 2, 3, ... (submit order); the ids served are the layout's: the
// indexes fill the ranges in order, and those beyond the last range follow
// it densely. The default layout is the identity.
type idLayout struct {
	ranges []JobIDRange
	starts []int64 // index of the first job of each range
}

func newIDLayout(ranges []JobIDRange) (idLayout, error) {
	l := idLayout{ranges: ranges}
	next := int64(1)
	lastID := int64(0)
	for i, r := range ranges {
		if r.First <= lastID || r.Count <= 0 {
			return idLayout{}, fmt.Errorf("nbusim: job id range %d (%d+%d) must have a positive count and start above the previous range", i, r.First, r.Count)
		}
		l.starts = append(l.starts, next)
		next += r.Count
		lastID = r.First + r.Count - 1
	}
	return l, nil
}

// public is the id of the job with index k.
func (l idLayout) public(k int64) int64 {
	if len(l.ranges) == 0 {
		return k
	}
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > k }) - 1
	if i < 0 {
		return k // below the first range: cannot happen for k >= 1
	}
	return l.ranges[i].First + k - l.starts[i]
}

// indexAtLeast is the lowest index whose id is >= id.
func (l idLayout) indexAtLeast(id int64) int64 {
	if len(l.ranges) == 0 {
		return id
	}
	for i, r := range l.ranges {
		last := r.First + r.Count - 1
		if i == len(l.ranges)-1 {
			last = math.MaxInt64 // the last range goes on
		}
		if id <= last {
			return l.starts[i] + max(id-r.First, 0)
		}
	}
	return math.MaxInt64
}

// indexAtMost is the highest index whose id is <= id (0 when none).
func (l idLayout) indexAtMost(id int64) int64 {
	if len(l.ranges) == 0 {
		return id
	}
	if id == math.MaxInt64 {
		return math.MaxInt64
	}
	return l.indexAtLeast(id+1) - 1
}

// index is the index of job id, false when no job has that id.
func (l idLayout) index(id int64) (int64, bool) {
	k := l.indexAtLeast(id)
	return k, k >= 1 && k != math.MaxInt64 && l.public(k) == id
}

// ParseJobIDRanges reads "1000+250,5000000+4": ranges of first+count.
func ParseJobIDRanges(spec string) ([]JobIDRange, error) {
	var out []JobIDRange
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		first, count, ok := strings.Cut(part, "+")
		f, err1 := strconv.ParseInt(first, 10, 64)
		c, err2 := strconv.ParseInt(count, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("job id range %q: want first+count, e.g. 1000+250", part)
		}
		out = append(out, JobIDRange{First: f, Count: c})
	}
	if _, err := newIDLayout(out); err != nil {
		return nil, err
	}
	return out, nil
}

// next is the index to read after the job with id c, walking in direction
// step (+1 ascending, -1 descending).
func (l idLayout) next(c, step int64) int64 {
	if step > 0 {
		return l.indexAtLeast(c + 1)
	}
	return l.indexAtMost(c - 1)
}
