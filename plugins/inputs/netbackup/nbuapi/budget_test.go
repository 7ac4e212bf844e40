package nbuapi

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// acquired is a slot taken in a test, or the error of the wait.
type acquired struct {
	release func()
	err     error
}

// acquireAsync starts a wait for a slot of s and returns where its outcome
// arrives; it returns once the wait is queued or granted.
func acquireAsync(t *testing.T, ctx context.Context, s *BudgetShare) <-chan acquired {
	t.Helper()
	b := s.budget
	b.mu.Lock()
	queuedBefore, heldBefore := len(s.queue), s.held
	b.mu.Unlock()
	out := make(chan acquired, 1)
	go func() {
		release, err := s.acquire(ctx)
		out <- acquired{release, err}
	}()
	require.Eventually(t, func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(s.queue) > queuedBefore || s.held > heldBefore
	}, 10*time.Second, time.Millisecond, "the wait never reached the budget")
	return out
}

// mustGrant takes a slot that must be free now.
func mustGrant(t *testing.T, s *BudgetShare) func() {
	t.Helper()
	select {
	case a := <-acquireAsync(t, context.Background(), s):
		require.NoError(t, a.err)
		return a.release
	case <-time.After(10 * time.Second):
		t.Fatal("no slot granted")
		return nil
	}
}

// requireWaiting checks that the one request s has waiting has no slot
// yet: a granted request leaves the queue at once.
func requireWaiting(t *testing.T, s *BudgetShare, wait <-chan acquired) {
	t.Helper()
	s.budget.mu.Lock()
	queued := len(s.queue)
	s.budget.mu.Unlock()
	require.Equal(t, 1, queued, "granted a slot it must wait for")
	select {
	case a := <-wait:
		t.Fatalf("granted a slot it must wait for (err %v)", a.err)
	default:
	}
}

func requireGranted(t *testing.T, wait <-chan acquired) func() {
	t.Helper()
	select {
	case a := <-wait:
		require.NoError(t, a.err)
		return a.release
	case <-time.After(10 * time.Second):
		t.Fatal("the slot was not granted")
		return nil
	}
}

// Many servers, many requests each: never more in flight than the budget,
// and every request gets its slot.
func TestBudget_BoundHolds(t *testing.T) {
	b := NewBudget(3)
	shares := make([]*BudgetShare, 5)
	for i := range shares {
		shares[i] = b.Share()
		shares[i].Join()
	}
	var inFlight, highest, done atomic.Int64
	var wg sync.WaitGroup
	for _, s := range shares {
		for range 40 {
			wg.Go(func() {
				release, err := s.acquire(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				n := inFlight.Add(1)
				for {
					h := highest.Load()
					if n <= h || highest.CompareAndSwap(h, n) {
						break
					}
				}
				inFlight.Add(-1)
				release()
				done.Add(1)
			})
		}
	}
	wg.Wait()
	require.EqualValues(t, 5*40, done.Load())
	require.LessOrEqual(t, highest.Load(), int64(3))
	require.Equal(t, 3, b.free, "every slot given back")
}

// A server whose requests hang keeps its part of the budget and no more:
// the other server gathering still gets its own part.
func TestBudget_AHangingServerKeepsToItsPart(t *testing.T) {
	b := NewBudget(4)
	slow, fast := b.Share(), b.Share()
	slow.Join()
	fast.Join()
	require.Equal(t, 2, slow.Part())

	mustGrant(t, slow)
	mustGrant(t, slow)
	third := acquireAsync(t, context.Background(), slow)
	requireWaiting(t, slow, third) // two slots are free, but they are the fast server's

	releaseA := mustGrant(t, fast)
	releaseB := mustGrant(t, fast)
	fastThird := acquireAsync(t, context.Background(), fast)
	requireWaiting(t, fast, fastThird)
	releaseA()
	requireGranted(t, fastThird)()
	releaseB()
	requireWaiting(t, slow, third)

	// When the fast server's gather ends, its part goes to the other.
	fast.Leave()
	require.Equal(t, 4, slow.Part())
	requireGranted(t, third)
}

// The slots that do not divide evenly go to whoever asks first.
func TestBudget_LeftoverSlots(t *testing.T) {
	b := NewBudget(5)
	x, y := b.Share(), b.Share()
	x.Join()
	y.Join()
	require.Equal(t, 3, x.Part(), "two each, and one left over")
	mustGrant(t, x)
	mustGrant(t, x)
	mustGrant(t, x) // the left-over slot
	fourth := acquireAsync(t, context.Background(), x)
	requireWaiting(t, x, fourth) // two slots are free: y's part
	mustGrant(t, y)
	mustGrant(t, y)
}

// More servers than slots: one slot each at most, and a freed slot goes to
// the server served longest ago, whatever the order in which they asked.
func TestBudget_FreedSlotGoesRoundRobin(t *testing.T) {
	b := NewBudget(2)
	x, y, z := b.Share(), b.Share(), b.Share()
	for _, s := range []*BudgetShare{x, y, z} {
		s.Join()
	}
	require.Equal(t, 1, x.Part())
	releaseX := mustGrant(t, x)
	releaseY := mustGrant(t, y)
	xAgain := acquireAsync(t, context.Background(), x)
	yAgain := acquireAsync(t, context.Background(), y)
	zWait := acquireAsync(t, context.Background(), z)

	releaseY()
	releaseZ := requireGranted(t, zWait) // y asked first, but z was never served
	requireWaiting(t, x, xAgain)         // x holds its one slot
	requireWaiting(t, y, yAgain)

	releaseX()
	requireGranted(t, xAgain) // x was served before y
	requireWaiting(t, y, yAgain)
	releaseZ()
	requireGranted(t, yAgain)
}

// A wait ended by its context takes no slot.
func TestBudget_CancelledWaitTakesNoSlot(t *testing.T) {
	b := NewBudget(1)
	s := b.Share()
	release := mustGrant(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	wait := acquireAsync(t, ctx, s)
	cancel()
	select {
	case a := <-wait:
		require.ErrorIs(t, a.err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled wait did not end")
	}
	b.mu.Lock()
	require.Empty(t, s.queue)
	require.Empty(t, b.waiting)
	b.mu.Unlock()
	release()
	require.Equal(t, 1, b.free)
	mustGrant(t, s)()
}
