package netbackup

import (
	"bytes"
	"encoding/json"
	"slices"
	"sync"
	"time"
)

// newestSeen is the progress of a collector that reports each new item of a
// list once (alerts, anomalies, malware scans): the newest creation time
// seen and the ids of the items created at that very instant. An item is
// new when it was created later, or at that instant with another id. It
// follows the server's clock, not ours, and is what the state file keeps.
type newestSeen struct {
	Newest      time.Time `json:"newest"`
	IDsAtNewest []string  `json:"ids_at_newest"`
}

// isNew tells whether an item created at t with id comes after the state.
func (s *newestSeen) isNew(id string, t time.Time) bool {
	return t.After(s.Newest) || (t.Equal(s.Newest) && !slices.Contains(s.IDsAtNewest, id))
}

// observe moves the state forward past the item.
func (s *newestSeen) observe(id string, t time.Time) {
	switch {
	case t.After(s.Newest):
		s.Newest = t
		s.IDsAtNewest = []string{id}
	case t.Equal(s.Newest) && !slices.Contains(s.IDsAtNewest, id):
		s.IDsAtNewest = append(s.IDsAtNewest, id)
	}
}

// clone returns a copy that observe can move without touching s.
func (s *newestSeen) clone() newestSeen {
	return newestSeen{Newest: s.Newest, IDsAtNewest: slices.Clone(s.IDsAtNewest)}
}

// seenCounts are the items of one series: all of them, and those first
// seen by this gather.
type seenCounts struct {
	count, newCount int64
}

// seenProgress is the saved progress of a collector that reports new items
// once. Without a saved state the first gather only sets the baseline: a
// restart without a state file must not replay every item as new.
type seenProgress struct {
	mu       sync.Mutex // held for a whole collect
	baseline bool       // state holds what earlier gathers saw
	state    newestSeen
}

// loadState restores the newest item seen by an earlier process.
func (p *seenProgress) loadState(data json.RawMessage) error {
	if len(bytes.TrimSpace(data)) == 0 || bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	var s newestSeen
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state = s
	p.baseline = true
	return nil
}

// saveState returns null until a gather has set the baseline.
func (p *seenProgress) saveState() (json.RawMessage, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.baseline {
		return json.RawMessage("null"), nil
	}
	return json.Marshal(p.state)
}

// clampToServerClock moves a newest instant saved ahead of the server's
// clock back to it (see warnAheadOfClock): otherwise no item would be new
// until the clock caught up. The caller holds p.mu.
func (p *seenProgress) clampToServerClock(srv *server, collector, what string, now time.Time) {
	if !p.state.Newest.After(now) {
		return
	}
	srv.warnAheadOfClock(collector, what, p.state.Newest, now,
		"items created from now on are new again; those created before are not counted as new")
	p.state = newestSeen{Newest: now}
}

// newOnceReading is one reading of a list by a collector that reports new
// items once: the rules for every such list in one place. Ids repeated at
// a page boundary (offset pages of a list that changes while it is read)
// count once; an item without an id or a time counts but is never new;
// the baseline and the newest instant decide what is new; and the progress
// moves only when the whole list was read (commit), so that a gather that
// fails half-way counts the same items as new again at the next one, once.
type newOnceReading struct {
	progress *seenProgress
	next     newestSeen
	seen     map[string]bool
}

// beginReading starts a reading of the list. The caller holds p.mu until
// it commits or gives up.
func (p *seenProgress) beginReading() *newOnceReading {
	return &newOnceReading{progress: p, next: p.state.clone(), seen: make(map[string]bool)}
}

// visit takes one item, known by id and the instant that orders the list
// (its creation, the end of its scan): first is false for an item already
// visited in this reading, isNew tells an item no earlier gather saw.
func (r *newOnceReading) visit(id string, at time.Time) (first, isNew bool) {
	if id != "" {
		if r.seen[id] {
			return false, false
		}
		r.seen[id] = true
	}
	if id == "" || at.IsZero() {
		return true, false // without an id and a time it cannot be told new once
	}
	isNew = r.progress.baseline && r.progress.state.isNew(id, at)
	r.next.observe(id, at)
	return true, isNew
}

// commit keeps the progress of a list read to its end.
func (r *newOnceReading) commit() {
	r.progress.state = r.next
	r.progress.baseline = true
}
