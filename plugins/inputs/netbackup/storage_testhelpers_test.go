package netbackup

import (
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// storageSeq yields items, then err if not nil: a stand-in for a paginated list.
func storageSeq[A any](items []nbuapi.Resource[A], err error) iter.Seq2[nbuapi.Resource[A], error] {
	return func(yield func(nbuapi.Resource[A], error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
		if err != nil {
			var zero nbuapi.Resource[A]
			yield(zero, err)
		}
	}
}

// storageSimItem is one item of a simulator list, decoded into the
// simulator's own attribute types (not the plugin's): what the simulator
// holds, to compare with what the plugin emitted.
type storageSimItem[T any] struct {
	ID            string `json:"id"`
	Attributes    T      `json:"attributes"`
	Relationships struct {
		DiskPool struct {
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		} `json:"diskPool"`
	} `json:"relationships"`
}

// storageSimDataset reads a whole offset-paged list straight from the
// simulator's handler (no TLS, no plugin client): the dataset as the
// simulator has it. Stand-in for sim.StorageUnitsData()/DiskPoolsData(),
// which the simulator does not offer yet.
func storageSimDataset[T any](t testing.TB, sim *nbusim.Simulator, path string, limit int) []storageSimItem[T] {
	t.Helper()
	var all []storageSimItem[T]
	for offset := 0; ; offset += limit {
		req := httptest.NewRequest(http.MethodGet,
			fmt.Sprintf("https://sim/netbackup%s?page%%5Blimit%%5D=%d&page%%5Boffset%%5D=%d", path, limit, offset), nil)
		req.Header.Set("Authorization", testAPIKey)
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var page struct {
			Data []storageSimItem[T] `json:"data"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
		all = append(all, page.Data...)
		if len(page.Data) < limit {
			return all
		}
	}
}

// storageBySeries maps each metric's series (measurement and tags) to its
// fields; a series present twice fails the test. Comparing maps is much
// faster than a sorted diff of thousands of metrics.
func storageBySeries(t testing.TB, metrics []*testutil.Metric) map[string]map[string]interface{} {
	t.Helper()
	out := make(map[string]map[string]interface{}, len(metrics))
	for _, m := range metrics {
		key := m.Measurement + fmt.Sprint(m.Tags)
		_, dup := out[key]
		require.False(t, dup, "series %s reported twice", key)
		out[key] = m.Fields
	}
	return out
}
