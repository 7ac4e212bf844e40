package netbackup

import "time"

// clampToServerClock moves progress saved ahead of the server's clock back
// to it (see warnAheadOfClock): the cursor to now, a floor to what a first
// start now would set, and a walk in progress is dropped, the next one
// starting from the cursor (the seen set keeps out jobs already handled).
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
	if st.Walk != nil && (walkFrom.After(now) || walkUntil.After(now)) {
		st.Walk = nil
	}
}
