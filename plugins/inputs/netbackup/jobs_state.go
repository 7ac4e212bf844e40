package netbackup

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// jobsStateVersion changes when the layout of jobsState changes; a state of
// another version is refused (the walk then starts again from job_lookback).
const jobsStateVersion = 1

// seenMargin keeps dedupe entries a little longer than strictly needed, for
// jobs whose lastUpdateTime sits exactly on a walk's lower bound.
const seenMargin = time.Minute

// jobsState is the progress of the finished-jobs stream: everything needed
// so that a restart neither loses nor repeats a job. All instants are on the
// server's clock.
type jobsState struct {
	Version int `json:"version"`
	// Cursor is the start (server time) of the last completed walk: every
	// job finished and visible before Cursor - job_overlap was emitted.
	// Zero before the first walk completed.
	Cursor time.Time `json:"cursor"`
	// Floor is the first start's lookback bound: jobs that ended at or
	// before it are never emitted.
	Floor time.Time `json:"floor"`
	// Walk is the walk in progress, nil between walks.
	Walk *jobsWalk `json:"walk,omitempty"`
	// Seen maps the ids of jobs emitted that the next walk may read again
	// (within the overlap window) to the instant the walk filtered them on.
	Seen map[int64]time.Time `json:"seen"`
}

// jobsWalk is one pass over the finished jobs changed since a bound, sorted
// by job id. It may span several gathers (max_jobs_per_gather, failures);
// only when it completes does the cursor move.
type jobsWalk struct {
	// From is the exclusive lower bound of the filtered instant.
	From time.Time `json:"from"`
	// Until is the server time when the walk started: the next cursor.
	Until time.Time `json:"until"`
	// ByEndTime is true when the walk filters on endTime (API < 10.0 has
	// no lastUpdateTime filter), false for lastUpdateTime.
	ByEndTime bool `json:"by_end_time"`
	// AfterJobID: every job of this walk with a lower or equal id has been
	// emitted (or skipped as already emitted).
	AfterJobID int64 `json:"after_job_id"`
}

func newJobsState() *jobsState {
	return &jobsState{Version: jobsStateVersion, Seen: make(map[int64]time.Time)}
}

func decodeJobsState(data json.RawMessage) (*jobsState, error) {
	st := newJobsState()
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("corrupt jobs state: %w", err)
	}
	if st.Version != jobsStateVersion {
		return nil, fmt.Errorf("jobs state has version %d, expected %d", st.Version, jobsStateVersion)
	}
	if st.Walk != nil && (st.Walk.Until.IsZero() || st.Walk.AfterJobID < 0) {
		return nil, errors.New("corrupt jobs state: walk without start time")
	}
	if st.Seen == nil {
		st.Seen = make(map[int64]time.Time)
	}
	return st, nil
}

func (st *jobsState) encode() (json.RawMessage, error) {
	return json.Marshal(st)
}

// pruneSeen drops the entries no walk starting at from can read again.
func (st *jobsState) pruneSeen(from time.Time) {
	limit := from.Add(-seenMargin)
	for id, at := range st.Seen {
		if !at.After(limit) {
			delete(st.Seen, id)
		}
	}
}
