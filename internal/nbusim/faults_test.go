package nbusim

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func newTLSServer(t *testing.T, sim *Simulator) (*httptest.Server, *http.Client) {
	t.Helper()
	ts := httptest.NewTLSServer(sim)
	t.Cleanup(ts.Close)
	return ts, ts.Client()
}

func fetch(t *testing.T, c *http.Client, url, key string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", key)
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestFaultStatusWithRetryAfterAndCount(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 10})
	ts, c := newTLSServer(t, sim)
	sim.AddFault(Fault{PathPrefix: "/admin/jobs", Kind: FaultStatus, Status: 503, RetryAfter: "2", Count: 2})
	base := ts.URL + "/netbackup"
	for i := 0; i < 2; i++ {
		resp, body, err := fetch(t, c, base+"/admin/jobs", "test-key")
		require.NoError(t, err)
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		require.Equal(t, "2", resp.Header.Get("Retry-After"))
		var e errorEnvelope
		require.NoError(t, json.Unmarshal(body, &e))
		require.Equal(t, "The server is busy.", e.ErrorMessage)
	}
	resp, _, err := fetch(t, c, base+"/admin/jobs", "test-key")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "count exhausted")
	require.Equal(t, 2, sim.FaultsFired()[FaultStatus])

	sim.AddFault(Fault{PathPrefix: "/admin/jobs", Kind: FaultStatus, Status: 429, RetryAfter: "2025-03-10T12:00:05.000Z"})
	resp, _, err = fetch(t, c, base+"/storage/disk-pools", "test-key")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "other paths unaffected")
	resp, _, err = fetch(t, c, base+"/admin/jobs", "test-key")
	require.NoError(t, err)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.Equal(t, "2025-03-10T12:00:05.000Z", resp.Header.Get("Retry-After"))
	sim.ClearFaults()
	resp, _, err = fetch(t, c, base+"/admin/jobs", "test-key")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestFaultConnectionKinds(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 30})
	ts, c := newTLSServer(t, sim)
	url := ts.URL + "/netbackup/admin/jobs?page%5Blimit%5D=20"

	sim.AddFault(Fault{Kind: FaultReset, Count: 1})
	_, _, err := fetch(t, c, url, "test-key")
	require.Error(t, err, "reset")

	sim.AddFault(Fault{Kind: FaultTruncate, Count: 1})
	resp, body, err := fetch(t, c, url, "test-key")
	require.Error(t, err, "truncated body")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NotEmpty(t, body)
	require.Error(t, json.Unmarshal(body, new(any)))

	sim.AddFault(Fault{Kind: FaultInvalidJSON, Count: 1})
	resp, body, err = fetch(t, c, url, "test-key")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Error(t, json.Unmarshal(body, new(any)))

	sim.AddFault(Fault{Kind: FaultDelay, Delay: time.Millisecond, Count: 1})
	resp, body, err = fetch(t, c, url, "test-key")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.Unmarshal(body, new(any)), "delay then a normal answer")

	sim.AddFault(Fault{Kind: FaultHang, Delay: time.Minute, Count: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Authorization", "test-key")
	_, err = c.Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	fired := sim.FaultsFired()
	for _, k := range []FaultKind{FaultReset, FaultTruncate, FaultInvalidJSON, FaultDelay, FaultHang} {
		require.Equal(t, 1, fired[k], k)
	}
	resp, _, err = fetch(t, c, url, "test-key")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "all faults used up")
}

func TestFaultExpiredCursorOnlyWithCursor(t *testing.T) {
	sim := newTestSim(t, Config{Jobs: 30})
	sim.AddFault(Fault{PathPrefix: "/admin/jobs", Kind: FaultExpiredCursor})
	p := decodePage(t, get(t, sim, "/admin/jobs?page[limit]=5"))
	rec := get(t, sim, "/admin/jobs?page[limit]=5&page[after]="+p.Meta.Pagination["next"].(string))
	require.Equal(t, http.StatusBadRequest, rec.Code)
	errorEnvelopeOf(t, rec)
	require.Equal(t, 1, sim.FaultsFired()[FaultExpiredCursor])
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	count := func() int {
		sim := newTestSim(t, Config{Jobs: 5, Seed: 42})
		sim.AddFault(Fault{Kind: FaultStatus, Status: 500, Probability: 0.3})
		failed := 0
		for i := 0; i < 200; i++ {
			if get(t, sim, "/storage/disk-pools").Code == 500 {
				failed++
			}
		}
		require.Equal(t, failed, sim.FaultsFired()[FaultStatus])
		return failed
	}
	n := count()
	require.Greater(t, n, 20)
	require.Less(t, n, 120)
	require.Equal(t, n, count(), "same seed, same faults")
}

func TestParseFault(t *testing.T) {
	f, err := ParseFault("path=/admin/jobs,kind=status,status=503,probability=0.1,retry_after=1,count=3,delay=2s")
	require.NoError(t, err)
	require.Equal(t, Fault{PathPrefix: "/admin/jobs", Kind: FaultStatus, Status: 503, Probability: 0.1, RetryAfter: "1", Count: 3, Delay: 2 * time.Second}, f)
	for _, bad := range []string{"kind=boom", "path=/x", "kind=status,status=x", "kind=status,foo=1", "kind=status,probability=2", "kind"} {
		_, err := ParseFault(bad)
		require.Error(t, err, bad)
	}
}
