package netbackup

import "time"

// clampToServerClock moves progress saved ahead of the server's clock back
// to it (see warnAheadOfClock): the cursor to now, a floor to what a first
// start now would set, a walk in progress ends at now and goes on after
// its last job (no job ends after the server's now), and a walk that
// begins after now is dropped, the next one starting from the cursor.
// The caller holds w.mu.
func (w *finishedWalker) clampToServerClock(now time.Time) {
	st := w.state
	var walkFrom, walkUntil time.Time
	if st.Walk != nil {
		walkFrom, walkUntil = st.Walk.From, st.Walk.Until
	}
	ahead := latestOf(st.Cursor, st.Floor, walkFrom, walkUntil)
	if !ahead.After(now) {
		return
	}
	w.srv.warnAheadOfClock(w.name, "job cursor", ahead, now,
		"continuing from the server's clock: jobs that finished more than job_overlap ago and were not reported yet are skipped")
	if st.Cursor.After(now) {
		st.Cursor = now
	}
	if st.Floor.After(now) {
		st.Floor = now.Add(-w.lookback)
	}
	switch {
	case st.Walk == nil:
	case walkFrom.After(now):
		st.Walk = nil
	case walkUntil.After(now):
		st.Walk.Until = now
	}
}
