// Package runner drives the plugin inside the binary: one gather per newline
// on stdin (Telegraf's execd signal = "STDIN") and, optionally, per poll
// interval; metrics flushed to stdout before the plugin commits its progress;
// and a shutdown that interrupts a running gather when stdin closes or a
// signal arrives.
//
// Telegraf's shim is not used for this loop: its Gather cannot be
// interrupted, and it writes metrics asynchronously, so it cannot tell when
// they have reached stdout.
package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/influxdata/telegraf"
)

// Plugin is what the runner needs from the NetBackup plugin.
type Plugin interface {
	// GatherContext gathers once and returns promptly when ctx ends.
	GatherContext(ctx context.Context, acc telegraf.Accumulator) error
	// CommitState saves the progress of the last gather; it is called only
	// after that gather's metrics were flushed to stdout.
	CommitState() error
}

// Output is the accumulator that writes to stdout (execdio.Accumulator).
type Output interface {
	telegraf.Accumulator
	BeginGather(ctx context.Context, now time.Time)
	Flush() error
	Errors() int64
}

// DefaultStopGrace bounds the wait for an interrupted gather: Telegraf sends
// SIGTERM 5 s after closing stdin and SIGKILL 5 s later, so the process must
// be gone well within 5 s even if a gather ignored its context.
const DefaultStopGrace = 3 * time.Second

// ErrAbandoned is returned when a gather did not return within the stop
// grace after shutdown: its metrics are not flushed and nothing is committed,
// so the next process reports that work again rather than losing it.
var ErrAbandoned = errors.New("gather did not stop in time after shutdown")

// ErrOutputFailed is returned when the metrics of a gather could not be
// written to stdout: nothing was committed, but the plugin's progress in
// memory is ahead of what Telegraf received, so a later gather's commit
// would skip those jobs for good. The process must end; the next one starts
// from the saved state and reports them again.
var ErrOutputFailed = errors.New("metrics could not be written to stdout")

// Runner runs gathers of Plugin into Output.
type Runner struct {
	Plugin Plugin
	Output Output
	Log    telegraf.Logger
	// StopGrace overrides DefaultStopGrace (tests).
	StopGrace time.Duration
}

// Once runs one gather. ok is true when the gather added no error, its
// metrics were flushed and its progress committed.
func (r *Runner) Once(ctx context.Context) (ok bool, err error) {
	return r.gather(ctx)
}

// gather runs one gather under ctx, then flushes and commits. It returns
// ErrAbandoned when ctx ended and the plugin did not return in time, and
// ErrOutputFailed when the metrics could not be written.
func (r *Runner) gather(ctx context.Context) (bool, error) {
	errorsBefore := r.Output.Errors()
	r.Output.BeginGather(ctx, time.Now())

	done := make(chan error, 1)
	go func() { done <- r.Plugin.GatherContext(ctx, r.Output) }()

	var gatherErr error
	select {
	case gatherErr = <-done:
	case <-ctx.Done():
		grace := r.stopGrace()
		timer := time.NewTimer(grace)
		defer timer.Stop()
		select {
		case gatherErr = <-done:
		case <-timer.C:
			r.Log.Errorf("the gather was still running %s after shutdown began: exiting without saving progress "+
				"(its jobs will be reported by the next run)", grace)
			return false, ErrAbandoned
		}
	}
	if gatherErr != nil {
		r.Output.AddError(gatherErr)
	}
	if err := r.Output.Flush(); err != nil {
		// Committing now would skip jobs Telegraf never received.
		r.Log.Errorf("%v; progress not saved: stopping, so that the next run reports these jobs again from the saved state", err)
		return false, fmt.Errorf("%w: %w", ErrOutputFailed, err)
	}
	if err := r.Plugin.CommitState(); err != nil {
		r.Log.Errorf("saving state: %v", err)
		return false, nil
	}
	return r.Output.Errors() == errorsBefore, nil
}

func (r *Runner) stopGrace() time.Duration {
	if r.StopGrace > 0 {
		return r.StopGrace
	}
	return DefaultStopGrace
}
