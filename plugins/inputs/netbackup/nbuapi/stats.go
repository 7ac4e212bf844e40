package nbuapi

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// Stats counts what the client did on behalf of one scope (a whole server,
// one gather, one collector's run). The client updates every Stats it finds
// in the request's context (see WithStats), so a caller learns the cost of
// its requests without counting anything itself.
type Stats struct {
	requests     atomic.Int64 // HTTP attempts sent, retries included
	retries      atomic.Int64 // attempts after the first one of a request
	errors       atomic.Int64 // requests that ended in an error after all retries
	responseTime atomic.Int64 // summed duration of all attempts, in nanoseconds
	// Requests that carried a credential (the key, a session token, the
	// login's password), by how the server judged it: refused (401, or a
	// login refusal still in force), or accepted (any other answer but 429
	// and 5xx, which say nothing about the credential).
	refused  atomic.Int64
	accepted atomic.Int64
}

// StatsSnapshot is a plain copy of Stats.
type StatsSnapshot struct {
	Requests     int64
	Retries      int64
	Errors       int64
	ResponseTime time.Duration
	// CredentialRefused and CredentialAccepted count the requests whose
	// credential the server refused (401) or accepted.
	CredentialRefused  int64
	CredentialAccepted int64
}

// Snapshot copies the counters.
func (s *Stats) Snapshot() StatsSnapshot {
	return StatsSnapshot{
		Requests:     s.requests.Load(),
		Retries:      s.retries.Load(),
		Errors:       s.errors.Load(),
		ResponseTime: time.Duration(s.responseTime.Load()),

		CredentialRefused:  s.refused.Load(),
		CredentialAccepted: s.accepted.Load(),
	}
}

// MeanResponseTimeMillis is the mean duration of one attempt, 0 without any.
func (s StatsSnapshot) MeanResponseTimeMillis() float64 {
	if s.Requests == 0 {
		return 0
	}
	return float64(s.ResponseTime) / float64(s.Requests) / float64(time.Millisecond)
}

type statsKey struct{}

// WithStats returns a context whose requests are also counted in s, besides
// every Stats ctx already carries.
func WithStats(ctx context.Context, s *Stats) context.Context {
	parents, _ := ctx.Value(statsKey{}).([]*Stats)
	all := make([]*Stats, 0, len(parents)+1)
	all = append(all, parents...)
	all = append(all, s)
	return context.WithValue(ctx, statsKey{}, all)
}

// statsFrom returns every Stats the context carries.
func statsFrom(ctx context.Context) []*Stats {
	all, _ := ctx.Value(statsKey{}).([]*Stats)
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

// countCredential records how the server judged the credential of one
// request from its final status; 429 and 5xx say nothing about it.
func countCredential(ctx context.Context, status int) {
	switch {
	case status == http.StatusUnauthorized:
		countRefused(ctx)
	case status == http.StatusTooManyRequests || status >= http.StatusInternalServerError || status < 200:
	default:
		for _, s := range statsFrom(ctx) {
			s.accepted.Add(1)
		}
	}
}

// countRefused records a credential refused, by the server or by a login
// refusal still in force.
func countRefused(ctx context.Context) {
	for _, s := range statsFrom(ctx) {
		s.refused.Add(1)
	}
}
