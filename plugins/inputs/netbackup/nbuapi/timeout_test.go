package nbuapi

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A server that starts an answer and then trickles it, one byte a second:
// every attempt must end as a timeout. net/http sometimes ends such a body
// with a clean EOF when the per-attempt timeout cancels the read (seen in
// about one attempt in seven), which used to surface as "invalid JSON" and
// was not retried.
func TestNbuClient_AnswerCutByTheTimeoutIsATimeout(t *testing.T) {
	srv := newNbcServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.netbackup+json;version=13.0")
		w.WriteHeader(http.StatusOK)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
			}
		}
	})
	cfg := nbcConfig(t, srv.Server)
	cfg.Timeout = 100 * time.Millisecond
	cfg.RetryCount = 0
	c := newNbcClient(t, cfg)
	// Many requests at once: the race shows far more often under load.
	var wg sync.WaitGroup
	errs := make(chan error, 20*20)
	for range 20 {
		wg.Go(func() {
			for range 20 {
				errs <- c.Get(context.Background(), "/storage/storage-units", nil, &struct{}{})
			}
		})
	}
	wg.Wait()
	close(errs)
	cut := 0
	for err := range errs {
		require.Error(t, err)
		if !strings.Contains(err.Error(), "timeout") {
			t.Errorf("not taken for a timeout: %v", err)
		}
		if strings.Contains(err.Error(), "cut off") {
			cut++
		}
	}
	t.Logf("%d of %d answers were cut off by the timeout while being read", cut, cap(errs))
}
