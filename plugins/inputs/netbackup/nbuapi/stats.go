package netbackup

import (
	"context"
	"sync/atomic"
	"time"
)

// requestStats counts what the client did on behalf of one scope (a whole
// server, or one collector's run). The client updates every requestStats it
// finds in the request's context, so a collector's cost can be reported
// without the collector counting anything itself.
type requestStats struct {
	requests     atomic.Int64 // HTTP attempts sent, retries included
	retries      atomic.Int64 // attempts after the first one of a request
	errors       atomic.Int64 // requests that ended in an error after all retries
	responseTime atomic.Int64 // summed duration of all attempts, in nanoseconds
}

// statsSnapshot is a plain copy of requestStats.
type statsSnapshot struct {
	Requests     int64
	Retries      int64
	Errors       int64
	ResponseTime time.Duration
}

func (s *requestStats) snapshot() statsSnapshot {
	return statsSnapshot{
		Requests:     s.requests.Load(),
		Retries:      s.retries.Load(),
		Errors:       s.errors.Load(),
		ResponseTime: time.Duration(s.responseTime.Load()),
	}
}

// meanResponseTimeMillis is the mean duration of one attempt, 0 without any.
func (s statsSnapshot) meanResponseTimeMillis() float64 {
	if s.Requests == 0 {
		return 0
	}
	return float64(s.ResponseTime) / float64(s.Requests) / float64(time.Millisecond)
}

type statsKey struct{}

// withStats returns a context whose requests are also counted in s.
func withStats(ctx context.Context, s *requestStats) context.Context {
	parents, _ := ctx.Value(statsKey{}).([]*requestStats)
	all := make([]*requestStats, 0, len(parents)+1)
	all = append(all, parents...)
	all = append(all, s)
	return context.WithValue(ctx, statsKey{}, all)
}

// statsFrom returns every requestStats the context carries.
func statsFrom(ctx context.Context) []*requestStats {
	all, _ := ctx.Value(statsKey{}).([]*requestStats)
	return all
}

// countAttempt records one HTTP attempt and its duration in every scope.
func countAttempt(ctx context.Context, took time.Duration, retry bool) {
	for _, s := range statsFrom(ctx) {
		s.requests.Add(1)
		s.responseTime.Add(int64(took))
		if retry {
			s.retries.Add(1)
		}
	}
}

// countError records one request that failed after all retries.
func countError(ctx context.Context) {
	for _, s := range statsFrom(ctx) {
		s.errors.Add(1)
	}
}
