package nbuapi

import (
	"context"
	"sync"
	"sync/atomic"
)

// callTrace follows one client call (a request and its retries) through
// resty and the transport, which see only an *http.Request and resty's
// *Response: it numbers the attempts, keeps why the last attempt failed for
// the retry line, and tells the redirect policy what the call carries.
type callTrace struct {
	method, path string // as the call was made, for log lines
	login        bool   // POST /login: never redirected, the password is in the body

	attempts atomic.Int64

	mu      sync.Mutex
	lastErr error // the transport error of the last attempt, nil after an answer
}

type callTraceKey struct{}

func withCallTrace(ctx context.Context, t *callTrace) context.Context {
	return context.WithValue(ctx, callTraceKey{}, t)
}

// traceOf returns the call's trace, nil for a request made elsewhere.
func traceOf(ctx context.Context) *callTrace {
	t, _ := ctx.Value(callTraceKey{}).(*callTrace)
	return t
}

// nextAttempt numbers a new attempt (1 for the first).
func (t *callTrace) nextAttempt() int64 { return t.attempts.Add(1) }

func (t *callTrace) setLastErr(err error) {
	t.mu.Lock()
	t.lastErr = err
	t.mu.Unlock()
}

func (t *callTrace) lastError() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lastErr
}
