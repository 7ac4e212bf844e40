package netbackup

import (
	"iter"
	"maps"
	"slices"
	"time"
)

// drainedSeriesKeep is how long a series that counts nothing any more is
// still reported as 0 (SLP backlogs, anomalies, malware scans); alerts
// keep theirs for alert_lookback.
const drainedSeriesKeep = 24 * time.Hour

// drainingSeries remembers the series a collector reported when it counts
// items per key (alerts per severity and category, the SLP backlog per SLP
// and state, ...). A series whose items are gone is reported as 0 rather
// than left standing at its last value, until it has counted nothing for
// keep; then it is dropped instead of being reported as 0 forever (a
// decommissioned SLP, a category that no longer occurs). The always keys
// are reported at every gather, 0 included, so that "none" is a 0 and not a
// missing series.
type drainingSeries[K comparable] struct {
	keep     time.Duration
	always   []K
	lastSeen map[K]time.Time
}

func newDrainingSeries[K comparable](keep time.Duration, always ...K) *drainingSeries[K] {
	return &drainingSeries[K]{keep: keep, always: always, lastSeen: make(map[K]time.Time)}
}

// report returns the keys to report at now (the server's clock): those
// counted by this gather, the always keys, and those that counted within
// keep, sorted by cmp.
func (d *drainingSeries[K]) report(counted iter.Seq[K], now time.Time, cmp func(a, b K) int) []K {
	for key := range counted {
		d.lastSeen[key] = now
	}
	keys := slices.Clone(d.always)
	for key, last := range d.lastSeen {
		switch {
		case slices.Contains(d.always, key):
		case now.Sub(last) > d.keep:
			delete(d.lastSeen, key)
		default:
			keys = append(keys, key)
		}
	}
	slices.SortFunc(keys, cmp)
	return keys
}

// keysOf is the keys of a map of counts, for report.
func keysOf[K comparable, V any](m map[K]V) iter.Seq[K] {
	return maps.Keys(m)
}
