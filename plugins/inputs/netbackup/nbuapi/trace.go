package nbuapi

import (
	"context"
	"sync"
	"sync/atomic"
)

// callTrace follows one client call (a request and its retries) through
// resty and the transport, which see only an *http.Request and resty's
// *Response: it numbers the attempts, keeps why the last attempt failed for
// the retry line, tells the redirect policy what the call carries, and
// carries the decoder of a successful answer to the transport.
type callTrace struct {
	method, path string // as the call was made, for log lines
	login        bool   // POST /login: never redirected, the password is in the body

	attempts atomic.Int64

	// decode, when set, decodes a successful answer in the transport, from
	// the buffer of the attempt's slot (see countingTransport); it must keep
	// no reference to the bytes. decoded and decodeErr are the last
	// attempt's outcome (the attempts of a call run one after the other).
	decode    func(status int, body []byte) error
	decoded   bool
	decodeErr error

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

// nextAttempt numbers a new attempt (1 for the first) and forgets what the
// previous one decoded.
func (t *callTrace) nextAttempt() int64 {
	t.decoded, t.decodeErr = false, nil
	return t.attempts.Add(1)
}

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
