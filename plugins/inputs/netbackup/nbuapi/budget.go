package nbuapi

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// A Budget bounds the requests in flight of every client that shares it:
// one budget per plugin instance makes the agent's memory a function of the
// budget, not of the number of servers and collectors. A request holds a
// slot from the moment it is sent until its answer has been read and
// decoded (one attempt: a retry waits for its backoff without a slot and
// takes a slot again), and each slot comes with a body buffer that is
// reused from request to request.
//
// The slots are shared between the servers that gather (each client's
// share Joins for its gather and Leaves after it):
//   - each server may hold its part, the budget divided by the servers that
//     gather (at least one slot); the slots that do not divide evenly go to
//     whoever asks first. A server whose requests hang keeps its part and
//     no more, so the others keep theirs: one slow server delays no other;
//   - a freed slot goes to the waiting server that may have it and was
//     served longest ago (round robin); a server's own requests are served
//     in the order they came;
//   - when a server's gather ends, its part is shared among the others.
//
// A request waits for a slot under its own context: the gather's deadline
// of its server stops the wait.
type Budget struct {
	mu      sync.Mutex
	size    int
	free    int
	turn    uint64         // advances at every grant, for round robin
	joined  []*BudgetShare // the shares of the servers gathering now
	waiting []*BudgetShare // the shares with a request waiting
	buffers bufferPool
}

// NewBudget returns a budget of n slots (at least one).
func NewBudget(n int) *Budget {
	n = max(n, 1)
	return &Budget{size: n, free: n, buffers: bufferPool{free: make(chan *[]byte, n)}}
}

// BudgetShare is one server's access to a budget: each client has its own.
type BudgetShare struct {
	budget *Budget
	held   int       // slots held now
	queue  []*waiter // requests waiting, oldest first
	served uint64    // the budget's turn when this share was last granted a slot
	joined bool
}

// Share returns a new share of b for one server.
func (b *Budget) Share() *BudgetShare { return &BudgetShare{budget: b} }

type waiter struct {
	ready   chan struct{} // closed when the slot is granted
	granted bool
}

// Join counts the share's server among those gathering: the budget is
// divided among them. Join every server of a gather before any of them
// sends a request, so that none takes more than its part at the start.
func (s *BudgetShare) Join() {
	b := s.budget
	b.mu.Lock()
	defer b.mu.Unlock()
	if !s.joined {
		s.joined = true
		b.joined = append(b.joined, s)
		b.grant()
	}
}

// Leave ends the share's gather: its part goes to the others.
func (s *BudgetShare) Leave() {
	b := s.budget
	b.mu.Lock()
	defer b.mu.Unlock()
	if s.joined {
		s.joined = false
		b.joined = slices.DeleteFunc(b.joined, func(o *BudgetShare) bool { return o == s })
		b.grant()
	}
}

// Part is how many slots the share's server may count on now: the budget
// divided by the servers gathering, at least one. A server needs no more
// collectors running at once than that.
func (s *BudgetShare) Part() int {
	b := s.budget
	b.mu.Lock()
	defer b.mu.Unlock()
	part, spare := b.parts()
	if spare > 0 {
		part++ // the slots left over go to whoever asks first
	}
	return part
}

// acquire waits for a slot; release gives it back. A cancelled wait takes
// no slot (or gives back the one granted at the same instant). The error is
// a *notSentError, which says whether the request had to wait for a slot: a
// context that had ended before, with a slot free, is not the budget's
// doing.
func (s *BudgetShare) acquire(ctx context.Context) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, &notSentError{err: err}
	}
	b := s.budget
	b.mu.Lock()
	w := &waiter{ready: make(chan struct{})}
	if len(s.queue) == 0 {
		b.waiting = append(b.waiting, s)
	}
	s.queue = append(s.queue, w)
	b.grant()
	waited := !w.granted
	b.mu.Unlock()

	select {
	case <-w.ready:
		if ctx.Err() == nil {
			return s.release, nil
		}
		// Granted as the context ended: nothing is sent with it.
		s.release()
		return nil, &notSentError{err: ctx.Err(), waitedForSlot: waited}
	case <-ctx.Done():
	}
	b.mu.Lock()
	if w.granted {
		b.mu.Unlock()
		s.release()
		return nil, &notSentError{err: ctx.Err(), waitedForSlot: waited}
	}
	s.queue = slices.DeleteFunc(s.queue, func(q *waiter) bool { return q == w })
	if len(s.queue) == 0 {
		b.dropWaiting(s)
	}
	b.mu.Unlock()
	return nil, &notSentError{err: ctx.Err(), waitedForSlot: true}
}

// release gives a slot back.
func (s *BudgetShare) release() {
	b := s.budget
	b.mu.Lock()
	defer b.mu.Unlock()
	s.held--
	b.free++
	b.grant()
}

// grant hands the free slots to the waiting requests that may have them
// (b.mu held).
func (b *Budget) grant() {
	for b.free > 0 {
		next := b.fairest()
		if next == nil {
			return
		}
		w := next.queue[0]
		next.queue = next.queue[1:]
		if len(next.queue) == 0 {
			b.dropWaiting(next)
		}
		b.free--
		next.held++
		b.turn++
		next.served = b.turn
		w.granted = true
		close(w.ready)
	}
}

// fairest is the waiting share that may take a slot and was served longest
// ago; nil when none may (b.mu held). The lists are short: one entry per
// server.
func (b *Budget) fairest() *BudgetShare {
	part, spare := b.parts()
	aboveParts := 0
	for _, s := range b.joined {
		aboveParts += max(s.held-part, 0)
	}
	var best *BudgetShare
	for _, s := range b.waiting {
		if s.held >= part && aboveParts >= spare {
			continue // its part is taken, and so are the slots left over
		}
		if best == nil || s.served < best.served {
			best = s
		}
	}
	return best
}

// parts is each gathering server's part of the budget, and the slots left
// over when the budget does not divide evenly (b.mu held). A share that
// has not joined counts as one more server.
func (b *Budget) parts() (part, spare int) {
	servers := len(b.joined)
	for _, s := range b.waiting {
		if !s.joined {
			servers++
		}
	}
	servers = max(servers, 1)
	part = max(b.size/servers, 1)
	return part, max(b.size-part*servers, 0)
}

// dropWaiting removes s from the shares with a request waiting (b.mu held).
func (b *Budget) dropWaiting(s *BudgetShare) {
	b.waiting = slices.DeleteFunc(b.waiting, func(o *BudgetShare) bool { return o == s })
}

// bufferPool keeps the body buffers of the slots: at most one per slot is
// kept, and none larger than maxKeptBuffer (an unusually large answer is
// read into a buffer of its own, left to the garbage collector).
type bufferPool struct {
	free chan *[]byte
	made atomic.Int64 // buffers made since the start
}

// maxKeptBuffer is the largest buffer kept for reuse: a page of 100 jobs is
// a few hundred kilobytes.
const maxKeptBuffer = 1 << 20

func (p *bufferPool) get() *[]byte {
	select {
	case b := <-p.free:
		return b
	default:
		p.made.Add(1)
		b := make([]byte, 0, 64<<10)
		return &b
	}
}

// poisonReturnedBuffers makes test binaries overwrite a buffer once its
// answer is decoded: a decoded value that still pointed into the buffer
// (a string not copied) would read as garbage in every test, not as a rare
// mix-up of two answers in production.
var poisonReturnedBuffers = testing.Testing()

func (p *bufferPool) put(b *[]byte) {
	if poisonReturnedBuffers {
		for i := range *b {
			(*b)[i] = 0xA5
		}
	}
	if cap(*b) > maxKeptBuffer {
		return
	}
	*b = (*b)[:0]
	select {
	case p.free <- b:
	default:
	}
}
