package runner

import (
	"context"
	"io"
	"sync/atomic"
	"time"
)

// Run gathers once per newline read from stdin and, when pollInterval is
// positive, once per pollInterval, until stdin ends or ctx is cancelled (the
// caller cancels it on SIGTERM/SIGINT). Either way a running gather is
// interrupted through its context, its metrics are flushed and its progress
// committed. Triggers that arrive while a gather runs are coalesced: at most
// one more gather is queued, as in Telegraf's shim.
//
// Run returns nil after an orderly shutdown, ErrAbandoned when the plugin
// did not return in time, and ErrOutputFailed when stdout failed.
func (r *Runner) Run(ctx context.Context, stdin io.Reader, pollInterval time.Duration) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	pending := newGatherQueue()
	trigger := pending.request

	stdinDone := make(chan struct{})
	var newlines atomic.Int64 // for the hint when nothing was gathered
	go func() {
		defer close(stdinDone)
		readTriggers(stdin, func() {
			newlines.Add(1)
			trigger()
		})
	}()
	go func() {
		select {
		case <-stdinDone:
			cancel()
		case <-ctx.Done():
		}
	}()
	if pollInterval > 0 {
		go tick(ctx, pollInterval, trigger)
	}

	gathers := 0
	for {
		select {
		case <-ctx.Done():
			r.logStop(stdinDone, gathers, newlines.Load() > 0, pollInterval)
			return nil
		case <-pending.requests():
			// A trigger and a shutdown may be ready together: never start a
			// gather once shutdown began.
			if ctx.Err() != nil {
				continue
			}
			gathers++
			if _, err := r.gather(ctx); err != nil {
				return err // ErrAbandoned or ErrOutputFailed: this process must end
			}
		}
	}
}

func (r *Runner) logStop(stdinDone <-chan struct{}, gathers int, sawNewline bool, pollInterval time.Duration) {
	select {
	case <-stdinDone:
		r.Log.Debugf("stdin closed after %d gathers: stopping", gathers)
		if gathers == 0 && pollInterval == 0 {
			why := "stdin ended before any newline, so nothing was gathered"
			if sawNewline {
				// The end of stdin is the stop signal: no gather starts
				// after it, even one asked for just before.
				why = "stdin ended right after its newline, so nothing was gathered (no gather starts once stdin has ended)"
			}
			r.Log.Debug("hint: " + why + "; use -once for a single gather, or run under Telegraf's inputs.execd with signal = \"STDIN\"")
		}
	default:
		r.Log.Debugf("shutdown signal after %d gathers: stopping", gathers)
	}
}

// readTriggers calls trigger for every chunk of stdin that holds a newline,
// until stdin ends or fails.
func readTriggers(stdin io.Reader, trigger func()) {
	buf := make([]byte, 4096)
	for {
		n, err := stdin.Read(buf)
		for _, b := range buf[:n] {
			if b == '\n' {
				trigger() // coalesced: one per chunk is enough
				break
			}
		}
		if err != nil {
			return
		}
	}
}

func tick(ctx context.Context, interval time.Duration, trigger func()) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			trigger()
		}
	}
}

// gatherQueue holds at most one gather request: requests that arrive while
// one is already waiting are merged into it, so a slow gather is followed by
// one more gather, not by a backlog.
type gatherQueue chan struct{}

func newGatherQueue() gatherQueue {
	return make(gatherQueue, 1)
}

func (q gatherQueue) request() {
	select {
	case q <- struct{}{}:
	default: // one gather is already queued
	}
}

func (q gatherQueue) requests() <-chan struct{} {
	return q
}
