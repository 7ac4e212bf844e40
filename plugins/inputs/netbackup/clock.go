package netbackup

import (
	"time"
)

// Saved progress is on the server's clock. An instant saved ahead of that
// clock (the server's clock was set back, or the state file comes from
// another server) would silently stall what it bounds until the clock
// caught up: no job changed after a future cursor, no alert newer than a
// future "newest". Each collector moves such an instant back to the
// server's clock and says so once, through warnAheadOfClock.

// warnAheadOfClock says that a saved instant is ahead of the server's
// clock and what the collector does about it.
func (s *server) warnAheadOfClock(collector, what string, saved, now time.Time, consequence string) {
	s.conditions.warnf("server %s, collector %s: the saved %s (%s) is %s ahead of the server's clock (%s): "+
		"the state was written under another clock (the server's clock was set back, or the state file comes from another server); %s",
		s.source, collector, what, saved.UTC().Format(time.RFC3339), saved.Sub(now).Round(time.Second), now.UTC().Format(time.RFC3339), consequence)
}

// latestOf is the latest of some instants.
func latestOf(instants ...time.Time) time.Time {
	var latest time.Time
	for _, t := range instants {
		if t.After(latest) {
			latest = t
		}
	}
	return latest
}
