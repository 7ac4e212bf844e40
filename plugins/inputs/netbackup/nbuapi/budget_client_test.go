package nbuapi

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// holdSlot makes a client of budget send a request that hangs at srv until
// the returned function is called; it returns once the request holds the
// budget's slot.
func holdSlot(t *testing.T, budget *Budget) (let func()) {
	t.Helper()
	arrived, released := make(chan struct{}), make(chan struct{})
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		select {
		case <-released:
		case <-r.Context().Done():
		}
		nbcWriteJSON(w, http.StatusOK, `{}`)
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.Budget = budget
	holder := newNbcClient(t, cfg)
	done := make(chan error, 1)
	go func() { done <- holder.Get(context.Background(), "/hold", nil, &struct{}{}) }()
	<-arrived
	return func() {
		close(released)
		require.NoError(t, <-done)
	}
}

// The per-attempt timeout starts when the attempt has its slot: a request
// that waited longer than the timeout for its slot is still answered.
func TestNbuClient_WaitForASlotIsNotPartOfTheAttemptTimeout(t *testing.T) {
	budget := NewBudget(1)
	let := holdSlot(t, budget)

	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		nbcWriteJSON(w, http.StatusOK, `{"data":[]}`)
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.Budget = budget
	cfg.Timeout = 50 * time.Millisecond
	cfg.RetryCount = 0
	c := newNbcClient(t, cfg)
	done := make(chan error, 1)
	go func() { done <- c.Get(context.Background(), "/admin/jobs", nil, &Page[struct{}]{}) }()
	require.Eventually(t, func() bool {
		budget.mu.Lock()
		defer budget.mu.Unlock()
		return len(c.share.queue) == 1
	}, 10*time.Second, time.Millisecond)
	time.Sleep(4 * cfg.Timeout) // the wait outlasts the per-attempt timeout
	let()
	require.NoError(t, <-done)
	require.EqualValues(t, 1, srv.requests.Load())
}

// A request waiting for a slot stops at its own deadline (the gather's of
// its server), without being sent, and says what it waited for.
func TestNbuClient_WaitForASlotEndsAtTheDeadline(t *testing.T) {
	budget := NewBudget(1)
	let := holdSlot(t, budget)
	defer let()

	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		nbcWriteJSON(w, http.StatusOK, `{"data":[]}`)
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.Budget = budget
	c := newNbcClient(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var stats Stats
	ctx = WithStats(ctx, &stats)
	err := c.Get(ctx, "/admin/jobs", nil, &Page[struct{}]{})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "GET /admin/jobs not sent: no free request slot before the gather ended (max_concurrent_requests")
	require.Zero(t, srv.requests.Load(), "never sent")
	require.Zero(t, stats.Snapshot().Requests, "no attempt counted")
	require.EqualValues(t, 1, stats.Snapshot().Errors)
}

// A request whose context has already ended (a shutdown, a deadline passed
// during a backoff wait) is not sent, and the error says why: not the
// budget, which has every slot free.
func TestNbuClient_EndedContextDoesNotBlameTheBudget(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) { nbcWriteJSON(w, http.StatusOK, `{}`) })
	c := newNbcClient(t, nbcConfig(t, srv.Server))

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	err := c.Get(cancelled, "/admin/jobs", nil, &struct{}{})
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorContains(t, err, "GET /admin/jobs not sent: the gather was cancelled (the plugin is stopping, or the gather no longer needs it)")
	require.NotContains(t, err.Error(), "max_concurrent_requests")

	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	err = c.Get(expired, "/admin/jobs", nil, &struct{}{})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "GET /admin/jobs not sent: the gather's time (gather_timeout) had run out")
	require.NotContains(t, err.Error(), "max_concurrent_requests")
	require.Zero(t, srv.requests.Load())
}

// Nothing of an answer stays reachable from the request's context once the
// call returned: a gather's context lives as long as the gather, and a
// backfill makes thousands of requests under it.
func TestNbuClient_AnswersAreNotKeptByTheContext(t *testing.T) {
	item := `{"type":"job","id":"1","attributes":{"name":"` + strings.Repeat("y", 100) + `"}}`
	body := `{"data":[` + strings.Repeat(item+",", 999) + item + `]}`
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		nbcWriteJSON(w, http.StatusOK, body)
	})
	c := newNbcClient(t, nbcConfig(t, srv.Server))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	get := func() {
		var page Page[struct{ Name string }]
		require.NoError(t, c.Get(ctx, "/admin/jobs", nil, &page))
		require.Len(t, page.Data, 1000)
	}
	get() // the first request sets up the connection and the buffer
	before := heap()
	for range 100 {
		get()
	}
	grown := int64(heap()) - int64(before)
	// Each page decodes to about 150 KB: kept, 100 of them would be 15 MB.
	require.Less(t, grown, int64(3<<20), "the heap grew by %d bytes over 100 requests", grown)
}

// Decoded answers own their bytes: the buffer they were read into is
// overwritten once it goes back to the budget (in test binaries), so a
// value pointing into it would read as garbage here.
func TestNbuClient_DecodedAnswersOwnTheirBytes(t *testing.T) {
	require.True(t, poisonReturnedBuffers)
	long := strings.Repeat("policy-", 20) // longer than the texts shared by internText
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		nbcWriteJSON(w, http.StatusOK, `{"data":[{"type":"job","id":"17","attributes":{"name":"`+long+`","tags":["a\u00e9","b"],`+
			`"extra":{"k":"v"}},"relationships":{"policy":{"data":{"type":"policy","id":"`+long+`"}}},"meta":{"page":{"cursor":"c17"}}},`+
			`{"type":"job","id":"18","attributes":{"name":{"bad":1}}}],"meta":{"pagination":{"next":"cursor-2"}}}`)
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.Budget = NewBudget(1)
	c := newNbcClient(t, cfg)
	type attributes struct {
		Name  string
		Tags  []string
		Extra map[string]string
	}
	var skipped []*ItemError
	ctx := WithSkippedItems(context.Background(), func(e *ItemError) { skipped = append(skipped, e) })
	var page Page[attributes]
	require.NoError(t, c.Get(ctx, "/admin/jobs", nil, &page))
	require.Len(t, page.Data, 1)
	item := page.Data[0]
	require.Equal(t, "job", item.Type)
	require.Equal(t, "17", item.ID)
	require.Equal(t, attributes{Name: long, Tags: []string{"aé", "b"}, Extra: map[string]string{"k": "v"}}, item.Attributes)
	require.Equal(t, []string{long}, item.Relationships["policy"].IDs())
	require.Equal(t, "c17", item.Meta.Page.Cursor)
	require.Equal(t, "cursor-2", page.nextText())
	require.Len(t, skipped, 1)
	require.Equal(t, "18", skipped[0].ID)
	require.Equal(t, "name", skipped[0].Attribute)
}

// An answer is read and decoded under its slot: however many requests run
// at once, no more buffers are ever made than the budget has slots.
func TestNbuClient_AsManyBuffersAsSlots(t *testing.T) {
	item := `{"type":"job","id":"1","attributes":{"name":"` + strings.Repeat("y", 100) + `"}}`
	body := `{"data":[` + strings.Repeat(item+",", 499) + item + `]}`
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		nbcWriteJSON(w, http.StatusOK, body)
	})
	budget := NewBudget(2)
	clients := make([]*Client, 4)
	for i := range clients {
		cfg := nbcConfig(t, srv.Server)
		cfg.Budget = budget
		clients[i] = newNbcClient(t, cfg)
	}
	var wg sync.WaitGroup
	for _, c := range clients {
		for range 5 {
			wg.Go(func() {
				for range 10 {
					var page Page[struct{ Name string }]
					if err := c.Get(context.Background(), "/admin/jobs", nil, &page); err != nil {
						t.Error(err)
					}
				}
			})
		}
	}
	wg.Wait()
	require.EqualValues(t, 4*5*10, srv.requests.Load())
	require.LessOrEqual(t, budget.buffers.made.Load(), int64(2))
}
